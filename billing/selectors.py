"""Reads shared by pages, PDFs and services: the standards in force, a unit's balance and
statement, a run's preview."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.money import money

from .choices import OPEN_BILL_STATUSES, BillStatus, EntryKind
from .compute import previous_period
from .models import Bill, BillLine, FeeStandard, LedgerEntry, Payment

ZERO = Decimal("0.00")


def standards_in_force(estate, on: dt.date | None = None) -> list[FeeStandard]:
    """The version of each fee standard of `estate` in force on `on` (today by default):
    the latest whose effective date is not after it."""
    on = on or timezone.localdate()
    rows = (
        FeeStandard.objects.filter(estate=estate, effective_from__lte=on)
        .select_related("fee_item")
        .prefetch_related("tiers", "buildings")
        .order_by("fee_item_id", "-effective_from", "-version")
    )
    latest = {}
    for standard in rows:
        latest.setdefault(standard.fee_item_id, standard)
    return sorted(latest.values(), key=lambda s: (s.fee_item.kind, s.fee_item.name))


def standard_versions(standard) -> list[FeeStandard]:
    """Every version of the same fee item in the same estate, newest first."""
    return list(
        FeeStandard.objects.filter(estate_id=standard.estate_id, fee_item_id=standard.fee_item_id)
        .select_related("created_by")
        .order_by("-effective_from", "-version")
    )


def _sum(qs) -> Decimal:
    return money(qs.aggregate(s=Sum("amount"))["s"] or 0)


def balance(unit) -> Decimal:
    """What the unit owes now (negative: a prepaid balance)."""
    return _sum(LedgerEntry.objects.filter(unit=unit))


def prepaid(unit) -> Decimal:
    return money(LedgerEntry.objects.filter(unit=unit).aggregate(s=Sum("unapplied"))["s"] or 0)


def open_bills(unit):
    return Bill.objects.filter(unit=unit, status__in=OPEN_BILL_STATUSES).order_by("period", "id")


@dataclass
class Statement:
    start: dt.date
    end: dt.date
    opening: Decimal
    charges: Decimal
    payments: Decimal
    adjustments: Decimal
    refunds: Decimal
    closing: Decimal
    entries: list = field(default_factory=list)  # with .running (the balance after it)

    @property
    def adds_up(self) -> bool:
        moved = self.charges + self.payments + self.adjustments + self.refunds
        return self.opening + moved == self.closing


def statement(unit, start: dt.date, end: dt.date) -> Statement:
    """Opening balance, the movements of [start, end] by kind, closing balance; the closing
    balance is summed from the ledger on its own, so `adds_up` checks the arithmetic."""
    entries = LedgerEntry.objects.filter(unit=unit)
    opening = _sum(entries.filter(on_date__lt=start))
    closing = _sum(entries.filter(on_date__lte=end))
    inside = entries.filter(on_date__gte=start, on_date__lte=end)
    sums = inside.aggregate(
        **{kind: Sum("amount", filter=Q(kind=kind)) for kind in EntryKind.values}
    )
    rows, running = [], opening
    for entry in inside.select_related("bill", "payment").order_by("on_date", "id"):
        running += entry.amount
        entry.running = running
        rows.append(entry)
    return Statement(
        start=start,
        end=end,
        opening=opening,
        charges=money(sums[EntryKind.CHARGE] or 0),
        payments=money(sums[EntryKind.PAYMENT] or 0),
        adjustments=money(sums[EntryKind.ADJUSTMENT] or 0),
        refunds=money(sums[EntryKind.REFUND] or 0),
        closing=closing,
        entries=rows,
    )


def run_preview(run) -> dict:
    """Totals per fee item of the run's bills, and the same of last month's issued bills."""
    current = _by_item(BillLine.objects.filter(bill__run=run))
    before = _by_item(
        BillLine.objects.filter(
            bill__estate_id=run.estate_id, period=previous_period(run.period)
        ).exclude(bill__status=BillStatus.DRAFT)
    )
    rows = []
    for item_id in sorted(
        set(current) | set(before), key=lambda i: (current.get(i) or before[i])["name"]
    ):
        now, then = current.get(item_id), before.get(item_id)
        amount = now["amount"] if now else ZERO
        last = then["amount"] if then else ZERO
        rows.append(
            {
                "name": (now or then)["name"],
                "lines": now["lines"] if now else 0,
                "amount": amount,
                "last": last,
                "difference": amount - last,
            }
        )
    total = money(sum((r["amount"] for r in rows), ZERO))
    last_total = money(sum((r["last"] for r in rows), ZERO))
    return {
        "rows": rows,
        "total": total,
        "last_total": last_total,
        "difference": total - last_total,
    }


def _by_item(lines) -> dict:
    rows = lines.values("fee_item_id", "fee_item__name").annotate(
        amount=Sum("amount"), lines=Count("id")
    )
    return {
        r["fee_item_id"]: {
            "name": r["fee_item__name"],
            "amount": money(r["amount"]),
            "lines": r["lines"],
        }
        for r in rows
    }


AGING_BUCKETS = (
    ("d0_30", 0, 30),
    ("d31_90", 31, 90),
    ("d91_180", 91, 180),
    ("d180_plus", 181, None),
)


def arrears_aging(estate, *, by: str = "building", on: dt.date | None = None) -> dict:
    """What open bills still owe, by days past their due date (0–30, 31–90, 91–180, over
    180), per building or per unit of `estate`, summed in the database."""
    from django.db.models import DecimalField, F, Value
    from django.db.models.functions import Coalesce

    on = on or timezone.localdate()
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    owed = F("total") - F("paid")
    sums = {}
    for name, low, high in AGING_BUCKETS:
        window = Q(due_date__lte=on - dt.timedelta(days=low))
        if high is not None:
            window &= Q(due_date__gte=on - dt.timedelta(days=high))
        sums[name] = Coalesce(Sum(owed, filter=window), zero)
    sums["total"] = Coalesce(Sum(owed), zero)
    keys = ["unit__building_id", "unit__building__name"]
    if by == "unit":
        keys += ["unit_id", "unit__entrance", "unit__number"]
    rows = list(
        Bill.objects.filter(estate=estate, status__in=OPEN_BILL_STATUSES, due_date__lte=on)
        .values(*keys)
        .annotate(**sums)
        .filter(total__gt=0)
        .order_by(*keys)
    )
    totals = {name: money(sum((r[name] for r in rows), Decimal("0"))) for name in sums}
    return {"rows": rows, "totals": totals, "by": by, "on": on}


def cash_report(estate, day: dt.date) -> dict:
    """The day's payments of an estate per cashier and channel (online ones on their own
    line), with the totals: what each cashier hands over."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    payments = Payment.objects.filter(estate=estate, created_at__gte=start, created_at__lt=end)
    rows = list(
        payments.values("received_by_id", "received_by__display_name", "received_by__username",
                        "channel")
        .annotate(amount=Sum("amount"), count=Count("id"))
        .order_by("received_by__username", "channel")
    )  # fmt: skip
    total = money(sum((r["amount"] for r in rows), Decimal("0")))
    listed = payments.select_related("unit__building", "receipt", "received_by").order_by(
        "created_at", "id"
    )
    return {"day": day, "rows": rows, "total": total, "payments": listed[:500]}
