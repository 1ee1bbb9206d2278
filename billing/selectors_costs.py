"""Income against cost of an estate for a month, a quarter or a year.

Billed income: the lines of the period's issued bills (not drafts, not voided bills), by
fee item. Collected: payments received in the period less refunds paid out (from the
ledger, by date). Costs: the cost records of the period's months, by group. Surplus:
billed income less costs; cash surplus: collected less costs."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from core.money import money

from .choices import BillStatus, EntryKind
from .compute import period_bounds
from .models import Bill, BillLine, LedgerEntry
from .models.costs import CostGroup, CostRecord

ZERO = Decimal("0.00")
COUNTED = ~Q(status__in=(BillStatus.DRAFT, BillStatus.VOID))


@dataclass(frozen=True)
class Span:
    kind: str  # month, quarter, year
    year: int
    number: int  # the month or the quarter (0 for a year)

    @classmethod
    def of_month(cls, year: int, month: int) -> "Span":
        return cls("month", year, month)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> "Span":
        return cls("quarter", year, quarter)

    @classmethod
    def of_year(cls, year: int) -> "Span":
        return cls("year", year, 0)

    @property
    def months(self) -> list[int]:
        if self.kind == "month":
            return [self.number]
        if self.kind == "quarter":
            return [3 * (self.number - 1) + i for i in (1, 2, 3)]
        return list(range(1, 13))

    @property
    def periods(self) -> list[str]:
        return [f"{self.year:04d}-{m:02d}" for m in self.months]

    @property
    def start(self) -> dt.date:
        return period_bounds(self.periods[0])[0]

    @property
    def end(self) -> dt.date:
        return period_bounds(self.periods[-1])[1]

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.periods[0]
        if self.kind == "quarter":
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.number}
        return _("Year %(year)s") % {"year": self.year}


@dataclass
class IncomeCost:
    span: Span
    income: list[dict] = field(default_factory=list)  # {"name", "amount"} per fee item
    billed: Decimal = ZERO
    settled: Decimal = ZERO  # what payments and credits settled of the billed bills
    collected: Decimal = ZERO
    costs: list[dict] = field(default_factory=list)  # {"group", "label", "amount", "items"}
    cost_total: Decimal = ZERO

    @property
    def surplus(self) -> Decimal:
        return self.billed - self.cost_total

    @property
    def cash_surplus(self) -> Decimal:
        return self.collected - self.cost_total

    @property
    def collection_rate(self) -> Decimal | None:
        if not self.billed:
            return None
        return (self.settled * 100 / self.billed).quantize(Decimal("0.1"))

    def as_json(self) -> dict:
        """The figures as stored in a summary (amounts as strings, groups as codes)."""
        rate = self.collection_rate
        return {
            "income": [{"name": r["name"], "amount": str(r["amount"])} for r in self.income],
            "billed": str(self.billed),
            "settled": str(self.settled),
            "collected": str(self.collected),
            "costs": [
                {
                    "group": c["group"],
                    "amount": str(c["amount"]),
                    "items": [{"name": i["name"], "amount": str(i["amount"])} for i in c["items"]],
                }
                for c in self.costs
            ],  # fmt: skip
            "cost_total": str(self.cost_total),
            "surplus": str(self.surplus),
            "cash_surplus": str(self.cash_surplus),
            "collection_rate": None if rate is None else str(rate),
        }


def cost_groups(records) -> tuple[list[dict], Decimal]:
    """Costs per group (all four, in the seed's order) with their sub-categories."""
    rows = records.values("group", "subcategory").annotate(s=Sum("amount")).order_by("subcategory")
    groups = {code: {"group": code, "label": label, "amount": ZERO, "items": []}
              for code, label in CostGroup.choices}  # fmt: skip
    for row in rows:
        group = groups[row["group"]]
        amount = money(row["s"])
        group["items"].append({"name": row["subcategory"], "amount": amount})
        group["amount"] += amount
    result = list(groups.values())
    return result, money(sum((g["amount"] for g in result), ZERO))


def income_and_cost(estate, span: Span) -> IncomeCost:
    bills = Bill.objects.filter(COUNTED, estate=estate, period__in=span.periods)
    sums = bills.aggregate(total=Sum("total"), paid=Sum("paid"))
    lines = (
        BillLine.objects.filter(bill__in=bills)
        .values("fee_item__name")
        .annotate(s=Sum("amount"))
        .order_by("fee_item__name")
    )
    entries = LedgerEntry.objects.filter(
        estate=estate, on_date__gte=span.start, on_date__lte=span.end
    ).aggregate(
        paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
        refunded=Sum("amount", filter=Q(kind=EntryKind.REFUND)),
    )
    costs, cost_total = cost_groups(
        CostRecord.objects.filter(estate=estate, period__in=span.periods)
    )
    return IncomeCost(
        span=span,
        income=[{"name": r["fee_item__name"], "amount": money(r["s"])} for r in lines],
        billed=money(sums["total"] or 0),
        settled=money(sums["paid"] or 0),
        collected=money(-(entries["paid"] or 0) - (entries["refunded"] or 0)),
        costs=costs,
        cost_total=cost_total,
    )


def summary_figures(summary) -> dict:
    """A summary's stored figures, ready for a page or the PDF: Decimals, group labels."""
    f = summary.figures or {}
    labels = dict(CostGroup.choices)

    def d(value):
        return Decimal(value) if value not in (None, "") else ZERO

    return {
        "income": [{"name": r["name"], "amount": d(r["amount"])} for r in f.get("income", [])],
        "billed": d(f.get("billed")),
        "collected": d(f.get("collected")),
        "costs": [
            {
                "label": labels.get(c["group"], c["group"]),
                "amount": d(c["amount"]),
                "items": [{"name": i["name"], "amount": d(i["amount"])} for i in c["items"]],
            }
            for c in f.get("costs", [])
        ],  # fmt: skip
        "cost_total": d(f.get("cost_total")),
        "surplus": d(f.get("surplus")),
        "cash_surplus": d(f.get("cash_surplus")),
        "collection_rate": f.get("collection_rate"),
    }
