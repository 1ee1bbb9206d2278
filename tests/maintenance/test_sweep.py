"""maintenance.sweep.deadline_sweep: a warning before a deadline, then the overdue mark and
the escalation to the manager; met deadlines, ended tickets and tickets waiting for the owner
are left alone; running it again (or twice at once) sends nothing twice."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.models import Notification
from estates.choices import Role
from estates.models import StaffMembership
from maintenance import services as svc
from maintenance import sla, sweep
from maintenance.choices import Deadline, PauseReason, Priority, ReminderKind
from maintenance.choices import Status as S
from maintenance.models import Ticket, TicketReminder
from maintenance.sweep import deadline_sweep

from .test_services import inbox, report, ticket_in

pytestmark = pytest.mark.django_db

M = timedelta(minutes=1)
NOTHING = {"warnings": 0, "overdue": 0, "notifications": 0}
STATE = ("version", "updated_at", "response_overdue", "onsite_overdue", "completion_overdue")


def sent(ticket) -> list[tuple[str, str]]:
    return sorted(TicketReminder.objects.filter(ticket=ticket).values_list("deadline", "kind"))


def set_due(ticket, **dues):
    Ticket.objects.filter(pk=ticket.pk).update(**dues)
    ticket.refresh_from_db()
    return ticket


def local(when) -> str:
    """A time as notifications show it (rendered when read, in the reader's format)."""
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")


def totals() -> tuple[int, int]:
    return TicketReminder.objects.count(), Notification.objects.count()


def test_warning_then_overdue_escalated_to_the_manager(world):
    cs, manager = world.staff[Role.CUSTOMER_SERVICE], world.manager
    ticket = report(world)  # reported: nobody is assigned yet
    due = ticket.response_due
    seen_by_cs = len(inbox(cs))

    assert deadline_sweep(now=due - sla.WARN_BEFORE - M) == NOTHING  # too early to warn
    assert deadline_sweep(now=due - 10 * M) == {"warnings": 1, "overdue": 0, "notifications": 1}
    assert sent(ticket) == [(Deadline.RESPONSE, ReminderKind.WARNING)]
    assert inbox(cs)[seen_by_cs:] == [f"{ticket.number}: Response deadline at {local(due)}"]
    assert inbox(manager) == []
    ticket.refresh_from_db()
    assert not ticket.is_overdue

    assert deadline_sweep(now=due + M) == {"warnings": 0, "overdue": 1, "notifications": 1}
    ticket.refresh_from_db()
    assert ticket.response_overdue and not ticket.onsite_overdue and not ticket.completion_overdue
    assert ticket.status == S.REPORTED  # the sweep marks, it does not move the ticket
    assert sent(ticket) == [
        (Deadline.RESPONSE, ReminderKind.OVERDUE),
        (Deadline.RESPONSE, ReminderKind.WARNING),
    ]
    note = Notification.objects.get(recipient=manager)
    assert note.title == f"{ticket.number} is overdue: Response deadline passed at {local(due)}"
    assert note.url == reverse("maintenance:ticket_detail", kwargs={"ticket_pk": ticket.pk})
    assert inbox(world.other_manager) == []
    assert inbox(world.staff[Role.TECHNICIAN]) == []
    assert len(inbox(cs)) == seen_by_cs + 1  # customer service was warned, not escalated to


def test_the_warning_goes_to_the_assigned_technician(world):
    tech, cs = world.staff[Role.TECHNICIAN], world.staff[Role.CUSTOMER_SERVICE]
    ticket = ticket_in(world, S.DISPATCHED)
    seen = len(inbox(tech)), len(inbox(cs))
    counts = deadline_sweep(now=ticket.onsite_due - 5 * M)
    assert counts == {"warnings": 1, "overdue": 0, "notifications": 1}
    assert sent(ticket) == [(Deadline.ONSITE, ReminderKind.WARNING)]
    assert inbox(tech)[seen[0] :] == [
        f"{ticket.number}: On site deadline at {local(ticket.onsite_due)}"
    ]
    assert len(inbox(cs)) == seen[1]


def test_met_deadlines_are_ignored(world):
    ticket = ticket_in(world, S.ON_SITE)  # registered and arrived: two deadlines met
    now = timezone.now()
    set_due(ticket, response_due=now - 3 * M, onsite_due=now - 2 * M, completion_due=now - M)
    counts = deadline_sweep(now=now)
    assert counts == {"warnings": 0, "overdue": 1, "notifications": 1}
    ticket.refresh_from_db()
    assert (ticket.response_overdue, ticket.onsite_overdue, ticket.completion_overdue) == (
        False,
        False,
        True,
    )
    assert sent(ticket) == [(Deadline.COMPLETION, ReminderKind.OVERDUE)]


@pytest.mark.parametrize("state", [S.COMPLETED, S.VERIFIED, S.CLOSED, S.REJECTED, S.CANCELLED])
def test_tickets_no_longer_open_are_ignored(world, state):
    ticket = ticket_in(world, state)
    now = timezone.now()
    set_due(ticket, response_due=now - M, onsite_due=now - M, completion_due=now + 5 * M)
    if state == S.COMPLETED:  # reopen the completion deadline: still not open, still ignored
        Ticket.objects.filter(pk=ticket.pk).update(completed_at=None)
    before = totals()
    assert deadline_sweep(now=now) == NOTHING
    assert totals() == before


def test_a_second_run_changes_nothing(world):
    now = timezone.now()
    late = set_due(report(world), response_due=now - M)
    soon = set_due(ticket_in(world, S.DISPATCHED), onsite_due=now + 5 * M)
    repair = set_due(ticket_in(world, S.IN_REPAIR), completion_due=now - 2 * M)
    first = deadline_sweep(now=now)
    assert first["warnings"] == 1 and first["overdue"] == 2
    after_first = totals()
    flags = list(Ticket.objects.order_by("pk").values_list(*STATE))
    assert deadline_sweep(now=now) == NOTHING
    assert deadline_sweep(now=now + M) == NOTHING
    assert totals() == after_first
    assert list(Ticket.objects.order_by("pk").values_list(*STATE)) == flags
    # Later the warned deadline passes: escalated once, and no second warning.
    assert deadline_sweep(now=now + 6 * M) == {"warnings": 0, "overdue": 1, "notifications": 1}
    assert deadline_sweep(now=now + 7 * M) == NOTHING
    assert sent(soon) == [
        (Deadline.ONSITE, ReminderKind.OVERDUE),
        (Deadline.ONSITE, ReminderKind.WARNING),
    ]
    assert sent(late) == [(Deadline.RESPONSE, ReminderKind.OVERDUE)]
    assert sent(repair) == [(Deadline.COMPLETION, ReminderKind.OVERDUE)]


def test_an_overdue_flag_cleared_by_hand_is_set_again_without_a_second_reminder(world):
    now = timezone.now()
    ticket = set_due(report(world), response_due=now - M)
    assert deadline_sweep(now=now)["overdue"] == 1
    Ticket.objects.filter(pk=ticket.pk).update(response_overdue=False)
    assert deadline_sweep(now=now) == {"warnings": 0, "overdue": 1, "notifications": 1}
    ticket.refresh_from_db()
    assert ticket.response_overdue
    assert sent(ticket) == [(Deadline.RESPONSE, ReminderKind.OVERDUE)]
    assert deadline_sweep(now=now) == NOTHING


def test_several_tickets_make_one_digest_per_recipient(world):
    manager = world.manager
    now = timezone.now()
    tickets = [set_due(report(world), response_due=now - i * M) for i in (3, 1, 2)]
    other = set_due(
        svc.ticket_report_by_owner(
            actor=world.other_owner,
            data=svc.ReportData(category="plumbing", description="漏水", unit=world.other_unit),
        ),
        response_due=now - M,
    )
    counts = deadline_sweep(now=now)
    assert counts == {"warnings": 0, "overdue": 4, "notifications": 2}
    note = Notification.objects.get(recipient=manager)
    assert note.title == "3 tickets overdue: Response deadline passed"
    assert note.url == reverse("maintenance:ticket_board")
    # Earliest deadline first, each with its time.
    ordered = sorted(tickets, key=lambda t: t.response_due)
    assert note.body.splitlines() == [f"{t.number} · {local(t.response_due)}" for t in ordered]
    theirs = Notification.objects.get(recipient=world.other_manager)
    assert theirs.title.startswith(other.number)


def test_a_ticket_waiting_for_the_owner_is_not_marked(world):
    tech = world.staff[Role.TECHNICIAN]
    waiting = ticket_in(world, S.IN_REPAIR)
    parts = ticket_in(world, S.IN_REPAIR)
    svc.ticket_pause(ticket_id=waiting.pk, actor=tech, reason=PauseReason.OWNER)
    svc.ticket_pause(ticket_id=parts.pk, actor=tech, reason=PauseReason.PARTS)
    now = timezone.now()
    Ticket.objects.filter(pk__in=[waiting.pk, parts.pk]).update(
        completion_due=now - M, paused_since=now - 2 * 60 * M
    )
    counts = deadline_sweep(now=now)
    assert counts == {"warnings": 0, "overdue": 1, "notifications": 1}
    assert sent(waiting) == [] and sent(parts) == [(Deadline.COMPLETION, ReminderKind.OVERDUE)]
    waiting.refresh_from_db()
    assert not waiting.completion_overdue
    # Nor warned while its clock stands still.
    Ticket.objects.filter(pk=waiting.pk).update(completion_due=now + 5 * M)
    assert deadline_sweep(now=now) == NOTHING

    # Resumed after two hours of waiting: the deadline moved two hours later, still ahead.
    Ticket.objects.filter(pk=waiting.pk).update(completion_due=now - M)
    svc.ticket_resume(ticket_id=waiting.pk, actor=tech)
    waiting.refresh_from_db()
    assert waiting.completion_due > timezone.now() + 60 * M
    assert deadline_sweep() == NOTHING


def test_no_manager_still_marks_overdue(world):
    StaffMembership.objects.filter(estate=world.estate, role=Role.MANAGER).delete()
    ticket = set_due(report(world), response_due=timezone.now() - M)
    assert deadline_sweep() == {"warnings": 0, "overdue": 1, "notifications": 0}
    ticket.refresh_from_db()
    assert ticket.response_overdue


def test_no_customer_service_warns_the_manager(world):
    StaffMembership.objects.filter(estate=world.estate, role=Role.CUSTOMER_SERVICE).delete()
    ticket = set_due(report(world), response_due=timezone.now() + 5 * M)
    assert deadline_sweep()["warnings"] == 1
    assert inbox(world.manager)[-1].startswith(f"{ticket.number}: Response deadline")


def test_more_tickets_than_a_batch(world, monkeypatch):
    monkeypatch.setattr(sweep, "batch_size", lambda: 3)
    now = timezone.now()
    tickets = [set_due(report(world), response_due=now - M) for _ in range(7)]
    counts = deadline_sweep(now=now)
    assert counts["overdue"] == 7
    assert Ticket.objects.filter(response_overdue=True).count() == 7
    assert all(sent(t) == [(Deadline.RESPONSE, ReminderKind.OVERDUE)] for t in tickets)
    assert deadline_sweep(now=now) == NOTHING


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_everything_once(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL (SQLite serialises every writer)")
    n = 24
    now = timezone.now()
    for _ in range(n):
        set_due(report(world), response_due=now - M, onsite_due=now + 5 * M)
    monkeypatch.setattr(sweep, "batch_size", lambda: 4)
    notify = sweep._notify

    def slow_notify(*args, **kwargs):
        time.sleep(0.02)  # hold each batch's locks a moment: the sweeps interleave
        return notify(*args, **kwargs)

    monkeypatch.setattr(sweep, "_notify", slow_notify)
    barrier = threading.Barrier(2)
    results: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(deadline_sweep(now=now))
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 2 and all(isinstance(r, dict) for r in results), results
    assert sum(r["overdue"] for r in results) == n
    assert sum(r["warnings"] for r in results) == n
    assert TicketReminder.objects.filter(kind=ReminderKind.OVERDUE).count() == n
    assert TicketReminder.objects.filter(kind=ReminderKind.WARNING).count() == n
    assert (
        sum(r["notifications"] for r in results)
        == Notification.objects.filter(title__contains="deadline").count()
    )
    assert deadline_sweep(now=now) == NOTHING


def test_warnings_and_escalations_are_on_the_ticket_timeline(world, client):
    ticket = report(world)
    due = ticket.response_due
    deadline_sweep(now=due - 10 * M)
    deadline_sweep(now=due + M)
    client.force_login(world.manager)
    page = client.get(reverse("maintenance:ticket_detail", kwargs={"ticket_pk": ticket.pk}))
    labels = [e.label for e in page.context["events"]]
    assert labels[:2] == ["Overdue, escalated to the manager", "Deadline approaching"]
    assert labels[-1] == "Reported"
    timeline = page.content.decode().split('data-testid="timeline"')[1]
    assert "Overdue, escalated to the manager</strong> · Response" in timeline
    assert "Deadline approaching</strong> · Response" in timeline


def test_a_lower_priority_at_registration_unmarks_a_deadline_now_ahead(world):
    """An emergency marked overdue on site, registered as a normal repair: its on-site
    deadline moves a day ahead, so it is not overdue any more and will be watched again."""
    cs = world.staff[Role.CUSTOMER_SERVICE]
    ticket = report(world, priority=Priority.EMERGENCY)
    deadline_sweep(now=ticket.onsite_due + M)
    ticket.refresh_from_db()
    assert ticket.onsite_overdue and (Deadline.ONSITE, ReminderKind.OVERDUE) in sent(ticket)

    svc.ticket_register(ticket_id=ticket.pk, actor=cs, priority=Priority.NORMAL)
    ticket.refresh_from_db()
    assert ticket.onsite_due > timezone.now() and not ticket.onsite_overdue
    assert not [r for r in sent(ticket) if r[0] == Deadline.ONSITE]
    assert deadline_sweep(now=ticket.onsite_due + M)["overdue"] >= 1  # watched again
    ticket.refresh_from_db()
    assert ticket.onsite_overdue
