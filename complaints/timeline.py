"""A complaint's timeline in words (staff and owner pages)."""

from django.utils.translation import gettext_lazy as _

from core.audit import timeline_for

VERBS = {
    "complaint_filed": _("Filed"),
    "complaint_acknowledged": _("Acknowledged"),
    "complaint_started": _("Work started"),
    "complaint_assigned": _("Given to someone else"),
    "complaint_ticket_opened": _("Repair ticket opened"),
    "complaint_resolved": _("Resolved"),
    "complaint_confirmed": _("Confirmed and rated by the complainant"),
    "complaint_closed": _("Closed"),
    "complaint_reopened": _("Reopened"),
    "complaint_withdrawn": _("Withdrawn"),
    "complaint_marked_typical": _("Marked as a typical case"),
    "complaint_prevention_added": _("Prevention action added"),
    "complaint_acknowledge_warning": _("Acknowledgement deadline approaching"),
    "complaint_acknowledge_escalated": _("Not acknowledged in time: escalated to the manager"),
    "complaint_resolve_warning": _("Resolution deadline approaching"),
    "complaint_resolve_escalated": _("Not resolved in time: escalated to the manager"),
}

# What the complainant reads in the portal (internal steps are not shown).
OWNER_VERBS = {
    "complaint_filed": _("Filed"),
    "complaint_acknowledged": _("Accepted by the service desk"),
    "complaint_started": _("Being handled"),
    "complaint_resolved": _("Resolved"),
    "complaint_confirmed": _("You confirmed and rated it"),
    "complaint_closed": _("Closed"),
    "complaint_reopened": _("Reopened"),
    "complaint_withdrawn": _("Withdrawn"),
    "complaint_ticket_opened": _("A repair was ordered"),
}
OWNER_NOTES = {"complaint_resolved", "complaint_reopened", "complaint_withdrawn",
               "complaint_confirmed"}  # fmt: skip


def staff_timeline(complaint, *, hide_names=False):
    events = list(timeline_for(complaint))
    for event in events:
        event.label = VERBS.get(event.verb, event.verb)
        if (
            hide_names
            and complaint.complainant_id
            and event.actor_id == complaint.complainant.user_id
        ):
            event.actor = None  # an anonymous complainant's own steps
            event.label = f"{event.label} · {_('the complainant')}"
    return events


def owner_timeline(complaint):
    events = []
    for event in timeline_for(complaint, verbs=list(OWNER_VERBS)):
        event.label = OWNER_VERBS[event.verb]
        event.shown_note = event.note if event.verb in OWNER_NOTES else ""
        events.append(event)
    return events
