"""When a plan's rounds fall: dates from dateutil's rrule in the estate's local time
(settings.TIME_ZONE, Asia/Shanghai by default), each start time turned into a window that is
stored in UTC. A window may cross midnight; holidays are skipped where the plan says so."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, FR, MO, MONTHLY, TH, TU, WE, WEEKLY, rrule
from django.conf import settings
from django.db.models import Q

from .choices import Recurrence

WORKING_DAYS = (MO, TU, WE, TH, FR)


@dataclass(frozen=True)
class Window:
    start: datetime  # aware, UTC
    end: datetime


def local_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "ANJU_ESTATE_TIME_ZONE", None) or settings.TIME_ZONE)


def parse_times(values) -> list[time]:
    """ "08:00" strings to times, sorted, without duplicates (bad entries raise ValueError)."""
    times = set()
    for value in values:
        hour, minute = str(value).strip().split(":")
        times.add(time(int(hour), int(minute)))
    return sorted(times)


def holidays_for(estate_id: int, first: date, last: date) -> set[date]:
    from .models import Holiday

    return set(
        Holiday.objects.filter(Q(estate_id=estate_id) | Q(estate__isnull=True))
        .filter(date__gte=first, date__lte=last)
        .values_list("date", flat=True)
    )


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def _monthly_on(day: int, first: date, last: date, since: date) -> list[date]:
    """The `day` of each month (its last day when the month is shorter: 31 → 30 Apr, 28/29
    Feb)."""
    months = rrule(MONTHLY, bymonthday=1, dtstart=_start(since.replace(day=1)), until=_start(last))
    dates = []
    for month in months:
        length = calendar.monthrange(month.year, month.month)[1]
        dates.append(month.date().replace(day=min(day, length)))
    return [d for d in dates if first <= d <= last]


def _last_working_days(first: date, last: date, since: date, holidays: set[date]) -> list[date]:
    """The last weekday of each month that is not a holiday."""
    by_month: dict[tuple, date] = {}
    start = since.replace(day=1)
    month_end = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    for day in rrule(DAILY, byweekday=WORKING_DAYS, dtstart=_start(start), until=_start(month_end)):
        d = day.date()
        if d not in holidays:
            by_month[(d.year, d.month)] = d
    return sorted(d for d in by_month.values() if first <= d <= last)


def _every_n_months(plan, first: date, last: date) -> list[date]:
    """Every n months (getattr: plans without the field are monthly) on the day of the
    plan's start date, counted from it (31 → the shorter month's last day)."""
    months = rrule(
        MONTHLY,
        interval=max(getattr(plan, "interval_months", 1) or 1, 1),
        bymonthday=1,
        dtstart=_start(plan.start_date.replace(day=1)),
        until=_start(last),
    )
    day = plan.start_date.day
    dates = []
    for month in months:
        length = calendar.monthrange(month.year, month.month)[1]
        dates.append(month.date().replace(day=min(day, length)))
    return [d for d in dates if first <= d <= last]


def plan_dates(plan, first: date, last: date, holidays: set[date] | None = None) -> list[date]:
    """The local dates in [first, last] on which `plan` has rounds."""
    first = max(first, plan.start_date)
    if plan.end_date is not None:
        last = min(last, plan.end_date)
    if last < first:
        return []
    if holidays is None:
        holidays = (
            holidays_for(plan.estate_id, first - timedelta(days=31), last)
            if (plan.skip_holidays)
            else set()
        )
    since, until = _start(plan.start_date), _start(last)
    kind = plan.recurrence
    if kind == Recurrence.DAILY:
        dates = [d.date() for d in rrule(DAILY, dtstart=_start(first), until=until)]
    elif kind == Recurrence.EVERY_N_DAYS:
        # Counted from the plan's first day, whatever part of the period is asked.
        rule = rrule(DAILY, interval=max(plan.interval_days, 1), dtstart=since, until=until)
        dates = [d.date() for d in rule.between(_start(first), until, inc=True)]
    elif kind == Recurrence.WEEKDAYS:
        days = sorted({int(w) for w in plan.weekdays if 0 <= int(w) <= 6})
        dates = (
            [d.date() for d in rrule(WEEKLY, byweekday=days, dtstart=_start(first), until=until)]
            if days
            else []
        )
    elif kind == Recurrence.MONTHLY_DAY:
        dates = _monthly_on(plan.month_day or 1, first, last, first)
    elif kind == "every_n_months":
        dates = _every_n_months(plan, first, last)
    elif kind == Recurrence.MONTHLY_LAST_WORKING_DAY:
        # With skip_holidays, a holiday is not a working day: the day before it is.
        return _last_working_days(first, last, first, holidays)
    else:
        raise ValueError(kind)
    if plan.skip_holidays:
        dates = [d for d in dates if d not in holidays]
    return dates


def plan_windows(plan, first: date, last: date, holidays: set[date] | None = None) -> list[Window]:
    """The windows of `plan`'s rounds starting on local dates [first, last], in UTC."""
    zone, utc = local_zone(), ZoneInfo("UTC")
    length = timedelta(minutes=plan.window_minutes)
    windows = []
    times = parse_times(plan.times) or [time(9, 0)]
    for d in plan_dates(plan, first, last, holidays):
        for t in times:
            start = datetime.combine(d, t, tzinfo=zone)
            # Arithmetic in UTC: a window is its real length, whatever the local clock does.
            start_utc = start.astimezone(utc)
            windows.append(Window(start_utc, start_utc + length))
    return windows
