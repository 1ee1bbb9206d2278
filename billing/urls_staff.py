"""Staff pages of billing (under /staff/billing/)."""

from django.urls import path

from .views import accounts, bank, costs, exports, meter_imports, meters, repairs, runs, standards

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
    # Bank statements
    path("bank/", bank.statement_list, name="bank_statement_list"),
    path("bank/upload/", bank.statement_upload, name="bank_statement_upload"),
    path("bank/template.xlsx", bank.statement_template, name="bank_template"),
    path("bank/unmatched/", bank.unmatched, name="bank_unmatched"),
    path("bank/<int:statement_pk>/", bank.statement_detail, name="bank_statement_detail"),
    path("bank/<int:statement_pk>/apply/", bank.statement_apply, name="bank_statement_apply"),
    path("bank/lines/<int:line_pk>/", bank.line_detail, name="bank_line"),
    path("bank/lines/<int:line_pk>/not-ours/", bank.line_dismiss, name="bank_line_dismiss"),
    # Exports for accounting
    path("exports/", exports.export_home, name="export_home"),
    path("exports/download/", exports.export_download, name="export_download"),
    # Costs and transparency
    path("costs/", costs.cost_list, name="cost_list"),
    path("costs/new/", costs.cost_create, name="cost_create"),
    path("costs/import/", costs.cost_import, name="cost_import"),
    path("costs/template.xlsx", costs.cost_template, name="cost_template"),
    path("costs/income/", costs.income_cost, name="income_cost"),
    path("summaries/", costs.summary_list, name="summary_list"),
    path("summaries/new/", costs.summary_prepare, name="summary_prepare"),
    path("summaries/<int:summary_pk>/", costs.summary_detail, name="summary_detail"),
    path("summaries/<int:summary_pk>/refresh/", costs.summary_refresh, name="summary_refresh"),
    path("summaries/<int:summary_pk>/publish/", costs.summary_publish, name="summary_publish"),
    path("summaries/<int:summary_pk>/summary.pdf", costs.summary_pdf, name="summary_pdf"),
    # Meters and readings
    path("meters/", meters.meter_list, name="meter_list"),
    path("meters/new/", meters.meter_create, name="meter_create"),
    path("meters/<int:meter_pk>/", meters.meter_detail, name="meter_detail"),
    path("meters/<int:meter_pk>/change/", meters.meter_edit, name="meter_edit"),
    path("meters/<int:meter_pk>/read/", meters.meter_read, name="meter_read"),
    path("meters/buildings/<int:building_pk>/read/", meters.meter_entry, name="meter_entry"),
    path("meters/usage/", meters.meter_usage, name="meter_usage"),
    path("meters/usage/compute/", meters.meter_usage_compute, name="meter_usage_compute"),
    path("meters/import/", meter_imports.reading_import, name="reading_import"),
    path(
        "meters/import/template.xlsx",
        meter_imports.reading_import_template,
        name="reading_import_template",
    ),
    path(
        "meters/import/<int:reading_import_pk>/",
        meter_imports.reading_import_detail,
        name="reading_import_detail",
    ),
    path(
        "meters/import/<int:reading_import_pk>/apply/",
        meter_imports.reading_import_apply,
        name="reading_import_apply",
    ),
    # Chargeable repairs: the price list, a ticket's quote, the signature, the final amount.
    path("repair-prices/", repairs.price_list, name="repair_price_list"),
    path("repair-prices/new/", repairs.price_create, name="repair_price_create"),
    path("repair-prices/<int:price_pk>/change/", repairs.price_revise, name="repair_price_revise"),
    path("repairs/<int:ticket_pk>/quote/lines/", repairs.quote_line_add, name="quote_line_add"),
    path("repairs/quote-lines/<int:quote_line_pk>/remove/", repairs.quote_line_remove,
         name="quote_line_remove"),
    path("repairs/quotes/<int:quote_pk>/send/", repairs.quote_send, name="quote_send"),
    path("repairs/quotes/<int:quote_pk>/withdraw/", repairs.quote_withdraw, name="quote_withdraw"),
    path("repairs/quotes/<int:quote_pk>/sign/", repairs.quote_sign, name="quote_sign"),
    path("repairs/quotes/<int:quote_pk>/signature.png", repairs.quote_signature,
         name="quote_signature"),
    path("repairs/<int:ticket_pk>/charge/", repairs.charge_record, name="repair_charge_record"),
]  # fmt: skip
