"""The technician's steps: accept, arrive, start, pause (the clock stops while waiting for
the owner) and resume, complete with materials, labour, photos and the owner's signature."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.money import money, money_sum

from .. import sla
from ..attachments import store_photos
from ..choices import PauseReason, PhotoKind
from ..choices import Status as S
from ..deadlines import DUE_FIELDS
from ..models import Ticket, TicketMaterial
from ..transitions import STAFF_ACTIONS
from .base import _locked, _save, _status_change
from .notices import _tell_owner


def ticket_accept(*, ticket_id, actor, version=None):
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["accept"], version=version)
        changes = _status_change(t, S.ACCEPTED)
        t.accepted_at = timezone.now()
        _save(t, actor, "ticket_accepted", ["status", "accepted_at"], changes=changes)
    return t


def ticket_arrive(*, ticket_id, actor, version=None):
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["arrive"], version=version)
        changes = _status_change(t, S.ON_SITE)
        # The first arrival met the on-site deadline; a technician taking over later
        # arrives again (on the timeline) without moving it.
        t.arrived_at = t.arrived_at or timezone.now()
        _save(t, actor, "ticket_arrived", ["status", "arrived_at"], changes=changes)
    return t


def ticket_start_repair(*, ticket_id, actor, version=None):
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["start"], version=version)
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
        t = _locked(ticket_id, actor, STAFF_ACTIONS["pause"], version=version)
        t.paused_from = t.status
        changes = _status_change(t, S.PAUSED)
        t.pause_reason, t.paused_since = reason, timezone.now()
        _save(
            t,
            actor,
            "ticket_paused",
            ["status", "pause_reason", "paused_since", "paused_from"],
            changes=changes,
            # The reason's label in the reader's language, then what the technician typed.
            note=texts.compose(
                "%(reason)s %(note)s" if note else "%(reason)s",
                reason=texts.choice(PauseReason, reason),
                note=note,
            ),
        )
        if reason == PauseReason.OWNER:
            _tell_owner(t, texts.gettext("Repair %(number)s waits for you"), note)
    return t


def _end_pause(t) -> list[str]:
    """Stop a pause; time spent waiting for the owner moves the unmet deadlines back.
    Returns the fields it changed."""
    fields = ["pause_reason", "paused_since", "paused_from"]
    if t.pause_reason == PauseReason.OWNER and t.paused_since is not None:
        waited = int((timezone.now() - t.paused_since).total_seconds())
        t.paused_seconds += waited
        sla.push_back_unmet(t, waited)
        fields += ["paused_seconds", *DUE_FIELDS]
    t.pause_reason, t.paused_since, t.paused_from = "", None, ""
    return fields


def ticket_resume(*, ticket_id, actor, version=None):
    """Back to the step the pause interrupted."""
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["resume"], version=version)
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
        t = _locked(ticket_id, actor, STAFF_ACTIONS["complete"], version=version)
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
        store_photos(ticket=t, kind=PhotoKind.AFTER, uploads=after_photos, uploaded_by=actor)
        if signature is not None:
            store_photos(ticket=t, kind=PhotoKind.SIGNATURE, uploads=[signature], uploaded_by=actor)
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
            t, texts.gettext("Repair %(number)s is done: please check and rate it"), work_done[:200]
        )
    return t
