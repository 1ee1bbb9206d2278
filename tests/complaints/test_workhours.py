"""Deadlines in working hours: the pure arithmetic (nights, weekends, holidays, starts
outside hours, Shanghai against UTC), then the estate's rules and settings page."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints import deadlines, services
from complaints.choices import Category
from complaints.models import DeadlineRule, NonWorkingDay, WorkingHours
from complaints.workhours import WorkingCalendar, add_working_time
from core.audit import timeline_for
from estates.choices import Role

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar()  # Mon–Fri 09:00–18:00 Asia/Shanghai
H = timedelta(hours=1)


def sh(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


# 2026-12-02 is a Wednesday; 2026-12-04 a Friday.


def test_within_the_same_day():
    assert add_working_time(sh(2026, 12, 2, 10), 2 * H, CAL) == sh(2026, 12, 2, 12)


def test_the_answer_is_utc_and_the_same_instant():
    due = add_working_time(sh(2026, 12, 2, 10), 2 * H, CAL)
    assert due.tzinfo == UTC and due == datetime(2026, 12, 2, 4, tzinfo=UTC)


def test_across_the_night():
    # 16:00 + 4 h: 2 h today, 2 h tomorrow from 09:00
    assert add_working_time(sh(2026, 12, 2, 16), 4 * H, CAL) == sh(2026, 12, 3, 11)


def test_ending_exactly_at_closing_time_stays_there():
    assert add_working_time(sh(2026, 12, 2, 9), 9 * H, CAL) == sh(2026, 12, 2, 18)


def test_across_the_weekend():
    # Friday 17:00 + 2 h: 1 h on Friday, then Monday 09:00 + 1 h
    assert add_working_time(sh(2026, 12, 4, 17), 2 * H, CAL) == sh(2026, 12, 7, 10)


def test_a_start_at_night_counts_from_the_next_morning():
    assert add_working_time(sh(2026, 12, 2, 22), 2 * H, CAL) == sh(2026, 12, 3, 11)
    assert add_working_time(sh(2026, 12, 3, 6, 30), 2 * H, CAL) == sh(2026, 12, 3, 11)


def test_a_start_on_saturday_counts_from_monday():
    assert add_working_time(sh(2026, 12, 5, 11), 3 * H, CAL) == sh(2026, 12, 7, 12)


def test_days_of_working_length_land_at_the_same_time_of_a_later_working_day():
    # Thursday 10:00 + 2 working days (18 h) = Monday 10:00
    assert add_working_time(sh(2026, 12, 3, 10), 2 * CAL.day_length, CAL) == sh(2026, 12, 7, 10)


def test_holidays_have_no_working_time():
    cal = WorkingCalendar(holidays=frozenset({date(2026, 12, 3)}))
    assert add_working_time(sh(2026, 12, 2, 17), 2 * H, cal) == sh(2026, 12, 4, 10)


def test_a_utc_start_is_read_in_the_calendars_time_zone():
    # 2026-12-02 23:30 UTC is Thursday 07:30 in Shanghai: counting starts at 09:00 there
    start = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert add_working_time(start, H, CAL) == sh(2026, 12, 3, 10)
    # the same hours in UTC: 23:30 UTC is after closing, so Thursday 09:00 UTC + 1 h
    utc = WorkingCalendar(tz=ZoneInfo("UTC"))
    assert add_working_time(start, H, utc) == datetime(2026, 12, 3, 10, tzinfo=UTC)


def test_shanghai_evening_is_utc_morning():
    # Wednesday 17:00 Shanghai = 09:00 UTC: 1 h left in Shanghai, 9 h in UTC
    start = sh(2026, 12, 2, 17)
    assert add_working_time(start, 2 * H, CAL) == sh(2026, 12, 3, 10)
    utc = WorkingCalendar(tz=ZoneInfo("UTC"))
    assert add_working_time(start, 2 * H, utc) == datetime(2026, 12, 2, 11, tzinfo=UTC)


def test_a_time_zone_with_summer_time_keeps_local_hours():
    # Berlin: the clocks go back on 2026-10-25 (Sunday); Friday 17:00 + 2 h = Monday 10:00
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkingCalendar(tz=berlin)
    due = add_working_time(datetime(2026, 10, 23, 17, tzinfo=berlin), 2 * H, cal)
    assert due == datetime(2026, 10, 26, 10, tzinfo=berlin)
    assert due.astimezone(UTC).hour == 9  # winter time: UTC+1


def test_weekend_workers_and_short_days():
    cal = WorkingCalendar(start=time(8), end=time(12), weekdays=frozenset({6, 7}))
    # Wednesday: nothing until Saturday 08:00; 6 h = Saturday 4 h + Sunday 2 h
    assert add_working_time(sh(2026, 12, 2, 10), 6 * H, cal) == sh(2026, 12, 6, 10)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 12, 2, 10), H, CAL)  # naive
    with pytest.raises(ValueError):
        add_working_time(sh(2026, 12, 2, 10), -H, CAL)
    with pytest.raises(ValueError):
        add_working_time(sh(2026, 12, 2, 10), H, WorkingCalendar(weekdays=frozenset()))


# --- The estate's rules ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_category_in_working_hours_follows_the_estates_calendar(world):
    DeadlineRule.objects.create(
        estate=world.estate,
        category=Category.NOISE,
        acknowledge_hours=2,
        resolve_days=1,
        working_hours=True,
    )
    WorkingHours.objects.create(estate=world.estate, start=time(8), end=time(20))
    NonWorkingDay.objects.create(estate=world.estate, day=date(2026, 12, 7))
    ack, resolve = deadlines.due_times(world.estate, Category.NOISE, sh(2026, 12, 4, 19))
    assert ack == sh(2026, 12, 8, 9)  # Friday 19:00 + 2 h: 1 h, then Tuesday (Monday off)
    assert resolve == sh(2026, 12, 8, 19)  # + one 12-hour working day
    # a category in real time, and an estate with the defaults
    ack, resolve = deadlines.due_times(world.estate, Category.FEES, sh(2026, 12, 4, 19))
    assert (ack, resolve) == (sh(2026, 12, 5, 3), sh(2026, 12, 9, 19))
    DeadlineRule.objects.create(
        estate=world.other_estate,
        category=Category.NOISE,
        acknowledge_hours=2,
        resolve_days=1,
        working_hours=True,
    )
    ack, _ = deadlines.due_times(world.other_estate, Category.NOISE, sh(2026, 12, 4, 19))
    assert ack == sh(2026, 12, 7, 11)  # Mon–Fri 09:00–18:00 Shanghai: from Monday 09:00


@pytest.mark.django_db
def test_filing_stores_the_working_hours_deadlines(world):
    DeadlineRule.objects.create(
        estate=world.estate,
        category=Category.NOISE,
        acknowledge_hours=3,
        resolve_days=2,
        working_hours=True,
    )
    data = services.ComplaintData(category=Category.NOISE, description="噪音", unit=world.unit)
    c = services.complaint_file_by_owner(actor=world.owner, data=data)
    cal = deadlines.calendar_for(world.estate)
    assert c.acknowledge_due == add_working_time(c.filed_at, 3 * H, cal)
    assert c.resolve_due == add_working_time(c.filed_at, 2 * cal.day_length, cal)


@pytest.mark.django_db
def test_the_settings_page_saves_rules_hours_and_holidays(world, login):
    client = login(world.manager)
    url = reverse("complaints:deadline_settings")
    form = {f"{c}_{k}": v for c in Category.values for k, v in (("hours", 8), ("days", 5))}
    form["noise_working"] = "on"
    assert client.post(url, form).status_code == 302
    assert deadlines.rule_for(world.estate, Category.NOISE) == deadlines.Rule(8, 5, True)
    assert deadlines.rule_for(world.estate, Category.FEES) == deadlines.Rule(8, 5, False)
    hours = {"which": "hours", "wh-time_zone": "Asia/Shanghai", "wh-start": "08:30",
             "wh-end": "17:30", "wh-weekdays": ["1", "2", "3", "4", "5", "6"],
             "wh-holidays": "2026-10-01\n2026-10-02"}  # fmt: skip
    assert client.post(url, hours).status_code == 302
    row = WorkingHours.objects.get(estate=world.estate)
    assert (row.start, row.end, row.weekdays) == (time(8, 30), time(17, 30), [1, 2, 3, 4, 5, 6])
    days = NonWorkingDay.objects.filter(estate=world.estate).values_list("day", flat=True)
    assert sorted(days) == [date(2026, 10, 1), date(2026, 10, 2)]
    assert "complaint_working_hours_saved" in [e.verb for e in timeline_for(world.estate)]
    page = client.get(url).content.decode()
    assert "2026-10-01" in page and 'value="08:30"' in page
    # holidays replaced; bad input shown next to the field, nothing saved
    hours["wh-holidays"] = "2026-10-02"
    client.post(url, hours)
    assert list(NonWorkingDay.objects.filter(estate=world.estate).values_list("day", flat=True)) \
        == [date(2026, 10, 2)]  # fmt: skip
    bad = {**hours, "wh-end": "08:00", "wh-holidays": "2026-13-01"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert response.context["hours_form"].errors.keys() == {"end", "holidays"}
    assert WorkingHours.objects.get(estate=world.estate).end == time(17, 30)
    assert login(world.staff[Role.CUSTOMER_SERVICE]).post(url, hours).status_code == 403


@pytest.mark.django_db
def test_working_hours_service_refuses_bad_values(world):
    from django.core.exceptions import ValidationError

    kw = {"actor": world.manager, "estate": world.estate, "start": time(9), "end": time(18)}
    with pytest.raises(ValidationError):
        services.working_hours_save(time_zone="Mars/Olympus", weekdays=[1], **kw)
    with pytest.raises(ValidationError):
        services.working_hours_save(time_zone="Asia/Shanghai", weekdays=[], **kw)
    assert not WorkingHours.objects.exists()
