"""The staff ticket page's timeline: audit events in words (stored values shown as labels
in the reader's language), with the deadline sweep's reminders among them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from core.audit import VERB_LABELS, timeline_for

from ..choices import Category, Channel, Deadline, Priority
from ..choices import Status as S

# The ticket's timeline, in words.
VERBS = {
    "ticket_reported": gettext_lazy("Reported"),
    "ticket_registered": gettext_lazy("Registered"),
    "ticket_rejected": gettext_lazy("Rejected"),
    "ticket_cancelled": gettext_lazy("Cancelled"),
    "ticket_dispatched": gettext_lazy("Dispatched"),
    "ticket_reassigned": gettext_lazy("Reassigned"),
    "ticket_accepted": gettext_lazy("Accepted by the technician"),
    "ticket_arrived": gettext_lazy("Technician on site"),
    "ticket_repair_started": gettext_lazy("Repair started"),
    "ticket_paused": gettext_lazy("Paused"),
    "ticket_resumed": gettext_lazy("Resumed"),
    "ticket_completed": gettext_lazy("Completed"),
    "ticket_verified": gettext_lazy("Verified"),
    "ticket_reopened": gettext_lazy("Failed the check: reopened"),
    "ticket_followed_up": gettext_lazy("Followed up"),
    "ticket_rated": gettext_lazy("Rated by the owner"),
    "ticket_closed": gettext_lazy("Closed"),
    "ticket_urged": gettext_lazy("Urged by the owner"),
    "deadline_warning": gettext_lazy("Deadline approaching"),
    "deadline_overdue": gettext_lazy("Overdue, escalated to the manager"),
}
# Stored as values by the services; shown as labels.
CHANGE_LABELS = {
    "priority": dict(Priority.choices),
    "category": dict(Category.choices),
    "status": dict(S.choices),
    "channel": dict(Channel.choices),
}


@dataclass
class SweepEvent:
    """A warning or an escalation of the deadline sweep, shown on the timeline. The sweep
    records them as TicketReminder rows (its once-only claim), not as audit events: one
    row per reminder is all a first sweep over a backlog can afford."""

    created_at: object
    label: str
    note: str
    actor = None
    changes = None


def staff_timeline(ticket):
    """The audit trail in words, with the sweep's warnings and escalations."""
    events = list(timeline_for(ticket))
    for event in events:
        # The apps above may record on a ticket too; their verbs are in core's registry.
        event.label = VERBS.get(event.verb) or VERB_LABELS.get(event.verb, event.verb)
        for field, labels in CHANGE_LABELS.items():
            change = event.changes.get(field) if isinstance(event.changes, dict) else None
            if isinstance(change, list) and len(change) == 2:
                event.changes[field] = [str(labels.get(v, v)) if v else v for v in change]
    reminders = [
        SweepEvent(
            created_at=r.created_at,
            label=VERBS[f"deadline_{r.kind}"],
            note=str(Deadline(r.deadline).label),
        )
        for r in ticket.reminders.all()
    ]
    # Newest first, as the audit trail comes.
    return sorted([*events, *reminders], key=lambda e: e.created_at, reverse=True)
