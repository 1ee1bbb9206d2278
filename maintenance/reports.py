"""The monthly repair report (月度维修报告): figures of one estate's tickets reported in one
calendar month (local time), computed by aggregate queries, and a bar chart drawn as SVG on
the server so that the same picture can go into a PDF."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.money import money

from .choices import Category, Priority, Status
from .deadlines import DEADLINES
from .models import Ticket

# A ticket that was rejected or cancelled never needed a technician: it is left out of the
# on-time rates (it still counts in the totals by category and status).
NOT_MEASURED = [Status.REJECTED, Status.CANCELLED]

TOP_PLACES = 5


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in the project's time zone, as aware datetimes."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def _elapsed(milestone: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(milestone) - F("reported_at"), output_field=DurationField())


def _hours(duration) -> float | None:
    if duration is None:
        return None
    return round(duration.total_seconds() / 3600, 1)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _place_label(row: dict) -> str:
    """The same wording as Ticket.place, from grouped values."""
    if row["unit_id"]:
        entrance, number = row["unit__entrance"], row["unit__number"]
        label = f"{entrance}-{number}" if entrance else number
        return f"{row['unit__building__name']} {label}"
    parts = [
        row["place_building"] or "",
        row["place_equipment"] or "",
        row["place_location"] or "",
    ]
    return " · ".join(p for p in parts if p) or "—"


def _aggregates(now) -> dict:
    """The month's figures that one aggregate query gives."""
    measured = ~Q(status__in=NOT_MEASURED)
    aggregates = {
        "total": Count("id"),
        "emergencies": Count("id", filter=Q(priority=Priority.EMERGENCY)),
        "rating_average": Avg("rating", filter=Q(rating__isnull=False)),
        "rating_count": Count("id", filter=Q(rating__isnull=False)),
        "chargeable_total": Sum("amount", filter=Q(chargeable=True, completed_at__isnull=False)),
        "free_cost_total": Sum("amount", filter=Q(chargeable=False, completed_at__isnull=False)),
    }
    for stars in range(1, 6):
        aggregates[f"rating_{stars}"] = Count("id", filter=Q(rating=stars))
    for deadline, fields in DEADLINES.items():
        milestone, due = fields.met, fields.due
        reached = Q(**{f"{milestone}__isnull": False})
        passed = Q(**{f"{milestone}__isnull": True, f"{due}__lt": now})
        aggregates[f"{deadline}_measured"] = Count(
            "id", filter=measured & Q(**{f"{due}__isnull": False}) & (reached | passed)
        )
        aggregates[f"{deadline}_on_time"] = Count(
            "id", filter=measured & reached & Q(**{f"{milestone}__lte": F(due)})
        )
        # Average time from the report to the milestone, by the report's name of the step.
        aggregates[f"{fields.step}_avg"] = Avg(_elapsed(milestone), filter=reached)
    return aggregates


def _counts(tickets, field: str) -> dict:
    return dict(
        tickets.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n")
    )


def _top_places(tickets) -> list[dict]:
    """Places: a unit, or a common place (building, equipment, described location)."""
    common = Q(unit__isnull=True)
    places = (
        tickets.annotate(
            place_building=Case(When(common, then=F("building__name")), output_field=CharField()),
            place_equipment=Case(
                When(
                    common & Q(equipment__isnull=False),
                    then=Concat("equipment__code", Value(" "), "equipment__name"),
                ),
                default=Value(""),
                output_field=CharField(),
            ),
            place_location=Case(
                When(common, then=F("location")), default=Value(""), output_field=CharField()
            ),
        )
        .values(
            "unit_id",
            "unit__building__name",
            "unit__entrance",
            "unit__number",
            "place_building",
            "place_equipment",
            "place_location",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "unit__building__name", "unit__number", "place_building", "place_location")
    )
    return [{"place": _place_label(row), "count": row["n"]} for row in places[:TOP_PLACES]]


def _on_time(totals) -> dict:
    on_time = {}
    for deadline in DEADLINES:
        done, whole = totals[f"{deadline}_on_time"], totals[f"{deadline}_measured"]
        on_time[deadline.value] = {
            "label": deadline.label,
            "on_time": done,
            "measured": whole,
            "rate": _percent(done, whole),
        }
    return on_time


