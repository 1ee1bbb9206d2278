"""The one map of a ticket's deadlines: for each deadline (response, on site, completion) the
field holding when it is due, the milestone that meets it, the flag the sweep sets once it
has passed unmet, and the name of its step in the monthly report's averages.

The sweep, the deadline computations (sla), the services, the report, the selectors and
the pages all read this map instead of spelling the three triples out again."""

from typing import NamedTuple

from django.db.models import Q

from .choices import Deadline, PauseReason
from .choices import Status as S


class DeadlineFields(NamedTuple):
    due: str  # when it is due
    met: str  # the milestone that meets it
    overdue: str  # set by the sweep once due passed unmet
    step: str  # the report's name for the time from the report to the milestone


DEADLINES: dict[Deadline, DeadlineFields] = {
    Deadline.RESPONSE: DeadlineFields(
        "response_due", "registered_at", "response_overdue", "registration"
    ),
    Deadline.ONSITE: DeadlineFields("onsite_due", "arrived_at", "onsite_overdue", "arrival"),
    Deadline.COMPLETION: DeadlineFields(
        "completion_due", "completed_at", "completion_overdue", "completion"
    ),
}

DUE_FIELDS = [d.due for d in DEADLINES.values()]
MET_FIELDS = [d.met for d in DEADLINES.values()]
OVERDUE_FIELDS = [d.overdue for d in DEADLINES.values()]

# Flagged overdue by the sweep, any deadline.
OVERDUE_Q = Q(response_overdue=True) | Q(onsite_overdue=True) | Q(completion_overdue=True)


def clock_stopped(ticket) -> bool:
    """While a ticket waits for the owner its deadlines do not run."""
    return ticket.status == S.PAUSED and ticket.pause_reason == PauseReason.OWNER


def next_due(ticket):
    """(deadline, due) of the first deadline not met yet, or (None, None)."""
    for deadline, fields in DEADLINES.items():
        due = getattr(ticket, fields.due)
        if due is not None and getattr(ticket, fields.met) is None:
            return deadline, due
    return None, None


def deadline_rows(ticket, now) -> list[dict]:
    """Each deadline of the ticket with its state: met (on time or late), ended (the ticket
    closed without it), stopped (waiting for the owner), overdue or running."""
    rows = []
    for deadline, fields in DEADLINES.items():
        due, met_at = getattr(ticket, fields.due), getattr(ticket, fields.met)
        if due is None:
            continue
        if met_at is not None:
            state = "met" if met_at <= due else "late"
        elif not ticket.is_open:
            state = "ended"
        elif clock_stopped(ticket):
            state = "stopped"
        elif getattr(ticket, fields.overdue) or due <= now:
            state = "overdue"
        else:
            state = "running"
        rows.append(
            {
                "kind": deadline,
                "label": deadline.label,
                "due": due,
                "met_at": met_at,
                "state": state,
            }
        )
    return rows


def push_back_unmet(ticket, delta) -> None:
    """Move the deadlines not yet met by `delta` (time spent waiting for the owner)."""
    for fields in DEADLINES.values():
        due = getattr(ticket, fields.due)
        if due is not None and getattr(ticket, fields.met) is None:
            setattr(ticket, fields.due, due + delta)
