"""Every repair-ticket transition. One transition = one call that locks the ticket, checks
the actor and the state (and the version the actor saw), saves, records the timeline event
and schedules notifications after commit."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import DomainError, TransitionError
from core.money import money, money_sum
from core.notifications import notify
from estates.choices import OccupancyRole, Role
from estates.models import Estate, Occupancy, StaffMembership, Unit
from estates.owners import person_for
from estates.permissions import has_perm, require

from . import permissions as P
from . import sla
from .choices import OPEN_STATUSES, Channel, FollowUpMethod, PauseReason, PhotoKind, Priority
from .choices import Status as S
from .models import FollowUp, Ticket, TicketMaterial, TicketPhoto, TicketReminder
from .sweep import DEADLINES

# The working steps: a job can be paused from them, and change hands at them.
PAUSABLE = [S.ACCEPTED, S.ON_SITE, S.IN_REPAIR]
REASSIGNABLE = [S.DISPATCHED, *PAUSABLE, S.PAUSED]


def urge_interval(estate) -> timedelta:
    """How long an owner of `estate` waits between two urges of one ticket."""
    return timedelta(minutes=estate.urge_interval_minutes)


# --- Who is told --------------------------------------------------------------------------


def _staff(estate, *roles, on_duty=None):
    memberships = StaffMembership.objects.active().filter(estate=estate, role__in=roles)
    if on_duty is not None:
        memberships = memberships.filter(on_duty=on_duty)
    return [m.user for m in memberships.select_related("user")]


def _owner_users(ticket) -> list:
    """Who hears about a ticket in the portal: whoever reported it, and the unit's current
    owners with a portal account (customer service may have recorded a tenant's call, or a
    call without the caller's mobile)."""
    users = []
    if ticket.reporter_id and ticket.reporter.user_id:
        users.append(ticket.reporter.user)
    if ticket.unit_id:
        owners = (
            Occupancy.objects.current()
            .filter(unit_id=ticket.unit_id, role=OccupancyRole.OWNER, person__user__isnull=False)
            .select_related("person__user")
            .order_by("pk")
        )
        users += [o.person.user for o in owners]
    return users


def _tell(users, ticket, title, body="", url=None):
    """Notify `users` (None and duplicates skipped) about `ticket`, after commit; the link
    goes to the staff ticket page unless `url` says otherwise."""
    seen, recipients = set(), []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            recipients.append(user)
    if not recipients:
        return
    number = ticket.number
    notify(
        recipients=recipients,
        title=lambda: title() % {"number": number},
        body=body,
        url=url or ticket.get_absolute_url(),
    )


def _tell_owner(ticket, title, body=""):
    """Owners read tickets in the portal; their link goes there."""
    portal = reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk})
    _tell(_owner_users(ticket), ticket, title, body, url=portal)