def _rating(totals) -> dict:
    average = totals["rating_average"]
    return {
        "average": None if average is None else round(float(average), 2),
        "count": totals["rating_count"],
        "distribution": {stars: totals[f"rating_{stars}"] for stars in range(1, 6)},
    }


def monthly_figures(estate, year: int, month: int, *, now=None) -> dict:
    """Figures of the tickets of `estate` reported in `month` of `year` (local time).

    On-time rates count, for each deadline, the tickets whose milestone was reached, or whose
    deadline has passed without it (`now`, default the current time): a ticket still within
    its deadline is not judged yet."""
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    tickets = Ticket.objects.filter(estate=estate, reported_at__gte=start, reported_at__lt=end)
    totals = tickets.aggregate(**_aggregates(now))
    category_counts = _counts(tickets, "category")
    status_counts = _counts(tickets, "status")
    return {
        "estate": estate,
        "year": year,
        "month": month,
        "start": start,
        "end": end,
        "first_day": start.date(),
        "last_day": (end - timedelta(days=1)).date(),
        "total": totals["total"],
        "emergencies": totals["emergencies"],
        "category_counts": {c: category_counts.get(c, 0) for c in Category.values},
        "by_category": [
            {"value": c.value, "label": c.label, "count": category_counts.get(c, 0)}
            for c in Category
        ],
        "status_counts": {s: status_counts.get(s, 0) for s in Status.values},
        "by_status": [
            {"value": s.value, "label": s.label, "count": status_counts[s]}
            for s in Status
            if status_counts.get(s)
        ],
        "on_time": _on_time(totals),
        "average_hours": {d.step: _hours(totals[f"{d.step}_avg"]) for d in DEADLINES.values()},
        "rating": _rating(totals),
        "chargeable_total": money(totals["chargeable_total"] or Decimal("0")),
        "free_cost_total": money(totals["free_cost_total"] or Decimal("0")),
        "top_places": _top_places(tickets),
    }


# --- Chart -----------------------------------------------------------------------------------

CHART_FONT = "Noto Sans CJK SC, Noto Sans CJK, WenQuanYi Micro Hei, sans-serif"


def _text_width(text: str, size: float) -> float:
    """Rough width of a text line: CJK characters are square, Latin ones about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.56 for ch in text)


def bar_chart_svg(
    rows,
    *,
    title: str = "",
    width: int = 380,
    bar_height: int = 18,
    gap: int = 6,
    label_width: int | None = None,
    color: str = "#3b6ea5",
    show_title: bool = True,
) -> str:
    """A horizontal bar chart as a self-contained SVG string: one bar per (label, value).

    Hand-written SVG (no script, no external reference), so it renders the same in a browser
    and in WeasyPrint. Labels are escaped; values are whole numbers."""
    rows = [(str(label), int(value)) for label, value in rows]
    show_title = show_title and bool(title)
    if label_width is None:  # room for the longest label, at most 45 % of the width
        longest = max((_text_width(label, 11) for label, _ in rows), default=0)
        label_width = min(round(longest) + 10, int(width * 0.45))
    top = 24 if show_title else 6
    value_width = 40
    plot = width - label_width - value_width
    most = max((v for _, v in rows), default=0) or 1
    height = top + len(rows) * (bar_height + gap) + 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="{CHART_FONT}" font-size="11">'
    ]
    if show_title:
        out.append(f'<text x="0" y="13" font-size="12" font-weight="bold">{escape(title)}</text>')
    # A vertical axis at the start of the bars.
    out.append(
        f'<line x1="{label_width}" y1="{top - 2}" x2="{label_width}" '
        f'y2="{height - 2}" stroke="#888" stroke-width="0.8"/>'
    )
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = round(plot * value / most, 1)
        middle = y + bar_height / 2 + 3.5
        out.append(
            f'<text x="{label_width - 6}" y="{middle}" text-anchor="end">{escape(label)}</text>'
        )
        if value:
            out.append(
                f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
                f'fill="{color}"/>'
            )
        out.append(f'<text x="{label_width + length + 4}" y="{middle}">{value}</text>')
    out.append("</svg>")
    return "".join(out)


def category_chart_svg(figures: dict) -> str:
    return bar_chart_svg(
        [(row["label"], row["count"]) for row in figures["by_category"]],
        title=_("Tickets by category"),
        show_title=False,  # the PDF has the heading above it
    )
