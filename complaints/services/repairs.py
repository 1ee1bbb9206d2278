"""A complaint that needs a repair opens a ticket through maintenance.services; the
complaint then shows the ticket's progress."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from estates.permissions import require
from maintenance import permissions as MP
from maintenance import services as repair_services
from maintenance.choices import Category as RepairCategory

from .base import locked, save


def complaint_open_ticket(*, complaint_id, actor, category, description, version=None):
    if category not in RepairCategory.values:
        raise ValidationError({"category": _("Choose the kind of repair.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe what needs repairing.")})
    with transaction.atomic():
        c = locked(complaint_id, actor, "repair", version=version)
        require(actor, MP.CREATE, c.estate)
        if c.ticket_id is not None and c.ticket.is_open:
            raise ValidationError(
                _("Repair ticket %(number)s is still open for this complaint.")
                % {"number": c.ticket.number}
            )
        data = repair_services.ReportData(
            category=category,
            description=description.strip(),
            unit=c.unit,
            building=c.building,
            location="" if (c.unit_id or c.building_id) else c.number,
            contact_name=c.contact_name,
            contact_phone=c.contact_phone,
        )
        ticket = repair_services.ticket_open_from(
            estate=c.estate,
            data=data,
            source_label=_("Complaint %(number)s") % {"number": c.number},
            source_url=reverse("complaints:complaint_detail", kwargs={"complaint_pk": c.pk}),
            actor=actor,
        )
        changes = {"ticket": [None, ticket.number]}
        c.ticket = ticket
        save(c, actor, "complaint_ticket_opened", ["ticket"], changes=changes)
    return c