# --- Reporting ------------------------------------------------------------------------------


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
        for upload in photos:
            TicketPhoto.objects.create(
                ticket=ticket, kind=PhotoKind.REPORT, image=upload, uploaded_by=ticket.created_by
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
                lambda: _("Emergency repair %(number)s"),
                ticket.description[:200],
            )
        else:
            _tell(
                _staff(estate, Role.CUSTOMER_SERVICE),
                ticket,
                lambda: _("New repair request %(number)s"),
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


# --- Transitions ---------------------------------------------------------------------------


def _locked(ticket_id, actor, *, version, allowed, perm=None, owner=False):
    """Lock the ticket in the actor's scope and check it may move now."""
    base = Ticket.objects.for_owner(actor) if owner else Ticket.objects.for_user(actor)
    ticket = base.select_for_update().select_related("estate").get(pk=ticket_id)
    if perm is not None:
        require(actor, perm, ticket.estate)
    if version is not None and ticket.version != version:
        raise TransitionError(
            _(
                "Someone else changed this ticket a moment ago; nothing was "
                "done. Please look at it again."
            )
        )
    if ticket.status not in allowed:
        raise TransitionError(
            _("A ticket that is “%(status)s” can't do that.")
            % {"status": ticket.get_status_display()}
        )
    return ticket


def _save(ticket, actor, verb, fields, *, changes=None, note=""):
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    record_event(ticket, actor=actor, verb=verb, changes=changes or {}, note=note)


def _status_change(ticket, new):
    """Stored as values (not labels): each reader sees them in their own language."""
    old = ticket.status
    ticket.status = new
    return {"status": [str(old), str(new)]}


def _unmark_moved_deadlines(t) -> list[str]:
    """A deadline the sweep marked overdue that now lies ahead (a lower priority was
    registered) is not overdue any more: its flag goes and so do its reminders, so that
    the sweep warns and escalates against the new time. Returns the fields changed."""
    now, fields = timezone.now(), []
    for deadline, (due, _met, flag) in DEADLINES.items():
        if getattr(t, flag) and getattr(t, due) > now:
            setattr(t, flag, False)
            fields.append(flag)
            TicketReminder.objects.filter(ticket=t, deadline=deadline).delete()
    return fields


def ticket_register(*, ticket_id, actor, version=None, priority=None, category=None, note=""):
    with transaction.atomic():
        t = _locked(ticket_id, actor, version=version, allowed=[S.REPORTED], perm=P.REGISTER)
        changes = _status_change(t, S.REGISTERED)
        fields = ["status", "registered_at"]
        if priority and priority != t.priority:
            changes["priority"] = [t.priority, priority]
            t.priority = priority
            fields.append("priority")
        if category and category != t.category:
            changes["category"] = [t.category, category]
            t.category = category
            fields.append("category")
        if "priority" in changes or "category" in changes:
            sla.set_initial_deadlines(t)
            fields += ["response_due", "onsite_due", "completion_due"]
            fields += _unmark_moved_deadlines(t)
        if "category" in changes:  # the likely duplicate is one of the same kind
            t.duplicate_of = possible_duplicate(t)
            fields.append("duplicate_of")
        t.registered_at = timezone.now()
        _save(t, actor, "ticket_registered", fields, changes=changes, note=note)
    return t


def ticket_reject(*, ticket_id, actor, reason, version=None):
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is rejected.")})
    with transaction.atomic():
        t = _locked(ticket_id, actor, version=version, allowed=[S.REPORTED], perm=P.REGISTER)
        changes = _status_change(t, S.REJECTED)
        t.reject_reason, t.closed_at = reason, timezone.now()
        _save(
            t,
            actor,
            "ticket_rejected",
            ["status", "reject_reason", "closed_at"],
            changes=changes,
            note=reason,
        )
        _tell_owner(t, lambda: _("Your repair request %(number)s was not accepted"), reason)
    return t


def ticket_cancel(*, ticket_id, actor, reason="", version=None):
    """The owner (or customer service for them) cancels before a technician is sent."""
    owner = not has_perm(actor, P.REGISTER, _estate_of(ticket_id))
    with transaction.atomic():
        t = _locked(
            ticket_id,
            actor,
            version=version,
            allowed=[S.REPORTED, S.REGISTERED],
            perm=None if owner else P.REGISTER,
            owner=owner,
        )
        changes = _status_change(t, S.CANCELLED)
        t.closed_at = timezone.now()
        _save(t, actor, "ticket_cancelled", ["status", "closed_at"], changes=changes, note=reason)
        if not owner:
            _tell_owner(t, lambda: _("Your repair request %(number)s was cancelled"), reason)
    return t


def _estate_of(ticket_id):
    """The ticket's estate, enough for a permission check (has_perm reads only its pk)."""
    return Estate(
        pk=Ticket.objects.filter(pk=ticket_id).values_list("estate_id", flat=True).first()
    )


def technicians_of(estate):
    return StaffMembership.objects.active().filter(estate=estate, role=Role.TECHNICIAN)


def ticket_dispatch(*, ticket_id, actor, technician, reason="", version=None):
    """Send a technician; sending another one later needs a reason, which is kept. A job
    can change hands at any working step (the technician fell ill, the fault needs another
    trade): it goes back to "dispatched" for the new one; a pause ends."""
    with transaction.atomic():
        t = _locked(
            ticket_id,
            actor,
            version=version,
            allowed=[S.REGISTERED, *REASSIGNABLE],
            perm=P.DISPATCH,
        )
        if not technicians_of(t.estate).filter(user=technician).exists():
            raise DomainError(
                _("%(name)s is not a technician of this estate.") % {"name": technician}
            )
        reassign = t.technician_id is not None
        if reassign and t.technician_id == technician.pk:
            raise DomainError(_("The ticket is already with %(name)s.") % {"name": technician})
        if reassign and not reason.strip():
            raise ValidationError({"reason": _("Say why the ticket goes to someone else.")})
        previous = t.technician
        fields = ["status", "technician", "dispatched_at", "accepted_at"]
        if t.status == S.PAUSED:
            fields += _end_pause(t)
        changes = _status_change(t, S.DISPATCHED)
        changes["technician"] = [str(previous) if previous else None, str(technician)]
        t.technician, t.dispatched_at, t.accepted_at = technician, timezone.now(), None
        _save(
            t,
            actor,
            "ticket_reassigned" if reassign else "ticket_dispatched",
            fields,
            changes=changes,
            note=reason,
        )
        _tell([technician], t, lambda: _("New job %(number)s"), t.description[:200])
        if previous is not None:
            _tell([previous], t, lambda: _("Job %(number)s was given to someone else"), reason)
            _tell_owner(t, lambda: _("Another technician takes over %(number)s"), str(technician))
        else:
            _tell_owner(t, lambda: _("A technician is on the way for %(number)s"), str(technician))
    return t


def _technician_step(ticket_id, actor, version, allowed):
    t = _locked(ticket_id, actor, version=version, allowed=allowed, perm=P.WORK)
    if t.technician_id != actor.pk and not has_perm(actor, P.DISPATCH, t.estate):
        raise PermissionDenied  # only the assigned technician (or a dispatcher for them)
    return t


def ticket_accept(*, ticket_id, actor, version=None):
    with transaction.atomic():
        t = _technician_step(ticket_id, actor, version, [S.DISPATCHED])
        changes = _status_change(t, S.ACCEPTED)
        t.accepted_at = timezone.now()
        _save(t, actor, "ticket_accepted", ["status", "accepted_at"], changes=changes)
    return t


def ticket_arrive(*, ticket_id, actor, version=None):
    with transaction.atomic():
        t = _technician_step(ticket_id, actor, version, [S.ACCEPTED])
        changes = _status_change(t, S.ON_SITE)
        # The first arrival met the on-site deadline; a technician taking over later
        # arrives again (on the timeline) without moving it.
        t.arrived_at = t.arrived_at or timezone.now()
        _save(t, actor, "ticket_arrived", ["status", "arrived_at"], changes=changes)
    return t


def ticket_start_repair(*, ticket_id, actor, version=None):
    with transaction.atomic():
        t = _technician_step(ticket_id, actor, version, [S.ON_SITE])
        changes = _status_change(t, S.IN_REPAIR)
        _save(t, actor, "ticket_repair_started", ["status"], changes=changes)
    return t


def ticket_pause(*, ticket_id, actor, reason: str, note="", version=None):
    """Waiting for parts or for the owner, from any working step: the owner is not home
    when the technician comes, or the repair needs a part. The clock stops only while
    waiting for the owner."""
    if reason not in PauseReason.values:
        raise ValidationError({"reason": _("Choose why the repair waits.")})
    with transaction.atomic():
        t = _technician_step(ticket_id, actor, version, PAUSABLE)
        t.paused_from = t.status
        changes = _status_change(t, S.PAUSED)
        t.pause_reason, t.paused_since = reason, timezone.now()
        _save(
            t,
            actor,
            "ticket_paused",
            ["status", "pause_reason", "paused_since", "paused_from"],
            changes=changes,
            note=f"{t.get_pause_reason_display()} {note}".strip(),
        )
        if reason == PauseReason.OWNER:
            _tell_owner(t, lambda: _("Repair %(number)s waits for you"), note)
    return t


def _end_pause(t) -> list[str]:
    """Stop a pause; time spent waiting for the owner moves the unmet deadlines back.
    Returns the fields it changed."""
    fields = ["pause_reason", "paused_since", "paused_from"]
    if t.pause_reason == PauseReason.OWNER and t.paused_since is not None:
        waited = int((timezone.now() - t.paused_since).total_seconds())
        t.paused_seconds += waited
        sla.push_back_unmet(t, waited)
        fields += ["paused_seconds", "response_due", "onsite_due", "completion_due"]
    t.pause_reason, t.paused_since, t.paused_from = "", None, ""
    return fields


def ticket_resume(*, ticket_id, actor, version=None):
    """Back to the step the pause interrupted."""
    with transaction.atomic():
        t = _technician_step(ticket_id, actor, version, [S.PAUSED])
        back = t.paused_from or S.IN_REPAIR
        fields = ["status", *_end_pause(t)]
        changes = _status_change(t, back)
        _save(t, actor, "ticket_resumed", fields, changes=changes)
    return t


@dataclass
class MaterialLine:
    name: str
    quantity: Decimal
    unit_price: Decimal


def ticket_complete(
    *,
    ticket_id,
    actor,
    work_done: str,
    materials=(),
    labour_hours=Decimal("0"),
    labour_amount=Decimal("0"),
    chargeable=False,
    after_photos=(),
    signature=None,
    version=None,
):
    if not work_done.strip():
        raise ValidationError({"work_done": _("Describe the work done.")})
    if not after_photos:
        raise ValidationError({"after_photos": _("Add at least one photo of the finished work.")})
    for name, value in (("labour_hours", labour_hours), ("labour_amount", labour_amount)):
        try:  # not negative (the field's own validators; a total could still hide it)
            Ticket._meta.get_field(name).run_validators(Decimal(value))
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
    with transaction.atomic():
        t = _technician_step(ticket_id, actor, version, [S.IN_REPAIR])
        # The line is priced from the unit price as stored (whole cents), so that what the
        # owner reads on the work order adds up: 3 × ¥12.35 = ¥37.05.
        lines = [
            TicketMaterial(
                ticket=t,
                name=m.name,
                quantity=Decimal(m.quantity),
                unit_price=money(m.unit_price),
                amount=money(Decimal(m.quantity) * money(m.unit_price)),
            )
            for m in materials
        ]
        for line in lines:
            line.full_clean(exclude=["ticket"])
        TicketMaterial.objects.filter(ticket=t).delete()
        TicketMaterial.objects.bulk_create(lines)
        t.work_done, t.labour_hours = work_done, Decimal(labour_hours)
        t.labour_amount = money(labour_amount)
        t.chargeable = chargeable
        t.amount = money_sum([line.amount for line in lines] + [t.labour_amount])
        changes = _status_change(t, S.COMPLETED)
        changes["amount"] = [None, str(t.amount)]
        t.completed_at = timezone.now()
        for upload in after_photos:
            TicketPhoto.objects.create(
                ticket=t, kind=PhotoKind.AFTER, image=upload, uploaded_by=actor
            )
        if signature is not None:
            TicketPhoto.objects.create(
                ticket=t, kind=PhotoKind.SIGNATURE, image=signature, uploaded_by=actor
            )
        _save(
            t,
            actor,
            "ticket_completed",
            [
                "status",
                "completed_at",
                "work_done",
                "labour_hours",
                "labour_amount",
                "chargeable",
                "amount",
            ],
            changes=changes,
            note=work_done[:200],
        )
        _tell_owner(
            t, lambda: _("Repair %(number)s is done: please check and rate it"), work_done[:200]
        )
    return t


def ticket_verify(*, ticket_id, actor, passed: bool, reason="", version=None):
    """Staff (or the owner, in the portal) check the work. A failed check sends the
    ticket back to the technician with the reason."""
    as_owner = not has_perm(actor, P.VERIFY, _estate_of(ticket_id))
    if not passed and not reason.strip():
        raise ValidationError({"reason": _("Say what is still wrong.")})
    with transaction.atomic():
        t = _locked(
            ticket_id,
            actor,
            version=version,
            allowed=[S.COMPLETED],
            perm=None if as_owner else P.VERIFY,
            owner=as_owner,
        )
        if passed:
            changes = _status_change(t, S.VERIFIED)
            t.verified_at = timezone.now()
            _save(
                t, actor, "ticket_verified", ["status", "verified_at"], changes=changes, note=reason
            )
            if not as_owner:
                _tell_owner(t, lambda: _("Repair %(number)s was checked: how did we do?"))
        else:
            changes = _status_change(t, S.DISPATCHED)
            t.completed_at, t.accepted_at = None, None
            _save(
                t,
                actor,
                "ticket_reopened",
                ["status", "completed_at", "accepted_at"],
                changes=changes,
                note=reason,
            )
            _tell([t.technician], t, lambda: _("Job %(number)s reopened"), reason)
    return t


def ticket_follow_up(*, ticket_id, actor, method, rating: int, comment="", version=None):
    """回访 by phone or visit, with the owner's rating."""
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("A rating is 1 to 5.")})
    with transaction.atomic():
        t = _locked(ticket_id, actor, version=version, allowed=[S.VERIFIED], perm=P.FOLLOW_UP)
        FollowUp.objects.create(ticket=t, method=method, rating=rating, comment=comment, by=actor)
        changes = _status_change(t, S.FOLLOWED_UP)
        changes["rating"] = [t.rating, rating]
        t.rating, t.rating_comment, t.followed_up_at = rating, comment, timezone.now()
        _save(
            t,
            actor,
            "ticket_followed_up",
            ["status", "rating", "rating_comment", "followed_up_at"],
            changes=changes,
            note=comment,
        )
    return t


