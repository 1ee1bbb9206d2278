"""Working-hours arithmetic: a duration counted only inside an estate's working hours.

Pure (no database): `WorkingCalendar` says when people work (a time zone, the hours of a
working day, the ISO weekdays worked, the dates off); `add_working_time` adds a duration
of working time to an instant. Times are aware datetimes; the answer is in UTC."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Ten years of days with no working time at all: a calendar that never works.
MAX_DAYS = 3660


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai")
    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO: Monday 1 … Sunday 7
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working hours of `day` as UTC instants."""
        return (
            datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC),
            datetime.combine(day, self.end, tzinfo=self.tz).astimezone(UTC),
        )


def add_working_time(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """`start` plus `duration` of working time. A start outside working hours counts from
    the next working hours; a deadline falling exactly at the end of a day stays there."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    if calendar.day_length <= timedelta(0) or not calendar.weekdays:
        raise ValueError("the calendar has no working hours")
    cursor = start.astimezone(UTC)
    remaining = duration
    day = start.astimezone(calendar.tz).date()
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            cursor = max(cursor, opens)
            if cursor <= closes:
                available = closes - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("no working time within ten years")
