"""What the staff pages share to show a ticket: its badge colours and its next deadline."""

from django.utils import timezone

from ..choices import STATUS_COLOURS, Deadline, PauseReason, Priority
from ..choices import Status as S

PRIORITY_COLOURS = {Priority.EMERGENCY: "danger", Priority.URGENT: "warning"}


def ticket_badges(ticket, now=None):
    """Badge colours, and the next deadline of an open ticket: `next_due` (the first one
    not met yet), `next_due_label` and `late` (flagged overdue, or past due already)."""
    ticket.badge = STATUS_COLOURS.get(ticket.status, "secondary")
    ticket.priority_badge = PRIORITY_COLOURS.get(ticket.priority, "light")
    ticket.next_due = ticket.next_due_label = None
    ticket.late = ticket.is_overdue
    if ticket.is_open:
        for label, due, met in (
            (Deadline.RESPONSE.label, ticket.response_due, ticket.registered_at),
            (Deadline.ONSITE.label, ticket.onsite_due, ticket.arrived_at),
            (Deadline.COMPLETION.label, ticket.completion_due, ticket.completed_at),
        ):
            if due is not None and met is None:
                ticket.next_due, ticket.next_due_label = due, label
                break
        waiting = ticket.status == S.PAUSED and ticket.pause_reason == PauseReason.OWNER
        if ticket.next_due is not None and not waiting:
            ticket.late = ticket.late or ticket.next_due <= (now or timezone.now())
    return ticket
