"""The complaints module's parts of other apps' pages: a unit's complaints; a person's
communication log and complaints (anonymous ones only for whoever may see the name); a
repair ticket's complaints, or the button that makes one of a repair that went badly."""

from django.db.models import Q

from estates.models import Occupancy
from estates.permissions import has_perm
from estates.scoping import estate_ids_for

from . import permissions as P
from .choices import STATUS_COLOURS
from .forms import ContactForm
from .models import Complaint, ContactLog


def unit_panel(request, unit, **page):
    if not has_perm(request.user, P.VIEW, unit.estate):
        return None
    complaints = Complaint.objects.filter(unit=unit)
    if not has_perm(request.user, P.SEE_ANONYMOUS, unit.estate):
        complaints = complaints.exclude(anonymous=True)  # the unit would name them
    complaints = list(complaints.order_by("-filed_at", "-id")[:10])
    for c in complaints:
        c.badge = STATUS_COLOURS.get(c.status, "secondary")
    return {"template": "complaints/staff/unit_panel.html", "complaints": complaints}


def _person_estates(person) -> set:
    lived = Occupancy.objects.filter(person=person).values_list("unit__estate_id", flat=True)
    return {person.registered_estate_id, *lived}


def contact_estate(user, person):
    """Where a contact with `person` is logged: their registered estate, else one they live
    in, among those where `user` keeps the log."""
    from estates.models import Estate

    allowed = estate_ids_for(user, P.CONTACTS)
    estates = _person_estates(person)
    if allowed is not None:
        estates &= set(allowed)
    first = person.registered_estate_id if person.registered_estate_id in estates else None
    return Estate.objects.get(pk=first or min(estates))


def person_panel(request, person, **page):
    """Beside the person's tickets and bills: the contacts with them, their complaints."""
    viewable = estate_ids_for(request.user, P.VIEW)
    contacts_ok = estate_ids_for(request.user, P.CONTACTS)
    estates = _person_estates(person)
    if viewable is not None and not estates & set(viewable):
        return None
    contacts = ContactLog.objects.filter(person=person).select_related("by")
    complaints = Complaint.objects.filter(complainant=person)
    if viewable is not None:
        contacts = contacts.filter(estate_id__in=contacts_ok or [])
        complaints = complaints.filter(estate_id__in=viewable)
    named = estate_ids_for(request.user, P.SEE_ANONYMOUS)
    if named is not None:  # an anonymous complaint names its complainant to the manager only
        complaints = complaints.exclude(Q(anonymous=True) & ~Q(estate_id__in=named))
    complaints = list(complaints.order_by("-filed_at", "-id")[:10])
    for c in complaints:
        c.badge = STATUS_COLOURS.get(c.status, "secondary")
    can_log = contacts_ok is None or bool(estates & set(contacts_ok))
    return {
        "template": "complaints/staff/person_panel.html",
        "contacts": list(contacts[:20]) if can_log else [],
        "complaints": complaints,
        "form": ContactForm(auto_id="id_contact_%s") if can_log else None,
        "can_log": can_log,
    }


def ticket_panel(request, ticket):
    """On the repair ticket's staff page: the complaints linked to it; for a repair rated
    low or urged repeatedly that is no complaint yet, "make a complaint" in one step."""
    from .choices import Channel
    from .services import qualifies_as_complaint

    if not has_perm(request.user, P.VIEW, ticket.estate):
        return None
    linked = Complaint.objects.filter(ticket=ticket)
    if not has_perm(request.user, P.SEE_ANONYMOUS, ticket.estate):
        linked = linked.exclude(anonymous=True)
    complaints = list(linked.order_by("-filed_at", "-id")[:10])
    for c in complaints:
        c.badge = STATUS_COLOURS.get(c.status, "secondary")
    can_make = (
        has_perm(request.user, P.HANDLE, ticket.estate)
        and not Complaint.objects.filter(ticket=ticket, channel=Channel.REPAIR).exists()
        and qualifies_as_complaint(ticket)
    )
    if not complaints and not can_make:
        return None
    return {
        "template": "complaints/staff/ticket_panel.html",
        "complaints": complaints,
        "can_make": can_make,
    }
