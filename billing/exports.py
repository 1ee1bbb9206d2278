"""Exports for the accounting system: the bills, payments and receipts of an estate for a
month, as rows with a total. The export page shows the same totals (one function)."""

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import money

from .choices import BillStatus
from .compute import period_bounds
from .models import Bill, Payment, Receipt

ZERO = Decimal("0.00")
KINDS = {
    "bills": gettext_lazy("Bills"),
    "payments": gettext_lazy("Payments"),
    "receipts": gettext_lazy("Receipts"),
}


@dataclass
class Export:
    kind: str
    headers: list
    rows: list
    total: Decimal
    amount_column: int


def _month(period: str) -> tuple[dt.datetime, dt.datetime]:
    first, last = period_bounds(period)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


def bills_of(estate, period):
    return (
        Bill.objects.filter(estate=estate, period=period)
        .exclude(status=BillStatus.DRAFT)
        .select_related("unit__building")
        .order_by("unit__building__name", "unit__entrance", "unit__number", "id")
    )


def payments_of(estate, period):
    start, end = _month(period)
    return (
        Payment.objects.filter(estate=estate, created_at__gte=start, created_at__lt=end)
        .select_related("unit__building", "receipt", "received_by")
        .order_by("created_at", "id")
    )


def receipts_of(estate, period):
    start, end = _month(period)
    return (
        Receipt.objects.filter(estate=estate, issued_at__gte=start, issued_at__lt=end)
        .select_related("payment__unit__building")
        .order_by("year", "sequence")
    )


def totals(estate, period) -> dict:
    """The totals the export page shows: they are what the files add up to."""
    return {
        "bills": money(bills_of(estate, period).aggregate(s=Sum("total"))["s"] or 0),
        "payments": money(payments_of(estate, period).aggregate(s=Sum("amount"))["s"] or 0),
        "receipts": money(
            receipts_of(estate, period).aggregate(s=Sum("payment__amount"))["s"] or 0
        ),
    }


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def build(kind: str, estate, period: str) -> Export:
    if kind == "bills":
        headers = [_("Building"), _("Unit"), _("Month"), _("Status"), _("Issued at"), _("Due on"),
                   _("Total"), _("Settled"), _("Outstanding"), _("Bill reference")]  # fmt: skip
        from .services.bank import bill_reference

        rows = []
        for b in bills_of(estate, period).select_related("estate"):
            rows.append([b.unit.building.name, b.unit.label, b.period, b.get_status_display(),
                         _local(b.issued_at), b.due_date.isoformat() if b.due_date else "",
                         b.total, b.paid, b.outstanding, bill_reference(b)])  # fmt: skip
        return Export(kind, headers, rows, money(sum((r[6] for r in rows), ZERO)), 6)
    if kind == "payments":
        headers = [_("Received"), _("Building"), _("Unit"), _("Payment channel"), _("Amount"),
                   _("Reference"), _("Paid by"), _("Received by"), _("Receipt")]  # fmt: skip
        rows = []
        for p in payments_of(estate, period):
            receipt = getattr(p, "receipt", None)
            rows.append([_local(p.created_at), p.unit.building.name, p.unit.label,
                         p.get_channel_display(), p.amount, p.reference, p.payer_name,
                         str(p.received_by or ""), receipt.number if receipt else ""])  # fmt: skip
        return Export(kind, headers, rows, money(sum((r[4] for r in rows), ZERO)), 4)
    if kind == "receipts":
        headers = [_("Receipt number"), _("Issued at"), _("Building"), _("Unit"),
                   _("Payment channel"), _("Amount")]  # fmt: skip
        rows = []
        for r in receipts_of(estate, period):
            p = r.payment
            rows.append([r.number, _local(r.issued_at), p.unit.building.name, p.unit.label,
                         p.get_channel_display(), p.amount])  # fmt: skip
        return Export(kind, headers, rows, money(sum((r[5] for r in rows), ZERO)), 5)
    raise ValueError(kind)


def with_total(export: Export) -> list:
    """The rows and a last row with the total under the amount column."""
    total = [""] * len(export.headers)
    total[0], total[export.amount_column] = _("Total"), export.total
    return [*export.rows, total]


def csv_bytes(export: Export) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in export.headers])
    for row in with_total(export):
        writer.writerow(["" if v is None else v for v in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
