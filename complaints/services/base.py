"""What every complaint transition shares: lock the complaint in the actor's scope, check
the transition table, save with the version bumped and the timeline event recorded."""

from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import TransitionError

from ..models import Complaint
from ..transitions import OWNER, OWNER_ACTIONS, STAFF, STAFF_ACTIONS, check


def locked(complaint_id, actor, slug, *, who=STAFF, version=None):
    """The complaint, locked (select_for_update), after the table's row for `slug` allowed
    this actor to take it now. Outside the actor's scope: Complaint.DoesNotExist (a 404)."""
    transition = (OWNER_ACTIONS if who == OWNER else STAFF_ACTIONS)[slug]
    base = Complaint.objects.for_owner(actor) if who == OWNER else Complaint.objects.for_user(actor)
    complaint = base.select_for_update().select_related("estate").get(pk=complaint_id)
    if version is not None and complaint.version != version:
        raise TransitionError(
            _(
                "Someone else changed this complaint a moment ago; nothing was done. "
                "Please look at it again."
            )
        )
    check(transition, actor, complaint)
    return complaint


def save(complaint, actor, verb, fields, *, changes=None, note=""):
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    record_event(complaint, actor=actor, verb=verb, changes=changes or {}, note=note)


def status_change(complaint, new) -> dict:
    """Stored as values: each reader sees the labels in their own language."""
    old = complaint.status
    complaint.status = new
    return {"status": [str(old), str(new)]}
