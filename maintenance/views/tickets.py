"""The staff's repair ticket pages: recording a report for an owner, and one ticket with
the actions the transition table lets the user take now. Every ticket comes from the
user's scope (another estate's ticket is a 404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.feedback import run_service
from core.money import money_sum
from estates import permissions as EP
from estates.access import get_scoped_or_404, staff_required
from estates.models import Building, Equipment
from estates.permissions import has_perm, require
from estates.selectors import current_estate, set_current_estate
from estates.validators import mask_phone

from .. import permissions as P
from .. import services, transitions
from ..choices import PhotoKind, Priority, category_for_equipment
from ..deadlines import deadline_rows
from ..forms_staff import TicketCreateForm
from ..models import Ticket
from ..panels import ticket_panels
from .common import ticket_badges
from .timeline import staff_timeline

DETAIL_RELATED = (
    "estate",
    "unit__building",
    "building",
    "equipment",
    "technician",
    "reporter",
    "created_by",
    "duplicate_of",
)


def action_form(action, ticket, request=None):
    """The action's form for the ticket (bound to the request's POST when given)."""
    if request is None:
        return action.form_class(ticket=ticket, slug=action.slug)
    return action.form_class(request.POST, request.FILES, ticket=ticket, slug=action.slug)


# --- Recording a report for an owner -------------------------------------------------------


def _prefill(request):
    """The equipment or building a QR code named (?equipment= / ?building=), in scope."""
    equipment = building = None
    raw_equipment, raw_building = request.GET.get("equipment", ""), request.GET.get("building", "")
    if raw_equipment:
        if not raw_equipment.isdigit():
            raise Http404
        equipment = get_scoped_or_404(
            Equipment.objects.select_related("estate", "building"),
            request.user,
            P.CREATE,
            pk=raw_equipment,
        )
        building = equipment.building
    elif raw_building:
        if not raw_building.isdigit():
            raise Http404
        building = get_scoped_or_404(
            Building.objects.select_related("estate"), request.user, P.CREATE, pk=raw_building
        )
    return equipment, building


@staff_required
def ticket_create(request):
    equipment, building = _prefill(request)
    scanned = equipment or building
    estate = current_estate(request)
    if scanned is not None and (estate is None or estate.pk != scanned.estate_id):
        # A QR label names its estate: work there.
        estate = scanned.estate
        set_current_estate(request, estate)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New repair ticket")})
    require(request.user, P.CREATE, estate)

    initial = {}
    if building is not None:
        initial["building"] = building.pk
    if equipment is not None:
        initial["equipment"] = equipment.pk
        initial["category"] = category_for_equipment(equipment.category)
        initial["channel"] = "staff"
    form = TicketCreateForm(
        request.POST or None,
        request.FILES or None,
        estate=estate,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        ticket = run_service(
            request,
            form,
            lambda: services.ticket_report_by_staff(
                actor=request.user,
                estate=estate,
                data=form.report_data(),
                channel=form.cleaned_data["channel"],
                reporter=form.reporter,
                photos=form.cleaned_data["photos"],
            ),
        )
        if ticket is not None:
            if ticket.priority == Priority.EMERGENCY:
                # Recorded, not registered yet: it is still "reported" until someone
                # registers it (the Chinese text used to say 已登记).
                text = _(
                    "Emergency %(number)s recorded, not registered yet: the technician on "
                    "duty and the manager have been called."
                )
            else:
                text = _("Ticket %(number)s recorded.")
            messages.success(request, text % {"number": ticket.number})
            return redirect(ticket)
    return render(
        request,
        "maintenance/staff/ticket_create.html",
        {"form": form, "estate": estate, "equipment": equipment, "scanned_building": building},
    )


# --- One ticket ----------------------------------------------------------------------------


def get_ticket(request, ticket_pk):
    return get_scoped_or_404(
        Ticket.objects.select_related(*DETAIL_RELATED), request.user, P.VIEW, pk=ticket_pk
    )


def _photos(ticket):
    groups = {kind: [] for kind in PhotoKind.values}
    for photo in ticket.photos.all():
        groups.setdefault(photo.kind, []).append(photo)
    return [(PhotoKind(kind).label, kind, items) for kind, items in groups.items() if items]


def detail_context(request, ticket, bound=None):
    user = request.user
    now = timezone.now()
    can_see_people = has_perm(user, EP.VIEW_PEOPLE, ticket.estate)
    assigned_to_me = ticket.technician_id == user.pk and ticket.is_open
    actions = [
        (
            action,
            bound
            if bound is not None and bound.slug == action.slug
            else action_form(action, ticket),
        )
        for action in transitions.available(user, ticket, transitions.STAFF)
    ]
    materials = list(ticket.materials.all())
    ticket_badges(ticket)
    return {
        "ticket": ticket,
        "actions": actions,
        "open_action": bound.slug if bound is not None else "",
        "photo_groups": _photos(ticket),
        "deadlines": deadline_rows(ticket, now),
        "materials": materials,
        "materials_total": money_sum([m.amount for m in materials]) if materials else None,
        "follow_ups": list(ticket.follow_ups.select_related("by")),
        "events": staff_timeline(ticket),
        "panels": ticket_panels(request, ticket),
        "can_see_people": can_see_people,
        "reporter_mobile": (
            ticket.reporter.mobile
            if ticket.reporter and can_see_people
            else mask_phone(ticket.reporter.mobile if ticket.reporter else "")
        ),
        "contact_phone": (
            ticket.contact_phone
            if can_see_people or assigned_to_me
            else mask_phone(ticket.contact_phone)
        ),
    }


@staff_required
def ticket_detail(request, ticket_pk):
    ticket = get_ticket(request, ticket_pk)
    return render(request, "maintenance/staff/ticket_detail.html", detail_context(request, ticket))
