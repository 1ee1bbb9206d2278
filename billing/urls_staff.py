"""Staff pages of billing (under /staff/billing/)."""

from django.urls import path

from .views import accounts, repairs, runs, standards

app_name = "billing"

urlpatterns = [
    path("", runs.home, name="home"),
    path("runs/new/", runs.run_start, name="run_start"),
    path("runs/<int:run_pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:run_pk>/progress/", runs.run_progress, name="run_progress"),
    path("runs/<int:run_pk>/issue/", runs.run_issue, name="run_issue"),
    path("runs/<int:run_pk>/recompute/", runs.run_recompute, name="run_recompute"),
    path("runs/<int:run_pk>/export.xlsx", runs.run_export, name="run_export"),
    path("arrears/", runs.arrears, name="arrears"),
    path("cash/", accounts.cash_report, name="cash_report"),
    path("standards/", standards.standard_list, name="standard_list"),
    path("standards/new/", standards.standard_create, name="standard_create"),
    path("fee-items/new/", standards.fee_item_create, name="fee_item_create"),
    path("standards/<int:standard_pk>/", standards.standard_detail, name="standard_detail"),
    path("standards/<int:standard_pk>/change/", standards.standard_revise, name="standard_revise"),
    path("units/<int:unit_pk>/", accounts.account_detail, name="account_detail"),
    path("units/<int:unit_pk>/pay/", accounts.payment_create, name="payment_create"),
    path("units/<int:unit_pk>/credit/", accounts.credit_create, name="credit_create"),
    path("units/<int:unit_pk>/statement.pdf", accounts.statement_pdf, name="statement_pdf"),
    path("bills/<int:bill_pk>/", accounts.bill_detail, name="bill_detail"),
    path("bills/<int:bill_pk>/void/", accounts.bill_void, name="bill_void"),
    path("payments/<int:payment_pk>/receipt.pdf", accounts.receipt_pdf, name="receipt_pdf"),
    # Chargeable repairs: the price list, a ticket's quote, the signature, the final amount.
    path("repair-prices/", repairs.price_list, name="repair_price_list"),
    path("repair-prices/new/", repairs.price_create, name="repair_price_create"),
    path("repair-prices/<int:price_pk>/change/", repairs.price_revise, name="repair_price_revise"),
    path("repairs/<int:ticket_pk>/quote/lines/", repairs.quote_line_add, name="quote_line_add"),
    path("repairs/quote-lines/<int:line_pk>/remove/", repairs.quote_line_remove,
         name="quote_line_remove"),
    path("repairs/quotes/<int:quote_pk>/send/", repairs.quote_send, name="quote_send"),
    path("repairs/quotes/<int:quote_pk>/withdraw/", repairs.quote_withdraw, name="quote_withdraw"),
    path("repairs/quotes/<int:quote_pk>/sign/", repairs.quote_sign, name="quote_sign"),
    path("repairs/quotes/<int:quote_pk>/signature.png", repairs.quote_signature,
         name="quote_signature"),
    path("repairs/<int:ticket_pk>/charge/", repairs.charge_record, name="repair_charge_record"),
]  # fmt: skip
