"""Figures of inspections for one estate and month (the monthly inspection report): rounds
by status with completion, late and missed rates, by route and by person, and the findings
opened in the month with their repair tickets. A round belongs to the month (local time) its
window opens in; rounds still open are counted but not judged."""

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .choices import RoundStatus as S
from .models import Finding, Round
from .recurrence import local_zone

JUDGED = (S.DONE, S.LATE, S.MISSED)


def _rate(part: int, whole: int):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _bounds(year: int, month: int):
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return _day_bounds(first, last)


def _day_bounds(first: dt.date, last: dt.date):
    """The local dates [first, last] as aware datetimes [start, end)."""
    zone = local_zone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return first, last, start, end


def _row(label, done, late, missed, open_):
    judged = done + late + missed
    return {
        "label": label,
        "total": judged + open_,
        "done": done,
        "late": late,
        "missed": missed,
        "open": open_,
        "done_rate": _rate(done, judged),
        "late_rate": _rate(late, judged),
        "missed_rate": _rate(missed, judged),
    }


def _counts():
    return {
        "done": Count("id", filter=Q(status=S.DONE)),
        "late": Count("id", filter=Q(status=S.LATE)),
        "missed": Count("id", filter=Q(status=S.MISSED)),
        "open": Count("id", filter=~Q(status__in=JUDGED)),
    }


def monthly_figures(estate, year: int, month: int) -> dict:
    return period_figures(estate, *_bounds(year, month))


def period_figures(estate, first, last, start, end) -> dict:
    """The figures of the rounds whose window opens in [start, end) (local dates first,
    last) and the findings opened then."""
    rounds = Round.objects.filter(estate=estate, window_start__gte=start, window_start__lt=end)
    total = rounds.aggregate(**_counts())
    by_route = [
        _row(r["route__name"], r["done"], r["late"], r["missed"], r["open"])
        for r in rounds.values("route__name").annotate(**_counts()).order_by("route__name")
    ]
    by_person = []
    for r in (
        rounds.values("assignee__username", "assignee__display_name")
        .annotate(**_counts())
        .order_by("assignee__username")
    ):
        name = r["assignee__display_name"] or r["assignee__username"] or _("nobody took it")
        by_person.append(_row(name, r["done"], r["late"], r["missed"], r["open"]))
    findings = list(
        Finding.objects.filter(estate=estate, created_at__gte=start, created_at__lt=end)
        .select_related("checkpoint", "item", "ticket", "opened_by")
        .order_by("created_at", "id")
    )
    return {
        "first_day": first,
        "last_day": last,
        "total": _row(
            _("All rounds"), total["done"], total["late"], total["missed"], total["open"]
        ),  # fmt: skip
        "by_route": by_route,
        "by_person": by_person,
        "findings": findings,
        "findings_closed": sum(1 for f in findings if f.closed_at is not None),
    }


def daily_figures(estate, day: dt.date) -> dict:
    """The daily inspection report: the month's figures for one day, and each round of the
    day with the findings opened on it and their tickets."""
    figures = period_figures(estate, *_day_bounds(day, day))
    by_round: dict[int, list] = {}
    for f in figures["findings"]:
        by_round.setdefault(f.opened_by.round_id, []).append(f)
    first, last, start, end = _day_bounds(day, day)
    rounds = list(
        Round.objects.filter(estate=estate, window_start__gte=start, window_start__lt=end)
        .select_related("plan", "route", "assignee")
        .order_by("window_start", "id")
    )
    for r in rounds:
        r.day_findings = by_round.get(r.pk, [])
    figures["rounds"] = rounds
    return figures


def statistics(rounds) -> dict:
    """Completion, late and missed rates of `rounds` (a scoped queryset) by estate, route,
    person and month (local time), each one GROUP BY."""
    from django.db.models.functions import TruncMonth

    def rows(keys, label):
        qs = rounds.values(*keys).annotate(**_counts()).order_by(*keys)
        return [_row(label(r), r["done"], r["late"], r["missed"], r["open"]) for r in qs]

    total = rounds.aggregate(**_counts())
    month = TruncMonth("window_start", tzinfo=local_zone())
    return {
        "total": _row(
            _("All rounds"), total["done"], total["late"], total["missed"], total["open"]
        ),
        "by_estate": rows(["estate__name"], lambda r: r["estate__name"]),
        "by_route": rows(
            ["estate__name", "route__name"], lambda r: f"{r['estate__name']} · {r['route__name']}"
        ),
        "by_person": rows(
            ["assignee__username", "assignee__display_name"],
            lambda r: r["assignee__display_name"] or r["assignee__username"] or _("nobody took it"),
        ),
        "by_month": [
            _row(r["month"], r["done"], r["late"], r["missed"], r["open"])
            for r in rounds.annotate(month=month)
            .values("month")
            .annotate(**_counts())
            .order_by("month")
        ],
    }
