"""Recurrence edge cases: month ends, leap days, last working day, plans starting and ending
mid-period, windows crossing midnight, the Asia/Shanghai day against stored UTC, holidays."""

from datetime import UTC, date, datetime

import pytest

from inspections.choices import Recurrence
from inspections.models import Holiday, Plan
from inspections.recurrence import plan_dates, plan_windows


def plan(**kw) -> Plan:
    values = {
        "estate_id": 1,
        "recurrence": Recurrence.DAILY,
        "times": ["09:00"],
        "window_minutes": 60,
        "start_date": date(2024, 1, 1),
        "interval_days": 1,
        "weekdays": [],
    }
    return Plan(**{**values, **kw})


def test_monthly_on_the_31st_falls_on_each_months_last_day_in_shorter_months():
    p = plan(recurrence=Recurrence.MONTHLY_DAY, month_day=31)
    assert plan_dates(p, date(2024, 1, 1), date(2024, 5, 31), set()) == [
        date(2024, 1, 31),
        date(2024, 2, 29),  # leap year
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert plan_dates(p, date(2025, 2, 1), date(2025, 2, 28), set()) == [date(2025, 2, 28)]


def test_monthly_on_the_29th_in_february_of_a_leap_year_and_not():
    p = plan(recurrence=Recurrence.MONTHLY_DAY, month_day=29)
    assert plan_dates(p, date(2024, 2, 1), date(2024, 3, 31), set()) == [
        date(2024, 2, 29),
        date(2024, 3, 29),
    ]
    assert plan_dates(p, date(2026, 2, 1), date(2026, 2, 28), set()) == [date(2026, 2, 28)]


def test_last_working_day_skips_weekends_and_with_skip_holidays_the_holidays():
    p = plan(recurrence=Recurrence.MONTHLY_LAST_WORKING_DAY)
    # May 2026 ends on a Sunday: the last working day is Friday 29th.
    assert plan_dates(p, date(2026, 5, 1), date(2026, 5, 31), set()) == [date(2026, 5, 29)]
    # August 2025 ends on a Sunday too; a holiday on Friday 29th moves it to Thursday.
    p.skip_holidays = True
    got = plan_dates(p, date(2025, 8, 1), date(2025, 8, 31), {date(2025, 8, 29)})
    assert got == [date(2025, 8, 28)]


def test_a_plan_starting_and_ending_mid_period():
    p = plan(start_date=date(2026, 3, 10), end_date=date(2026, 3, 12))
    assert plan_dates(p, date(2026, 3, 1), date(2026, 3, 31), set()) == [
        date(2026, 3, 10),
        date(2026, 3, 11),
        date(2026, 3, 12),
    ]
    monthly = plan(recurrence=Recurrence.MONTHLY_DAY, month_day=5, start_date=date(2026, 3, 10))
    assert plan_dates(monthly, date(2026, 3, 1), date(2026, 4, 30), set()) == [date(2026, 4, 5)]


def test_every_n_days_counts_from_the_plans_first_day_whatever_is_asked():
    p = plan(recurrence=Recurrence.EVERY_N_DAYS, interval_days=3, start_date=date(2026, 1, 1))
    # 1, 4, 7, 10, 13 January ...
    assert plan_dates(p, date(2026, 1, 11), date(2026, 1, 16), set()) == [
        date(2026, 1, 13),
        date(2026, 1, 16),
    ]


def test_weekdays():
    p = plan(recurrence=Recurrence.WEEKDAYS, weekdays=[0, 3])  # Monday, Thursday
    assert plan_dates(p, date(2026, 12, 1), date(2026, 12, 8), set()) == [
        date(2026, 12, 3),
        date(2026, 12, 7),
    ]


def test_several_times_a_day_in_shanghai_time_stored_in_utc_and_crossing_midnight():
    p = plan(times=["22:00", "08:00"], window_minutes=240)
    windows = plan_windows(p, date(2026, 12, 2), date(2026, 12, 2), set())
    assert [(w.start, w.end) for w in windows] == [
        # 08:00 in Shanghai is 00:00 UTC the same day.
        (datetime(2026, 12, 2, 0, 0, tzinfo=UTC), datetime(2026, 12, 2, 4, 0, tzinfo=UTC)),
        # 22:00 local is 14:00 UTC; the window closes at 02:00 local the next day.
        (datetime(2026, 12, 2, 14, 0, tzinfo=UTC), datetime(2026, 12, 2, 18, 0, tzinfo=UTC)),
    ]


def test_an_early_morning_round_belongs_to_the_local_day_not_the_utc_one():
    """01:30 on 3 Dec in Shanghai is 17:30 on 2 Dec in UTC: asked for the local 3 Dec."""
    p = plan(times=["01:30"])
    (window,) = plan_windows(p, date(2026, 12, 3), date(2026, 12, 3), set())
    assert window.start == datetime(2026, 12, 2, 17, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_holidays_of_the_estate_and_of_the_company_are_skipped_where_the_plan_says(world):
    Holiday.objects.create(estate=world.estate, date=date(2026, 10, 1), name="国庆节")
    Holiday.objects.create(estate=None, date=date(2026, 10, 2), name="国庆节")
    Holiday.objects.create(estate=world.other_estate, date=date(2026, 10, 3), name="别的小区")
    p = plan(estate_id=world.estate.pk, skip_holidays=True)
    assert plan_dates(p, date(2026, 10, 1), date(2026, 10, 4)) == [
        date(2026, 10, 3),
        date(2026, 10, 4),
    ]
    p.skip_holidays = False
    assert len(plan_dates(p, date(2026, 10, 1), date(2026, 10, 4))) == 4
