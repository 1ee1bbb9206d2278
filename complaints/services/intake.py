"""Filing a complaint, suggestion or praise: by the owner in the portal, by customer
service for a caller or a visitor, or in one step from a repair that went badly. A new
complaint is "new", with its deadlines computed from the estate's deadline table."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.attachments import store_upload
from core.audit import record_event
from core.errors import DomainError
from estates.choices import Role
from estates.models import StaffMembership
from estates.owners import person_for, units_for_owner
from estates.permissions import has_perm, require
from maintenance import permissions as MP
from maintenance.models import Ticket

from .. import deadlines
from .. import permissions as P
from ..choices import Category, Channel, Kind, Severity
from ..models import Complaint, ComplaintPhoto
from .notices import staff_of, tell_staff

# A repair becomes a complaint in one step when its owner rated it this low, or urged it
# this often.
LOW_RATING = 2
MANY_URGES = 2


@dataclass
class ComplaintData:
    category: str
    description: str
    kind: str = Kind.COMPLAINT
    severity: str = Severity.NORMAL
    unit: object = None
    building: object = None
    contact_name: str = ""
    contact_phone: str = ""
    anonymous: bool = False


def _handlers(estate):
    return StaffMembership.objects.active().filter(
        estate=estate, role__in=[Role.CUSTOMER_SERVICE, Role.MANAGER]
    )


def default_responsible(estate):
    """Who takes a complaint nobody named: the estate's first customer service, else its
    first manager (None if it has neither)."""
    for role in (Role.CUSTOMER_SERVICE, Role.MANAGER):
        m = _handlers(estate).filter(role=role).select_related("user").order_by("pk").first()
        if m is not None:
            return m.user
    return None


def check_responsible(estate, user) -> None:
    if user is None or not has_perm(user, P.HANDLE, estate):
        raise ValidationError(
            {"responsible": _("Choose someone of this estate who handles complaints.")}
        )


def _create(*, estate, data: ComplaintData, channel, actor, complainant, responsible, photos,
            ticket=None):  # fmt: skip
    now = timezone.now()
    if data.unit is not None and data.unit.estate_id != estate.pk:
        raise ValidationError({"unit": _("This unit is not in the estate.")})
    acknowledge_due, resolve_due = deadlines.due_times(estate, data.category, now)
    complaint = Complaint.objects.create(
        estate=estate,
        kind=data.kind,
        channel=channel,
        category=data.category,
        severity=data.severity,
        unit=data.unit,
        building=data.building or (data.unit.building if data.unit else None),
        description=data.description,
        complainant=complainant,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        anonymous=data.anonymous,
        responsible=responsible,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        filed_at=now,
        acknowledge_due=acknowledge_due,
        resolve_due=resolve_due,
        ticket=ticket,
    )
    for upload in photos:
        store_upload(ComplaintPhoto, upload, complaint=complaint, uploaded_by=actor)
    record_event(
        complaint,
        actor=actor,
        verb="complaint_filed",
        changes={
            "status": [None, str(complaint.status)],
            "channel": [None, str(channel)],
            "responsible": [None, str(responsible) if responsible else None],
        },
    )
    recipients = [responsible] if responsible else staff_of(estate.pk, Role.CUSTOMER_SERVICE)
    tell_staff(
        recipients,
        complaint,
        texts.gettext("New %(kind)s %(number)s: %(category)s",
                      kind=texts.choice(Kind, data.kind),
                      category=texts.choice(Category, data.category)),
        data.description[:200],
    )  # fmt: skip
    return complaint


def complaint_file_by_staff(*, actor, estate, data: ComplaintData, channel, responsible,
                            complainant=None, photos=()):  # fmt: skip
    """Customer service records a call, a visit, an e-mail or a WeChat message."""
    require(actor, P.FILE, estate)
    if channel == Channel.PORTAL:
        raise ValidationError({"channel": _("Owners file portal complaints themselves.")})
    check_responsible(estate, responsible)
    with transaction.atomic():
        return _create(
            estate=estate,
            data=data,
            channel=channel,
            actor=actor,
            complainant=complainant,
            responsible=responsible,
            photos=photos,
        )


def complaint_file_by_owner(*, actor, data: ComplaintData, photos=()):
    """An owner files in the portal, about one of the units they live in."""
    person = person_for(actor)
    if person is None:
        raise PermissionDenied
    if data.unit is None or not units_for_owner(actor).filter(pk=data.unit.pk).exists():
        raise ValidationError({"unit": _("Choose one of your units.")})
    estate = data.unit.estate
    data.contact_name = data.contact_name or person.name
    data.contact_phone = data.contact_phone or person.mobile
    with transaction.atomic():
        return _create(
            estate=estate,
            data=data,
            channel=Channel.PORTAL,
            actor=actor,
            complainant=person,
            responsible=default_responsible(estate),
            photos=photos,
        )


def qualifies_as_complaint(ticket) -> bool:
    """Rated low at its follow-up (or by the owner), or urged repeatedly."""
    low = ticket.rating is not None and ticket.rating <= LOW_RATING
    low = low or ticket.follow_ups.filter(rating__lte=LOW_RATING).exists()
    return low or ticket.urge_count >= MANY_URGES


def complaint_from_ticket(*, ticket_id, actor):
    """One step: a complaint about a repair that went badly, linked to its ticket (once)."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.for_user(actor)
            .select_for_update(of=("self",))
            .select_related("estate", "unit__building", "reporter")
            .get(pk=ticket_id)
        )
        require(actor, P.HANDLE, ticket.estate)
        require(actor, MP.VIEW, ticket.estate)
        existing = Complaint.objects.filter(ticket=ticket, channel=Channel.REPAIR).first()
        if existing is not None:
            raise DomainError(
                _("Repair %(ticket)s is already complaint %(number)s.")
                % {"ticket": ticket.number, "number": existing.number}
            )
        if not qualifies_as_complaint(ticket):
            raise DomainError(_("This repair was neither rated low nor urged repeatedly."))
        rating = (
            ticket.rating
            or ticket.follow_ups.order_by("rating").values_list("rating", flat=True).first()
        )
        summary = _("Repair %(ticket)s: rated %(rating)s, urged %(urges)d times.") % {
            "ticket": ticket.number,
            "rating": rating or "—",
            "urges": ticket.urge_count,
        }
        reporter = ticket.reporter
        data = ComplaintData(
            category=Category.REPAIRS,
            description=f"{summary}\n{ticket.rating_comment or ticket.description}".strip(),
            unit=ticket.unit,
            building=ticket.building,
            contact_name=ticket.contact_name or (reporter.name if reporter else ""),
            contact_phone=ticket.contact_phone or (reporter.mobile if reporter else ""),
        )
        return _create(
            estate=ticket.estate,
            data=data,
            channel=Channel.REPAIR,
            actor=actor,
            complainant=reporter,
            responsible=actor if has_perm(actor, P.HANDLE, ticket.estate) else None,
            photos=(),
            ticket=ticket,
        )


