"""The staff's actions on a ticket, and a technician's phone page of their jobs.

Which actions exist, from which states, for which permission, with which service and form:
maintenance.transitions. Here: parse the form, call the row's service, say what happened."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.feedback import form_errors_from
from core.redirects import safe_next
from estates.access import staff_required
from estates.permissions import has_perm_somewhere, require

from .. import permissions as P
from .. import transitions
from ..choices import PauseReason
from ..models import Ticket
from ..selectors import my_open_jobs
from .common import ticket_badges
from .tickets import DETAIL_RELATED, action_form, detail_context, get_ticket


def _number(ticket):
    return {"number": ticket.number}


def _tech_name(ticket):
    return str(ticket.technician) if ticket.technician_id else ""


def _verified(t, d):
    if d["passed"]:
        return _("Repair %(number)s verified.") % _number(t)
    return _("Ticket %(number)s sent back to %(name)s.") % {
        "number": t.number,
        "name": _tech_name(t),
    }


# What the user reads once an action is done: slug -> (ticket, cleaned data) -> text.
DONE = {
    "register": lambda t, d: _("Ticket %(number)s registered.") % _number(t),
    "reject": lambda t, d: _("Ticket %(number)s rejected.") % _number(t),
    "dispatch": lambda t, d: (
        _("Ticket %(number)s dispatched to %(name)s.") % {"number": t.number, "name": _tech_name(t)}
    ),
    "cancel": lambda t, d: _("Ticket %(number)s cancelled.") % _number(t),
    "accept": lambda t, d: _("Ticket %(number)s accepted.") % _number(t),
    "arrive": lambda t, d: (
        _("Arrival at %(place)s recorded for %(number)s.") % {"place": t.place, "number": t.number}
    ),
    "start": lambda t, d: _("Repair of %(number)s started.") % _number(t),
    "pause": lambda t, d: (
        _("Ticket %(number)s paused: %(reason)s.")
        % {"number": t.number, "reason": PauseReason(d["reason"]).label}
    ),
    "resume": lambda t, d: _("Work on %(number)s resumed.") % _number(t),
    "complete": lambda t, d: (
        _("Ticket %(number)s completed; the owner is asked to check and rate it.") % _number(t)
    ),
    "verify": _verified,
    "follow-up": lambda t, d: (
        _("Follow-up of %(number)s recorded (rating %(rating)d).")
        % {"number": t.number, "rating": d["rating"]}
    ),
    "close": lambda t, d: _("Ticket %(number)s closed.") % _number(t),
}


def _back(request, ticket):
    return redirect(safe_next(request, ticket.get_absolute_url()))


def _show_again(request, ticket, form):
    """The ticket page with the action's form and its errors next to the fields."""
    messages.error(request, _("Nothing was done: please correct the form below."))
    ticket = get_ticket(request, ticket.pk)
    return render(
        request,
        "maintenance/staff/ticket_detail.html",
        detail_context(request, ticket, bound=form),
    )


@staff_required
@require_POST
def ticket_action(request, ticket_pk, action):
    spec = transitions.STAFF_ACTIONS.get(action)
    if spec is None:
        raise Http404
    ticket = get_ticket(request, ticket_pk)
    require(request.user, spec.permission, ticket.estate)
    form = action_form(spec, ticket, request)
    if not form.is_valid():
        return _show_again(request, ticket, form)
    try:
        result = spec.service_function(
            ticket_id=ticket.pk, actor=request.user, **form.service_kwargs()
        )
    except Ticket.DoesNotExist as exc:  # out of the user's scope since the page was shown
        raise Http404 from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and any(f in form.fields for f in exc.error_dict):
            form_errors_from(form, exc)
            return _show_again(request, ticket, form)
        for text in exc.messages:
            messages.error(request, text)
        return _back(request, ticket)
    except DomainError as exc:
        messages.error(request, str(exc))
        return _back(request, ticket)
    result = Ticket.objects.select_related(*DETAIL_RELATED).get(pk=result.pk)
    messages.success(request, DONE[spec.slug](result, form.cleaned_data))
    return _back(request, result)


# --- A technician's phone page -------------------------------------------------------------


@staff_required
def my_jobs(request):
    if not has_perm_somewhere(request.user, P.WORK):
        raise PermissionDenied
    jobs = my_open_jobs(request.user)
    now = timezone.now()
    for ticket in jobs:
        ticket_badges(ticket, now)
        ticket.next_actions = [
            (action, action_form(action, ticket))
            for action in transitions.available(request.user, ticket, transitions.STAFF)
            if action.assigned_only
        ]
    return render(request, "maintenance/staff/my_jobs.html", {"jobs": jobs})