def ticket_rate(*, ticket_id, actor, rating: int, comment="", version=None):
    """The owner rates in the portal: that verifies the work and is the follow-up."""
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("A rating is 1 to 5.")})
    with transaction.atomic():
        t = _locked(
            ticket_id, actor, version=version, allowed=[S.COMPLETED, S.VERIFIED], owner=True
        )
        now = timezone.now()
        FollowUp.objects.create(
            ticket=t, method=FollowUpMethod.PORTAL, rating=rating, comment=comment, by=actor
        )
        changes = _status_change(t, S.FOLLOWED_UP)
        changes["rating"] = [t.rating, rating]
        t.verified_at = t.verified_at or now
        t.rating, t.rating_comment, t.followed_up_at = rating, comment, now
        _save(
            t,
            actor,
            "ticket_rated",
            ["status", "verified_at", "rating", "rating_comment", "followed_up_at"],
            changes=changes,
            note=comment,
        )
        if rating <= 2:
            _tell(
                _staff(t.estate, Role.MANAGER, Role.CUSTOMER_SERVICE),
                t,
                lambda: _("Low rating for %(number)s"),
                comment,
            )
    return t


def ticket_close(*, ticket_id, actor, version=None, note=""):
    with transaction.atomic():
        t = _locked(ticket_id, actor, version=version, allowed=[S.FOLLOWED_UP], perm=P.FOLLOW_UP)
        changes = _status_change(t, S.CLOSED)
        t.closed_at = timezone.now()
        _save(t, actor, "ticket_closed", ["status", "closed_at"], changes=changes, note=note)
    return t


def ticket_urge(*, ticket_id, actor):
    """催单: the owner asks again; at most once per the estate's urge interval."""
    with transaction.atomic():
        t = _locked(ticket_id, actor, version=None, allowed=OPEN_STATUSES, owner=True)
        now = timezone.now()
        interval = urge_interval(t.estate)
        if t.last_urged_at and now - t.last_urged_at < interval:
            wait = int((interval - (now - t.last_urged_at)).total_seconds() // 60) + 1
            raise DomainError(
                _("You urged this ticket recently; you can urge again in %(minutes)d minutes.")
                % {"minutes": wait}
            )
        t.last_urged_at, t.urge_count = now, t.urge_count + 1
        t.save(update_fields=["last_urged_at", "urge_count", "updated_at"])
        record_event(t, actor=actor, verb="ticket_urged")
        _tell(
            [t.technician, *_staff(t.estate, Role.CUSTOMER_SERVICE)],
            t,
            lambda: _("The owner urges %(number)s"),
            t.description[:200],
        )
    return t