def complaint_from_follow_up(*, follow_up_id, actor, kind, category):
    """A comment or suggestion given at a repair's follow-up, classified: it lands in the
    same list as every other complaint, suggestion and praise (once per follow-up)."""
    from maintenance.models import FollowUp

    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("ticket__estate", "ticket__unit__building", "ticket__reporter")
            .get(pk=follow_up_id, ticket__in=Ticket.objects.for_user(actor))
        )
        ticket = follow_up.ticket
        require(actor, P.HANDLE, ticket.estate)
        if kind not in Kind.values or category not in Category.values:
            raise ValidationError(_("Choose the kind and the category."))
        if Complaint.objects.filter(follow_up=follow_up).exists():
            raise DomainError(_("This follow-up comment is classified already."))
        if not follow_up.comment.strip():
            raise DomainError(_("This follow-up has no comment."))
        reporter = ticket.reporter
        data = ComplaintData(
            kind=kind,
            category=category,
            description=follow_up.comment.strip(),
            unit=ticket.unit,
            building=ticket.building,
            contact_name=ticket.contact_name or (reporter.name if reporter else ""),
            contact_phone=ticket.contact_phone or (reporter.mobile if reporter else ""),
        )
        complaint = _create(
            estate=ticket.estate,
            data=data,
            channel=Channel.FOLLOW_UP,
            actor=actor,
            complainant=reporter,
            responsible=actor,
            photos=(),
            ticket=ticket,
        )
        complaint.follow_up = follow_up
        complaint.save(update_fields=["follow_up"])
    return complaint
