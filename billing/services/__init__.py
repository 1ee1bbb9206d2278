"""The writes of billing: every money movement and status change is one of these."""

from .ledger import bill_void, credit_record, refund_record  # noqa: F401
from .online import online_payment_confirm, online_payment_start  # noqa: F401
from .payments import payment_record, receipt_issue  # noqa: F401
from .runs import (  # noqa: F401
    bill_run_compute,
    bill_run_issue,
    bill_run_issue_batches,
    bill_run_recompute,
    bill_run_start,
)
from .standards import fee_item_create, standard_create, standard_revise  # noqa: F401
