"""Owner pages of billing (under /portal/billing/), in the owner scope of estates.owners."""

from django.urls import path

from .views import owner, repairs_owner, transparency

app_name = "portal_billing"

urlpatterns = [
    path("", owner.bills, name="bills"),
    path("bills/<int:bill_pk>/", owner.bill_detail, name="bill_detail"),
    path("bills/<int:bill_pk>/pay/", owner.pay_start, name="pay_start"),
    path("units/<int:unit_pk>/statement/", owner.account_statement, name="statement"),
    path("units/<int:unit_pk>/statement.pdf", owner.account_statement_pdf, name="statement_pdf"),
    path("payments/<int:payment_pk>/receipt.pdf", owner.receipt_pdf, name="receipt_pdf"),
    path("standards/", owner.standards, name="standards"),
    path("standards/<int:estate_pk>/standards.pdf", owner.standards_pdf, name="standards_pdf"),
    path("online/<int:online_pk>/sandbox/", owner.sandbox_checkout, name="sandbox_checkout"),
    path("online/<int:online_pk>/sandbox/pay/", owner.sandbox_pay, name="sandbox_pay"),
    path("online/<int:online_pk>/return/", owner.pay_return, name="pay_return"),
    path("notify/sandbox/", owner.provider_notify, name="provider_notify"),
    path("transparency/", transparency.summaries, name="summaries"),
    path("transparency/<int:summary_pk>/", transparency.summary_detail, name="summary_detail"),
    path("transparency/<int:summary_pk>/summary.pdf", transparency.summary_pdf, name="summary_pdf"),
    # Chargeable repairs, from the owner's ticket page.
    path("repairs/quotes/<int:quote_pk>/accept/", repairs_owner.quote_accept, name="quote_accept"),
    path("repairs/quotes/<int:quote_pk>/decline/", repairs_owner.quote_decline,
         name="quote_decline"),
    path("repairs/charges/<int:charge_pk>/pay/", repairs_owner.charge_pay, name="charge_pay"),
]  # fmt: skip
