"""The board's status counts and emergencies box are cached per estate until one of its
tickets changes: every write path bumps the estate's version, so the board never shows
figures older than the last change, and a dead cache only costs the queries."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from estates.choices import Role
from maintenance import services
from maintenance.choices import Category, Channel, Priority, Status
from maintenance.models import Ticket
from maintenance.sweep import deadline_sweep

pytestmark = pytest.mark.django_db(transaction=True)  # bumps happen after the commit

BOARD = reverse("maintenance:ticket_board")


def report(world, *, priority=Priority.NORMAL, estate=None, unit=None, actor=None):
    return services.ticket_report_by_staff(
        actor=actor or world.staff[Role.CUSTOMER_SERVICE],
        estate=estate or world.estate,
        data=services.ReportData(
            category=Category.PLUMBING,
            description="厨房水管漏水",
            unit=unit or world.unit,
            priority=priority,
        ),
        channel=Channel.PHONE,
    )


def board(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BOARD)
    assert response.status_code == 200
    return response, len(queries)


def test_figures_are_cached_until_a_ticket_of_the_estate_changes(world, login):
    first = report(world)
    client = login(world.manager)
    response, cold = board(client)
    assert response.context["counts"][Status.REPORTED] == 1
    response, warm = board(client)
    assert response.context["counts"][Status.REPORTED] == 1
    assert warm == cold - 3  # the status counts, the overdue count, the emergencies box

    # A transition: the counts move at once.
    services.ticket_register(ticket_id=first.pk, actor=world.staff[Role.CUSTOMER_SERVICE])
    counts = board(client)[0].context["counts"]
    assert (counts[Status.REPORTED], counts[Status.REGISTERED]) == (0, 1)

    # A new emergency: counted and pinned above the table.
    emergency = report(world, priority=Priority.EMERGENCY)
    response = board(client)[0]
    assert response.context["counts"]["open"] == 2
    assert [row.pk for row in response.context["emergencies"]] == [emergency.pk]

    # Another estate's ticket does not touch this estate's entry.
    report(world, estate=world.other_estate, unit=world.other_unit, actor=world.other_manager)
    assert board(client)[1] == warm


def test_the_deadline_sweep_updates_the_overdue_count(world, login):
    ticket = report(world)
    client = login(world.manager)
    assert board(client)[0].context["counts"]["overdue"] == 0
    Ticket.objects.filter(pk=ticket.pk).update(response_due=timezone.now() - timedelta(hours=1))
    deadline_sweep()
    assert Ticket.objects.get(pk=ticket.pk).response_overdue
    assert board(client)[0].context["counts"]["overdue"] == 1


def test_with_the_cache_down_the_board_computes_its_figures(world, login):
    report(world)
    client = login(world.manager)
    broken = mock.patch.object(cache, "get_many", side_effect=ConnectionError("redis down"))
    with broken:
        response, queries = board(client)
        again, queries_again = board(client)
    assert response.context["counts"][Status.REPORTED] == 1
    assert again.context["counts"][Status.REPORTED] == 1
    assert queries_again == queries  # nothing was served from the dead cache
