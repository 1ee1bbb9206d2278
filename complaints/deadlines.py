"""The deadlines of a complaint: acknowledge within hours, resolve within days, per estate
and category (DeadlineRule rows, else the defaults), in real time or, where the rule says
so, in the estate's working hours (WorkingHours, NonWorkingDay; complaints/workhours.py)."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from .models import DEFAULT_DEADLINES, DeadlineRule, NonWorkingDay, WorkingHours
from .workhours import WorkingCalendar, add_working_time

# How long before a deadline the responsible person is warned.
WARN_BEFORE = {"acknowledge": timedelta(minutes=30), "resolve": timedelta(hours=4)}


@dataclass(frozen=True)
class Rule:
    hours: int
    days: int
    working: bool = False


def rule_for(estate, category) -> Rule:
    """The deadlines of `category` in `estate`."""
    row = (
        DeadlineRule.objects.filter(estate=estate, category=category)
        .values_list("acknowledge_hours", "resolve_days", "working_hours")
        .first()
    )
    return Rule(*row) if row else Rule(*DEFAULT_DEADLINES.get(category, (8, 5)))


def working_hours_of(estate) -> WorkingHours:
    """The estate's working hours (unsaved defaults if it has set none)."""
    row = WorkingHours.objects.filter(estate=estate).first()
    return row or WorkingHours(estate=estate)


def calendar_for(estate, since=None) -> WorkingCalendar:
    hours = working_hours_of(estate)
    holidays = NonWorkingDay.objects.filter(estate=estate)
    if since is not None:
        holidays = holidays.filter(day__gte=since.date() - timedelta(days=1))
    return WorkingCalendar(
        tz=ZoneInfo(hours.time_zone),
        start=hours.start,
        end=hours.end,
        weekdays=frozenset(hours.weekdays),
        holidays=frozenset(holidays.values_list("day", flat=True)),
    )


def deadline_table(estate) -> list[tuple[str, str, int, int, bool]]:
    """(category, label, hours, days, working) of every category, for the settings page."""
    from .choices import Category

    own = {r.category: r for r in DeadlineRule.objects.filter(estate=estate)}
    rows = []
    for value, label in Category.choices:
        if value in own:
            r = own[value]
            rows.append((value, label, r.acknowledge_hours, r.resolve_days, r.working_hours))
        else:
            hours, days = DEFAULT_DEADLINES[value]
            rows.append((value, label, hours, days, False))
    return rows


def due_times(estate, category, start):
    """(acknowledge by, resolve by) of a complaint of `category` filed at `start`. In
    working hours a day is one working day's length (10:00 + 1 day = 10:00 the next
    working day)."""
    rule = rule_for(estate, category)
    if not rule.working:
        return start + timedelta(hours=rule.hours), start + timedelta(days=rule.days)
    calendar = calendar_for(estate, since=start)
    return (
        add_working_time(start, timedelta(hours=rule.hours), calendar),
        add_working_time(start, rule.days * calendar.day_length, calendar),
    )


def acknowledge_due(estate, category, start):
    return due_times(estate, category, start)[0]


def resolve_due(estate, category, start):
    return due_times(estate, category, start)[1]
