"""Reporting a problem: by the owner in the portal, by staff for a caller, or by another
module (an abnormal inspection item). A new ticket is "reported" with its deadlines set."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from estates.choices import Role
from estates.models import Estate, Unit
from estates.owners import person_for
from estates.permissions import require

from .. import permissions as P
from .. import sla
from ..attachments import store_photos
from ..board_cache import estates_changed
from ..choices import Channel, PhotoKind, Priority
from ..choices import Status as S
from ..models import Ticket
from .notices import _staff, _tell


@dataclass
class ReportData:
    category: str
    description: str
    unit: object = None
    building: object = None
    equipment: object = None
    location: str = ""
    priority: str = Priority.NORMAL
    preferred_from: object = None
    preferred_to: object = None
    contact_name: str = ""
    contact_phone: str = ""


def possible_duplicate(ticket):
    """An open ticket of the same category at the same place, if there is one."""
    same_place = Q()
    if ticket.unit_id:
        same_place = Q(unit_id=ticket.unit_id)
    elif ticket.equipment_id:
        same_place = Q(equipment_id=ticket.equipment_id)
    elif ticket.location:
        same_place = Q(location__iexact=ticket.location, building_id=ticket.building_id)
    elif ticket.building_id:
        # Only the building (its common parts): any other report of its common parts.
        same_place = Q(building_id=ticket.building_id, unit__isnull=True, equipment__isnull=True)
    else:
        return None
    return (
        Ticket.objects.open()
        .filter(same_place, estate_id=ticket.estate_id, category=ticket.category)
        .exclude(pk=ticket.pk)
        .order_by("reported_at")
        .first()
    )


def _create_ticket(*, estate, data: ReportData, channel, actor, reporter, photos, source=None):
    now = timezone.now()
    ticket = Ticket(
        estate=estate,
        unit=data.unit,
        building=data.building or (data.unit.building if data.unit else None),
        equipment=data.equipment,
        location=data.location,
        category=data.category,
        priority=data.priority,
        channel=channel,
        description=data.description,
        preferred_from=data.preferred_from,
        preferred_to=data.preferred_to,
        reporter=reporter,
        contact_name=data.contact_name or (reporter.name if reporter else ""),
        contact_phone=data.contact_phone or (reporter.mobile if reporter else ""),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        reported_at=now,
        status=S.REPORTED,
    )
    if source is not None:
        ticket.source_label, ticket.source_url = source
    if (
        ticket.preferred_from
        and ticket.preferred_to
        and ticket.preferred_to < ticket.preferred_from
    ):
        raise ValidationError({"preferred_to": _("The end of the window is before its start.")})
    sla.set_initial_deadlines(ticket)
    ticket.full_clean(exclude=["number"])
    with transaction.atomic():
        ticket.save()
        ticket.number = f"{estate.code.upper()}-{timezone.localtime(now):%y%m%d}-{ticket.pk:05d}"
        ticket.duplicate_of = possible_duplicate(ticket)
        ticket.save(update_fields=["number", "duplicate_of"])
        estates_changed([ticket.estate_id])
        store_photos(
            ticket=ticket, kind=PhotoKind.REPORT, uploads=photos, uploaded_by=ticket.created_by
        )
        record_event(
            ticket,
            actor=actor,
            verb="ticket_reported",
            # Values, not labels: each reader sees them in their own language.
            changes={"channel": [None, ticket.channel], "priority": [None, ticket.priority]},
        )
        if ticket.priority == Priority.EMERGENCY:
            on_duty = _staff(estate, Role.TECHNICIAN, on_duty=True) or _staff(
                estate, Role.TECHNICIAN
            )
            _tell(
                on_duty + _staff(estate, Role.MANAGER),
                ticket,
                texts.gettext("Emergency repair %(number)s"),
                ticket.description[:200],
            )
        else:
            _tell(
                _staff(estate, Role.CUSTOMER_SERVICE),
                ticket,
                texts.gettext("New repair request %(number)s"),
                ticket.description[:200],
            )
    return ticket


def ticket_report_by_owner(*, actor, data: ReportData, photos=(), channel=Channel.PORTAL):
    """An owner reports from the portal (or by scanning a QR code): their own unit, or a
    common area of an estate they live in."""
    person = person_for(actor)
    if person is None:
        raise PermissionDenied
    if data.unit is not None:
        if not Unit.objects.for_owner(actor).filter(pk=data.unit.pk).exists():
            raise PermissionDenied
        estate = data.unit.estate
    else:
        place = data.equipment or data.building
        estate = place.estate if place is not None else None
        my_estates = Estate.objects.for_owner(actor)
        if estate is None:
            estates = list(my_estates[:2])
            if len(estates) != 1:
                raise ValidationError({"location": _("Choose the estate's place.")})
            estate = estates[0]
        if not my_estates.filter(pk=estate.pk).exists():
            raise PermissionDenied
    return _create_ticket(
        estate=estate, data=data, channel=channel, actor=actor, reporter=person, photos=photos
    )


def ticket_report_by_staff(*, actor, estate, data: ReportData, channel, reporter=None, photos=()):
    """Customer service records a call, a walk-in, a WeChat message...; patrol staff
    record what they found. The channel is kept."""
    require(actor, P.CREATE, estate)
    for place in (data.unit, data.building, data.equipment):
        if place is not None and place.estate_id != estate.pk:
            raise DomainError(_("The place belongs to another estate."))
    return _create_ticket(
        estate=estate, data=data, channel=channel, actor=actor, reporter=reporter, photos=photos
    )


def ticket_open_from(*, estate, data: ReportData, source_label: str, source_url: str, actor=None):
    """For other modules (an abnormal inspection item...): open a ticket that links back.
    `source_url` is a path of this site ("/staff/inspections/12/"), shown as a link."""
    if source_url and (not source_url.startswith("/") or source_url.startswith("//")):
        raise ValueError(f"source_url must be a path of this site, not {source_url!r}")
    return _create_ticket(
        estate=estate,
        data=data,
        channel=Channel.SYSTEM,
        actor=actor,
        reporter=None,
        photos=(),
        source=(source_label, source_url),
    )
