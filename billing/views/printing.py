"""Printed output of billing: the receipt (收据), a unit's statement (对账单) and the
publication of the fee standards in force (收费标准公示). Each is reached through a staff
view (scoped, permission in the object's estate) or an owner view (the owner's own)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import pdf_response, render_pdf

from ..choices import Method
from ..numerals import amount_in_capitals
from ..repairs_read import repair_prices_in_force
from ..selectors import standards_in_force, statement
from .common import company_name


def receipt_response(request, payment):
    receipt = payment.receipt
    context = {
        "title": _("Receipt"),
        "company_name": company_name(),
        "payment": payment,
        "receipt": receipt,
        "estate": payment.estate,
        "unit": payment.unit,
        "allocations": payment.entry.allocations.select_related("bill"),
        "capitals": amount_in_capitals(payment.amount),
    }
    pdf = render_pdf("pdf/billing_receipt.html", context, request=request)
    return pdf_response(pdf, f"{receipt.number}.pdf")


def statement_response(request, unit, start, end):
    context = {
        "title": _("Account statement"),
        "company_name": company_name(),
        "unit": unit,
        "estate": unit.estate,
        "statement": statement(unit, start, end),
        "printed_at": timezone.now(),
    }
    pdf = render_pdf("pdf/billing_statement.html", context, request=request)
    return pdf_response(pdf, f"statement-{unit.pk}-{start:%Y%m}-{end:%Y%m}.pdf")


def how_computed(standard) -> str:
    price = f"¥{standard.price.normalize():f}"
    if standard.method == Method.PER_AREA:
        return _("floor area (m²) × %(price)s per m² × days charged / days of the month") % {
            "price": price
        }
    if standard.method == Method.FIXED:
        return _("%(price)s per unit × days charged / days of the month") % {"price": price}
    if standard.method == Method.PER_PARKING:
        return _("parking spaces × %(price)s × days charged / days of the month") % {"price": price}
    steps = []
    below = None
    for tier in standard.tiers.all():
        if tier.up_to is None:
            steps.append(
                _("above %(below)s: ¥%(price)s")
                % {"below": below or 0, "price": tier.price.normalize()}
            )
        else:
            steps.append(
                _("%(low)s–%(high)s: ¥%(price)s")
                % {
                    "low": below or 0,
                    "high": tier.up_to.normalize(),
                    "price": tier.price.normalize(),
                }
            )
            below = tier.up_to.normalize()
    if not steps:
        return _("usage × %(price)s") % {"price": price}
    return _("usage priced by steps: %(steps)s") % {"steps": "; ".join(str(s) for s in steps)}


def standards_context(estate):
    standards = standards_in_force(estate)
    for standard in standards:
        standard.how = how_computed(standard)
    return {
        "estate": estate,
        "standards": standards,
        "repair_prices": repair_prices_in_force(estate),
        "today": timezone.localdate(),
    }


def standards_response(request, estate):
    context = standards_context(estate)
    context.update({"title": _("Fee standards"), "company_name": company_name()})
    pdf = render_pdf("pdf/billing_standards.html", context, request=request)
    return pdf_response(pdf, f"fee-standards-{estate.code}.pdf")
