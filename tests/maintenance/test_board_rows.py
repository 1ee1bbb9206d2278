"""The board's rows from plain values say what the tickets themselves say (place, names,
labels, links, dates, the next deadline and lateness), in both languages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from core.dates import date_formatter
from maintenance import services
from maintenance.choices import Category, PauseReason, Priority, Status
from maintenance.models import Ticket
from maintenance.selectors import board_tickets
from maintenance.views.board_rows import board_rows, estates_of
from maintenance.views.common import ticket_badges

from ..factories import EquipmentFactory, UnitFactory, UserFactory
from .test_staff_views import cs, dispatched, report, tech


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "name",
    ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT", "m/d/Y P", "D, N jS \\a\\t g A"],
)
def test_date_formatter_prints_what_the_date_filter_prints(language, name):
    values = [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC) + timedelta(minutes=397 * i) for i in range(400)
    ]
    values += [datetime(2026, 5, 1, 16, 0, tzinfo=UTC), datetime(2026, 5, 1, 4, 0, tzinfo=UTC)]
    with translation.override(language), timezone.override("Asia/Shanghai"):
        formatted = date_formatter(name)
        for value in values:
            assert formatted(value) == date_filter(timezone.localtime(value), name)
        if name == "DATE_FORMAT":
            assert formatted(date(2026, 3, 7)) == date_filter(date(2026, 3, 7), name)
        assert formatted(None) == ""


def test_rows_match_the_tickets(world):
    unit_ticket = report(world, priority=Priority.EMERGENCY)
    entrance = UnitFactory(building=world.building, entrance="2", number="0502")
    with_technician = dispatched(world, unit=entrance)
    UserFactory._meta.model.objects.filter(pk=tech(world).pk).update(
        display_name="", first_name="Li", last_name="Wei"
    )
    common_area = report(world, unit=None, category=Category.ELEVATOR)
    Ticket.objects.filter(pk=common_area.pk).update(
        unit=None, building=world.building, location="1号电梯 <轿厢>"
    )
    equipment = EquipmentFactory(estate=world.estate, building=world.building)
    on_equipment = report(world, unit=None)
    Ticket.objects.filter(pk=on_equipment.pk).update(unit=None, equipment=equipment)
    flagged = dispatched(world)
    Ticket.objects.filter(pk=flagged.pk).update(onsite_overdue=True)
    waiting = dispatched(world)
    Ticket.objects.filter(pk=waiting.pk).update(
        status=Status.PAUSED,
        pause_reason=PauseReason.OWNER,
        onsite_due=timezone.now() - timedelta(hours=1),
    )
    late = report(world)
    Ticket.objects.filter(pk=late.pk).update(response_due=timezone.now() - timedelta(minutes=5))
    closed = report(world)
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    services.ticket_register(ticket_id=unit_ticket.pk, actor=cs(world))

    now = timezone.now()
    tickets = list(Ticket.objects.order_by("pk"))
    assert len(tickets) == 8
    for language in ("zh-hans", "en"):
        with translation.override(language):
            rows = board_rows(
                board_tickets(Ticket.objects.order_by("pk")),
                estates={world.estate.pk: world.estate},
                now=now,
            )
            for row, ticket in zip(rows, tickets, strict=True):
                ticket_badges(ticket, now)
                assert row.pk == row["pk"] == ticket.pk
                assert row["url"] == ticket.get_absolute_url()
                assert row["estate"] == world.estate.name
                assert row["place"] == ticket.place
                assert row["technician"] == (str(ticket.technician) if ticket.technician else "")
                assert row["category"] == ticket.get_category_display()
                assert row["priority_label"] == ticket.get_priority_display()
                assert row["status_label"] == ticket.get_status_display()
                assert (row["badge"], row["priority_badge"]) == (
                    ticket.badge,
                    ticket.priority_badge,
                )
                assert row["reported"] == date_filter(
                    timezone.localtime(ticket.reported_at), "SHORT_DATETIME_FORMAT"
                )
                assert row["late"] == ticket.late
                assert row["next_due_label"] == str(ticket.next_due_label or "")
                assert row["next_due"] == (
                    date_filter(timezone.localtime(ticket.next_due), "SHORT_DATETIME_FORMAT")
                    if ticket.next_due
                    else ""
                )
    by_pk = {row.pk: row for row in rows}
    assert by_pk[with_technician.pk]["technician"] == "Li Wei"
    assert by_pk[with_technician.pk]["place"] == "3栋 2-0502"
    assert by_pk[common_area.pk]["place"] == "3栋 · 1号电梯 <轿厢>"
    assert by_pk[on_equipment.pk]["place"] == f"3栋 · {equipment.code} {equipment.name}"
    assert by_pk[flagged.pk]["late"] and by_pk[late.pk]["late"]
    assert not by_pk[waiting.pk]["late"]  # the clock stops while waiting for the owner
    assert by_pk[closed.pk]["next_due"] == ""


def test_table_rows_are_escaped_and_show_the_deadline(world, login):
    ticket = report(world, unit=None, category=Category.ELEVATOR)
    Ticket.objects.filter(pk=ticket.pk).update(
        unit=None, building=world.building, location='1号电梯 <轿厢> & "B"', onsite_overdue=True
    )
    late = dispatched(world)
    html = login(world.manager).get(reverse("maintenance:ticket_board")).content.decode()
    row = html[html.index(f'<tr data-ticket="{ticket.pk}">') :]
    row = row[: row.index("</tr>")]
    assert f'<a href="{ticket.get_absolute_url()}">{ticket.number}</a>' in row
    assert "3栋 · 1号电梯 &lt;轿厢&gt; &amp; &quot;B&quot;" in row
    assert 'data-testid="overdue"' in row and "Response · " in row
    assert row.count("<td") == 8 + ("<th>Estate</th>" in html)  # the estate column or not
    assert f'<tr data-ticket="{late.pk}">' in html


def test_estates_of_loads_only_the_estates_the_request_lacks(world, django_assert_num_queries):
    rows = [{"estate_id": world.estate.pk}, {"estate_id": world.other_estate.pk}]
    with django_assert_num_queries(0):
        assert estates_of(rows[:1], [world.estate]) == {world.estate.pk: world.estate}
    with django_assert_num_queries(1):
        found = estates_of(rows, [world.estate])
    assert found[world.other_estate.pk].name == world.other_estate.name
    assert board_rows([], estates=found, now=timezone.now()) == []


def test_status_tabs_keep_the_filters_and_start_on_the_first_page(world, login):
    report(world, priority=Priority.EMERGENCY)
    html = (
        login(world.manager)
        .get(reverse("maintenance:ticket_board"), {"category": "plumbing", "after": "abc"})
        .content.decode()
    )
    assert 'data-status="open" href="?category=plumbing&amp;status=open"' in html
    assert 'data-status="all" href="?category=plumbing"' in html
    assert 'data-status="paused"' not in html  # none paused: no tab (ended ones are not counted)
    assert 'data-status="closed"' in html
    assert 'data-testid="emergencies"' in html and "No technician yet" in html
