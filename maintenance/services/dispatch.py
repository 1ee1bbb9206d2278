"""Sending a technician, and giving the job to another one (with the reason kept)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.errors import DomainError
from estates.choices import Role
from estates.models import StaffMembership

from ..choices import Status as S
from ..transitions import STAFF_ACTIONS
from .base import _locked, _save, _status_change
from .notices import _tell, _tell_owner
from .work import _end_pause


def technicians_of(estate):
    return StaffMembership.objects.active().filter(estate=estate, role=Role.TECHNICIAN)


def ticket_dispatch(*, ticket_id, actor, technician, reason="", version=None):
    """Send a technician; sending another one later needs a reason, which is kept. A job
    can change hands at any working step (the technician fell ill, the fault needs another
    trade): it goes back to "dispatched" for the new one; a pause ends."""
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["dispatch"], version=version)
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
        _tell([technician], t, texts.gettext("New job %(number)s"), t.description[:200])
        if previous is not None:
            _tell([previous], t, texts.gettext("Job %(number)s was given to someone else"), reason)
            _tell_owner(
                t, texts.gettext("Another technician takes over %(number)s"), str(technician)
            )
        else:
            _tell_owner(
                t, texts.gettext("A technician is on the way for %(number)s"), str(technician)
            )
    return t
