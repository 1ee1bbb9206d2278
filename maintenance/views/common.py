"""What the staff pages share to show a ticket: its badge colours and its next deadline."""

from django.utils import timezone

from ..choices import STATUS_COLOURS, PauseReason, Priority
from ..choices import Status as S
from ..deadlines import DEADLINES

PRIORITY_COLOURS = {Priority.EMERGENCY: "danger", Priority.URGENT: "warning"}


def next_deadline(*, is_open, status, pause_reason, overdue, deadlines, now):
    """(due, label, late) of a ticket: its first deadline not met yet (open tickets only)
    and whether it is late (flagged overdue, or that deadline passed while the clock runs).
    `deadlines`: (label, due, met) for response, on site and completion, in that order."""
    due = label = None
    late = overdue
    if is_open:
        for name, when, met in deadlines:
            if when is not None and met is None:
                due, label = when, name
                break
        waiting = status == S.PAUSED and pause_reason == PauseReason.OWNER
        if due is not None and not waiting:
            late = late or due <= (now or timezone.now())
    return due, label, late


def ticket_badges(ticket, now=None):
    """Badge colours, and the next deadline of an open ticket: `next_due` (the first one
    not met yet), `next_due_label` and `late` (flagged overdue, or past due already)."""
    ticket.badge = STATUS_COLOURS.get(ticket.status, "secondary")
    ticket.priority_badge = PRIORITY_COLOURS.get(ticket.priority, "light")
    ticket.next_due, ticket.next_due_label, ticket.late = next_deadline(
        is_open=ticket.is_open,
        status=ticket.status,
        pause_reason=ticket.pause_reason,
        overdue=ticket.is_overdue,
        deadlines=[
            (deadline.label, getattr(ticket, fields.due), getattr(ticket, fields.met))
            for deadline, fields in DEADLINES.items()
        ],
        now=now,
    )
    return ticket
