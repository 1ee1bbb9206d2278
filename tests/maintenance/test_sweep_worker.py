"""The deadline sweep through a REAL Celery worker (in-thread, solo pool) against Redis: the
task delivered twice warns, escalates and e-mails exactly once.

Needs REDIS_URL (CI sets redis://127.0.0.1:6379/0); see tests/celery_worker.py for
the worker fixture (a queue of its own, eager mode off)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification
from core.tasks import notification_email_send
from estates.choices import Role
from maintenance.choices import Category, Channel, Deadline, ReminderKind
from maintenance.choices import Status as S
from maintenance.models import Ticket, TicketReminder
from maintenance.tasks import ticket_deadline_sweep

from ..celery_worker import finished_named, needs_redis, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
M = timedelta(minutes=1)


def make_ticket(world, number, **fields) -> Ticket:
    now = timezone.now()
    values = {
        "estate": world.estate,
        "unit": world.unit,
        "building": world.building,
        "category": Category.PLUMBING,
        "channel": Channel.PHONE,
        "description": "漏水",
        "reported_at": now - 120 * M,
        "status": S.REPORTED,
        "response_due": now + 60 * M,
        "onsite_due": now + 24 * 60 * M,
        "completion_due": now + 72 * 60 * M,
        "number": number,
    }
    return Ticket.objects.create(**{**values, **fields})


@needs_redis
def test_the_sweep_task_twice_sends_everything_once(worker, world):  # noqa: F811
    from config.celery import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["maintenance-deadline-sweep"]
    assert entry["task"] == ticket_deadline_sweep.name and entry["schedule"] == 60.0

    now = timezone.now()
    tech = world.staff[Role.TECHNICIAN]
    # Tickets written directly (no notifications, so no e-mail tasks yet): while the worker
    # runs, this thread reads only what it reports in memory, never the database (an
    # in-memory SQLite database shared by two threads would lock).
    late = [make_ticket(world, f"JXY-LATE-{i}", response_due=now - M) for i in range(3)]
    soon = make_ticket(
        world,
        "JXY-SOON",
        status=S.DISPATCHED,
        technician=tech,
        registered_at=now - 60 * M,
        dispatched_at=now - 50 * M,
        onsite_due=now + 10 * M,
    )

    ids = [ticket_deadline_sweep.delay().id for _ in range(2)]
    wait_for(lambda: all(i in worker.finished for i in ids), what="both sweeps to finish")
    # The first sweep's notifications are e-mailed after its commit, by the same worker.
    wait_for(
        lambda: len(finished_named(worker, notification_email_send.name)) >= 2,
        what="the sweep's notifications to be e-mailed",
    )
    results = [worker.finished[i].retval for i in ids]
    assert results == [
        {"warnings": 1, "overdue": 3, "notifications": 2},
        {"warnings": 0, "overdue": 0, "notifications": 0},
    ]
    assert len(finished_named(worker, ticket_deadline_sweep.name)) == 2

    reminders = sorted(TicketReminder.objects.values_list("ticket_id", "deadline", "kind"))
    assert reminders == sorted(
        [(t.pk, Deadline.RESPONSE, ReminderKind.OVERDUE) for t in late]
        + [(soon.pk, Deadline.ONSITE, ReminderKind.WARNING)]
    )
    assert Ticket.objects.filter(response_overdue=True).count() == 3
    notes = Notification.objects.all()
    assert sorted((n.recipient_id, n.title.split(":")[0]) for n in notes) == sorted(
        [(world.manager.pk, "3 tickets overdue"), (tech.pk, soon.number)]
    )
    assert all(n.emailed_at is not None for n in notes)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.manager.email, tech.email])
    assert all(t.retval is True for t in finished_named(worker, notification_email_send.name))
