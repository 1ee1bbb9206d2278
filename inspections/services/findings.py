"""Abnormal findings close the loop: an abnormal answer opens a finding and a repair ticket
(through maintenance.services, linking back to the round); the finding closes only when the
same item passes on a later round."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import record_event
from maintenance import services as repairs
from maintenance.choices import Category, category_for_equipment

from ..choices import FindingStatus
from ..models import Finding


def _report(checkpoint, answer):
    item = answer.item
    value = answer.value or _("abnormal")
    if item.unit and answer.number is not None:
        value = f"{value} {item.unit}"
    text = _("Inspection finding at %(checkpoint)s: %(item)s = %(value)s") % {
        "checkpoint": checkpoint.name,
        "item": item.label,
        "value": value,
    }
    if item.range_text:
        text += " (" + _("allowed %(range)s") % {"range": item.range_text} + ")"
    equipment = checkpoint.equipment
    category = category_for_equipment(equipment.category) if equipment else Category.PUBLIC_FACILITY
    return repairs.ReportData(
        category=category,
        description=text,
        equipment=equipment,
        building=equipment.building if equipment else None,
        location=(checkpoint.place or checkpoint.name)[:200],
    )


def _open(answer, round_, actor):
    checkpoint = answer.checkpoint
    # Stored on the ticket as text: written in the estate's language (the company's default).
    with translation.override(settings.LANGUAGE_CODE):
        data = _report(checkpoint, answer)
        label = _("Inspection round %(plan)s, %(time)s") % {
            "plan": round_.plan.name,
            "time": f"{timezone.localtime(round_.window_start):%Y-%m-%d %H:%M}",
        }
    ticket = repairs.ticket_open_from(
        estate=round_.estate,
        data=data,
        source_label=label[:200],
        source_url=round_.get_absolute_url(),
        actor=actor,
    )
    finding = Finding.objects.create(
        estate=round_.estate,
        checkpoint=checkpoint,
        item=answer.item,
        opened_by=answer,
        ticket=ticket,
    )
    record_event(
        finding, actor=actor, verb="finding_opened", changes={"ticket": [None, ticket.number]}
    )
    record_event(
        round_, actor=actor, verb="finding_opened", changes={"ticket": [None, ticket.number]}
    )
    return finding


def finding_for_answer(*, answer, round_, actor):
    """Open a finding (and its ticket) for an abnormal answer, unless the item has one open
    already; close the open finding of an item that passes. Returns the finding touched."""
    open_finding = (
        Finding.objects.select_for_update()
        .filter(item=answer.item, status=FindingStatus.OPEN)
        .first()
    )
    if answer.abnormal:
        if open_finding is not None:
            return open_finding  # still abnormal: its ticket is already on the board
        return _open(answer, round_, actor)
    if open_finding is None:
        return None
    open_finding.status = FindingStatus.CLOSED
    open_finding.closed_by = answer
    open_finding.closed_at = timezone.now()
    open_finding.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
    record_event(
        open_finding,
        actor=actor,
        verb="finding_closed",
        changes={"status": [FindingStatus.OPEN.value, FindingStatus.CLOSED.value]},
    )
    return open_finding
