"""What the staff complaint pages share: fetching one complaint in scope, its page."""

from django.utils import timezone

from estates.access import get_scoped_or_404
from estates.permissions import has_perm
from maintenance import permissions as MP

from .. import permissions as P
from .. import transitions
from ..choices import STATUS_COLOURS
from ..models import Complaint
from ..selectors import BOARD_RELATED, may_see_name, ticket_progress
from ..timeline import staff_timeline


def get_complaint(request, complaint_pk, perm=P.VIEW):
    return get_scoped_or_404(
        Complaint.objects.select_related(*BOARD_RELATED, "ticket", "ticket__technician"),
        request.user,
        perm,
        pk=complaint_pk,
    )


def action_form(action, complaint, request=None):
    if request is None:
        return action.form_class(complaint=complaint, slug=action.slug)
    return action.form_class(request.POST, complaint=complaint, slug=action.slug)


def badges(complaint, now=None):
    complaint.badge = STATUS_COLOURS.get(complaint.status, "secondary")
    complaint.late = complaint.is_overdue(now or timezone.now())
    return complaint


def detail_context(request, complaint, *, bound=None) -> dict:
    badges(complaint)
    user = request.user
    show_name = may_see_name(user, complaint)
    actions = []
    for action in transitions.available(user, complaint, transitions.STAFF):
        if action.slug == "repair" and not has_perm(user, MP.CREATE, complaint.estate):
            continue
        form = bound if bound is not None and bound.slug == action.slug else None
        actions.append((action, form or action_form(action, complaint)))
    return {
        "complaint": complaint,
        "show_name": show_name,
        "actions": actions,
        "open_action": bound.slug if bound is not None else "",
        "events": staff_timeline(complaint, hide_names=not show_name),
        "photos": list(complaint.photos.all()),
        "repair": ticket_progress(complaint.ticket),
        "can_see_repair": has_perm(user, MP.VIEW, complaint.estate),
        "prevention": list(complaint.prevention_actions.select_related("owner")),
    }
