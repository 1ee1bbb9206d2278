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
    zone = local_zone()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
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
    first, last, start, end = _bounds(year, month)
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
