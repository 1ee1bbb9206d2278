"""The writes of billing: every money movement and status change is one of these."""

from .ledger import bill_void, credit_record, refund_record  # noqa: F401
from .online import online_payment_confirm, online_payment_start  # noqa: F401
from .payments import payment_record, receipt_issue  # noqa: F401
from .repairs import (  # noqa: F401
    quote_accept,
    quote_accept_signed,
    quote_decline,
    quote_line_add,
    quote_line_remove,
    quote_send,
    quote_withdraw,
    repair_charge_pay_now,
    repair_charge_post,
    repair_charge_record,
    repair_charges_post_for_run,
    repair_price_create,
    repair_price_revise,
)
from .runs import (  # noqa: F401
    bill_run_compute,
    bill_run_issue,
    bill_run_issue_batches,
    bill_run_recompute,
    bill_run_start,
)
from .standards import fee_item_create, standard_create, standard_revise  # noqa: F401
