"""The service desk: register a report (priority and category checked, deadlines moved
with them), reject it, or cancel it before a technician is sent."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts

from .. import sla
from ..choices import Status as S
from ..deadlines import DEADLINES, DUE_FIELDS
from ..models import TicketReminder
from ..transitions import OWNER, STAFF_ACTIONS
from .base import _as, _locked, _save, _status_change
from .notices import _tell_owner
from .reporting import possible_duplicate


def _unmark_moved_deadlines(t) -> list[str]:
    """A deadline the sweep marked overdue that now lies ahead (a lower priority was
    registered) is not overdue any more: its flag goes and so do its reminders, so that
    the sweep warns and escalates against the new time. Returns the fields changed."""
    now, fields = timezone.now(), []
    for deadline, deadline_fields in DEADLINES.items():
        flag = deadline_fields.overdue
        if getattr(t, flag) and getattr(t, deadline_fields.due) > now:
            setattr(t, flag, False)
            fields.append(flag)
            TicketReminder.objects.filter(ticket=t, deadline=deadline).delete()
    return fields


def ticket_register(*, ticket_id, actor, version=None, priority=None, category=None, note=""):
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["register"], version=version)
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
            fields += DUE_FIELDS
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
        t = _locked(ticket_id, actor, STAFF_ACTIONS["reject"], version=version)
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
        _tell_owner(t, texts.gettext("Your repair request %(number)s was not accepted"), reason)
    return t


def ticket_cancel(*, ticket_id, actor, reason="", version=None):
    """The owner (or customer service for them) cancels before a technician is sent."""
    transition = _as("cancel", actor, ticket_id)
    owner = transition.who == OWNER
    with transaction.atomic():
        t = _locked(ticket_id, actor, transition, version=version)
        changes = _status_change(t, S.CANCELLED)
        t.closed_at = timezone.now()
        _save(t, actor, "ticket_cancelled", ["status", "closed_at"], changes=changes, note=reason)
        if not owner:
            _tell_owner(t, texts.gettext("Your repair request %(number)s was cancelled"), reason)
    return t
