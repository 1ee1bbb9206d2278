"""The owner's repair pages (portal): my tickets, report a problem, one ticket and the
owner's actions on it. Every ticket comes from Ticket.objects.for_owner(request.user), so
another owner's ticket is a 404; the services decide what is allowed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import timeline_for
from core.errors import DomainError
from core.feedback import run_service
from core.pagination import keyset_page
from estates.models import Building, Equipment
from estates.owners import owner_required, units_for_owner

from .. import services, transitions
from ..choices import (
    STATUS_COLOURS,
    Channel,
    Deadline,
    PhotoKind,
    Priority,
    category_for_equipment,
)
from ..choices import Status as S
from ..deadlines import DEADLINES
from ..forms_owner import COMMON_AREA, ReportForm
from ..models import Ticket
from ..panels import owner_ticket_panels

PAGE_SIZE = 20

# What an owner reads on the timeline. Events not listed here (staff-internal ones) are
# not shown; notes are shown only for the verbs in PUBLIC_NOTES and for the owner's own.
OWNER_VERBS = {
    "ticket_reported": gettext_lazy("Problem reported"),
    "ticket_registered": gettext_lazy("Request accepted by the service desk"),
    "ticket_rejected": gettext_lazy("Request not accepted"),
    "ticket_cancelled": gettext_lazy("Cancelled"),
    "ticket_dispatched": gettext_lazy("Technician assigned"),
    "ticket_reassigned": gettext_lazy("Another technician assigned"),
    "ticket_accepted": gettext_lazy("Technician took the job"),
    "ticket_arrived": gettext_lazy("Technician on site"),
    "ticket_repair_started": gettext_lazy("Repair started"),
    "ticket_paused": gettext_lazy("Repair paused"),
    "ticket_resumed": gettext_lazy("Repair resumed"),
    "ticket_completed": gettext_lazy("Repair completed"),
    "ticket_verified": gettext_lazy("Repair checked"),
    "ticket_reopened": gettext_lazy("Not fixed yet: sent back to the technician"),
    "ticket_followed_up": gettext_lazy("Follow-up done"),
    "ticket_rated": gettext_lazy("Rated"),
    "ticket_closed": gettext_lazy("Closed"),
    "ticket_urged": gettext_lazy("Reminder sent"),
}
PUBLIC_NOTES = {"ticket_rejected", "ticket_paused", "ticket_completed"}
NO_NOTES = {"ticket_reported"}  # its note is the channel and priority, shown elsewhere


ERRORS = (DomainError, ValidationError)


def _my_tickets(request):
    return Ticket.objects.for_owner(request.user)


def _get_ticket(request, ticket_pk):
    return get_object_or_404(
        _my_tickets(request).select_related(
            "estate", "unit__building", "building", "equipment", "technician"
        ),
        pk=ticket_pk,
    )


def _error_messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


def _flash_errors(request, exc):
    for text in _error_messages(exc):
        messages.error(request, text)


def _flash_form_errors(request, form):
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


def _to_ticket(ticket):
    return redirect("repairs:ticket_detail", ticket_pk=ticket.pk)


# --- My tickets --------------------------------------------------------------------------


@owner_required
def my_tickets(request):
    tickets = _my_tickets(request).select_related("unit__building", "building", "equipment")
    page = keyset_page(
        tickets,
        ordering=["-reported_at", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=bool(request.GET.get("last")),
        page_size=PAGE_SIZE,
    )
    for ticket in page.rows:
        ticket.badge = STATUS_COLOURS.get(ticket.status, "secondary")
        ticket.is_emergency = ticket.priority == Priority.EMERGENCY
    return render(request, "maintenance/owner/my_tickets.html", {"page": page})


# --- Report a problem -------------------------------------------------------------------


def _prefill(request):
    """The equipment or building a QR code named (in an estate where I live, else 404)."""
    equipment = building = None
    equipment_pk = request.GET.get("equipment", "")
    building_pk = request.GET.get("building", "")
    if equipment_pk:
        if not equipment_pk.isdigit():
            raise Http404
        equipment = get_object_or_404(
            Equipment.objects.for_owner(request.user).select_related("building", "estate"),
            pk=equipment_pk,
        )
        building = equipment.building
    elif building_pk:
        if not building_pk.isdigit():
            raise Http404
        building = get_object_or_404(
            Building.objects.for_owner(request.user).select_related("estate"), pk=building_pk
        )
    return equipment, building


def _check_posted_places(request, units, buildings):
    """A unit or building that is not mine is a 404 (no telling whether it exists)."""
    where = request.POST.get("where", "")
    if where and where != COMMON_AREA and where not in {str(u.pk) for u in units}:
        raise Http404
    building = request.POST.get("building", "")
    if building and not buildings.filter(pk=building if building.isdigit() else 0).exists():
        raise Http404


@owner_required
def report(request):
    units = list(units_for_owner(request.user))
    buildings = Building.objects.for_owner(request.user).select_related("estate")
    equipment, scanned_building = _prefill(request)
    from_scan = equipment is not None or scanned_building is not None

    initial = {}
    if from_scan:
        initial.update(where=COMMON_AREA, building=scanned_building)
        if equipment is not None:
            initial["category"] = category_for_equipment(equipment.category)
    elif len(units) == 1:
        initial["where"] = str(units[0].pk)

    if request.method == "POST":
        _check_posted_places(request, units, buildings)
        form = ReportForm(
            request.POST,
            request.FILES,
            units=units,
            buildings=buildings,
            equipment=equipment,
        )
    else:
        form = ReportForm(initial=initial, units=units, buildings=buildings, equipment=equipment)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = form.unit
        place = {}
        if unit is not None:
            place["unit"] = unit
        else:
            place = {
                # A scanned piece of equipment says where it is.
                "building": equipment.building if equipment else data["building"],
                "equipment": equipment,
                "location": data["location"].strip(),
            }
        report_data = services.ReportData(
            category=data["category"],
            description=data["description"],
            priority=Priority.EMERGENCY if data["emergency"] else Priority.NORMAL,
            preferred_from=data["preferred_from"],
            preferred_to=data["preferred_to"],
            **place,
        )
        ticket = run_service(
            request,
            form,
            lambda: services.ticket_report_by_owner(
                actor=request.user,
                data=report_data,
                photos=data["photos"],
                channel=Channel.QR if from_scan else Channel.PORTAL,
            ),
        )
        if ticket is not None:
            if ticket.priority == Priority.EMERGENCY:
                text = _(
                    "Emergency %(number)s reported: the technician on duty and the manager "
                    "have been called."
                )
            else:
                text = _("Thank you. Your request %(number)s was received.")
            messages.success(request, text % {"number": ticket.number})
            return _to_ticket(ticket)

    return render(
        request,
        "maintenance/owner/report.html",
        {
            "form": form,
            "equipment": equipment,
            "scanned_building": scanned_building,
            "has_units": bool(units),
        },
    )


# --- One ticket ---------------------------------------------------------------------------


def _owner_timeline(ticket, user):
    events = []
    for event in timeline_for(ticket):
        label = OWNER_VERBS.get(event.verb)
        if label is None:
            continue
        mine = event.actor_id is not None and event.actor_id == user.pk
        if mine:
            who = _("You")
        elif event.actor_id is not None and event.actor_id == ticket.technician_id:
            who = str(event.actor)
        elif event.actor_id is not None:
            who = _("Property service")
        else:
            who = ""
        events.append(
            {
                "label": label,
                "at": event.created_at,
                "who": who,
                "note": (
                    event.note
                    if event.verb not in NO_NOTES and (mine or event.verb in PUBLIC_NOTES)
                    else ""
                ),
            }
        )
    return events


# What each unmet deadline promises the owner, in plain words.
PROMISES = {
    Deadline.RESPONSE: gettext_lazy("We will answer your request by %(time)s."),
    Deadline.ONSITE: gettext_lazy("We will be there by %(time)s."),
    Deadline.COMPLETION: gettext_lazy("The repair should be finished by %(time)s."),
}


def _promises(ticket):
    """The deadlines still ahead of an open ticket, in plain words."""
    if not ticket.is_open:
        return []
    lines = []
    for deadline, fields in DEADLINES.items():
        due = getattr(ticket, fields.due)
        if due is not None and getattr(ticket, fields.met) is None:
            lines.append(PROMISES[deadline] % {"time": _when(due)})
    return lines


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _urge_next(ticket):
    """When the owner may urge again, if that is still to come."""
    if ticket.last_urged_at is None:
        return None
    moment = ticket.last_urged_at + services.urge_interval(ticket.estate)
    return moment if moment > timezone.now() else None


@owner_required
def ticket_detail(request, ticket_pk):
    ticket = _get_ticket(request, ticket_pk)
    ticket.badge = STATUS_COLOURS.get(ticket.status, "secondary")
    photos = [p for p in ticket.photos.all() if p.kind in (PhotoKind.REPORT, PhotoKind.AFTER)]
    status = ticket.status
    show_technician = ticket.technician_id is not None and status not in (
        S.REPORTED,
        S.REGISTERED,
        S.REJECTED,
        S.CANCELLED,
    )
    context = {
        "ticket": ticket,
        "is_emergency": ticket.priority == Priority.EMERGENCY,
        "report_photos": [p for p in photos if p.kind == PhotoKind.REPORT],
        "after_photos": [p for p in photos if p.kind == PhotoKind.AFTER],
        "show_technician": show_technician,
        "promises": _promises(ticket),
        "events": _owner_timeline(ticket, request.user),
        # The owner's actions now, from the transition table; the template lays each out.
        "actions": {
            action.slug: action.form_class(initial={"version": ticket.version})
            for action in transitions.available(request.user, ticket, transitions.OWNER)
        },
        "urge_next": _urge_next(ticket),
        "panels": owner_ticket_panels(request, ticket),
    }
    return render(request, "maintenance/owner/ticket_detail.html", context)


# --- The owner's actions (POST only) --------------------------------------------------------


def _act(request, ticket_pk, slug, success):
    """The owner's action `slug` from the transition table: parse its form, call its
    service; errors and success as messages; back to the ticket."""
    ticket = _get_ticket(request, ticket_pk)
    action = transitions.OWNER_ACTIONS[slug]
    form = action.form_class(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _to_ticket(ticket)
    try:
        action.service_function(ticket_id=ticket.pk, actor=request.user, **form.service_kwargs())
    except Ticket.DoesNotExist as exc:  # moved out between the page and the click
        raise Http404 from exc
    except ERRORS as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, success(ticket, form.cleaned_data))
    return _to_ticket(ticket)


@owner_required
@require_POST
def cancel(request, ticket_pk):
    return _act(
        request,
        ticket_pk,
        "cancel",
        lambda t, d: _("Request %(number)s was cancelled.") % {"number": t.number},
    )


@owner_required
@require_POST
def urge(request, ticket_pk):
    return _act(
        request,
        ticket_pk,
        "urge",
        lambda t, d: _("We have reminded the team about %(number)s.") % {"number": t.number},
    )


def _verified(ticket, data):
    if data["passed"]:
        return _("Thank you for checking: the repair of %(number)s is confirmed.") % {
            "number": ticket.number
        }
    return _("Sorry it is not fixed yet: %(number)s goes back to the technician.") % {
        "number": ticket.number
    }


@owner_required
@require_POST
def verify(request, ticket_pk):
    return _act(request, ticket_pk, "verify", _verified)


@owner_required
@require_POST
def rate(request, ticket_pk):
    return _act(
        request,
        ticket_pk,
        "rate",
        lambda t, d: _("Thank you for rating the repair of %(number)s.") % {"number": t.number},
    )
