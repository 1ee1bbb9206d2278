"""The audit trail: every state change and every change to people, units and memberships."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields) -> dict:
    """Values of `fields` of `obj`, for diffing before/after an edit. A choice is kept as
    its value: the timeline shows its label in the reader's language (changes_shown)."""
    values = {}
    mask = getattr(obj, "audit_mask", None)  # models hide sensitive values (ID numbers) here
    for name in fields:
        value = getattr(obj, name)
        if mask is not None:
            value = mask(name, value)
        values[name] = _plain(value)
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record_event(obj, *, actor, verb: str, changes: dict | None = None, note=""):
    """`note`: text typed by a user, or a Message (core.texts) shown in the reader's
    language; never a label translated now."""
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        changes=changes or {},
        note=note,
    )


def record_events_bulk(objs, *, actor, verb: str, note=""):
    """One event per object, in one INSERT: bulk imports must not bypass the trail."""
    events = []
    for obj in objs:
        events.append(
            AuditEvent(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                actor=actor if actor is not None and actor.is_authenticated else None,
                verb=verb,
                changes={},
                note=note,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=1000)


VERB_LABELS = {  # the generic verbs
    "created": _("Created"),
    "updated": _("Updated"),
    "imported": _("Imported"),
    "ended": _("Ended"),
    "admin_created": _("Created in the admin"),
    "admin_changed": _("Changed in the admin"),
    "admin_password_set": _("Password set in the admin"),
}
# Each app adds the verbs it writes (from its AppConfig.ready): core knows no domain.


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


def timeline_for(obj, limit: int = 200, verbs=None):
    """The newest `limit` events of `obj` (only those of `verbs`, if given)."""
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    if verbs is not None:
        events = events.filter(verb__in=verbs)
    return events.select_related("actor").order_by("-created_at", "-id")[:limit]
