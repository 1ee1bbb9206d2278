"""The complaint's steps: acknowledge, start, give to someone else, resolve, close
(confirmed and rated), reopen with a reason, withdraw, mark as a typical case."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts

from .. import deadlines
from ..choices import Cause
from ..choices import Status as S
from ..transitions import OWNER, STAFF
from .base import locked, save, status_change
from .intake import check_responsible
from .notices import managers_of, tell_complainant, tell_staff


def _required(field, value, message):
    if not (value or "").strip():
        raise ValidationError({field: message})


def complaint_acknowledge(*, complaint_id, actor, responsible=None, note="", version=None):
    """受理: the responsible person has it (another one may be named now)."""
    with transaction.atomic():
        c = locked(complaint_id, actor, "acknowledge", version=version)
        fields = ["status", "acknowledged_at"]
        changes = status_change(c, S.ACKNOWLEDGED)
        if responsible is not None and responsible.pk != c.responsible_id:
            check_responsible(c.estate, responsible)
            changes["responsible"] = [str(c.responsible) if c.responsible_id else None,
                                      str(responsible)]  # fmt: skip
            c.responsible = responsible
            fields.append("responsible")
        elif c.responsible_id is None:
            c.responsible = actor
            changes["responsible"] = [None, str(actor)]
            fields.append("responsible")
        c.acknowledged_at = timezone.now()
        save(c, actor, "complaint_acknowledged", fields, changes=changes, note=note)
        who = texts.gettext("%(name)s is responsible for it.", name=str(c.responsible))
        tell_complainant(c, texts.gettext("Your %(number)s is being handled"), who)
        if c.responsible_id != actor.pk:
            tell_staff([c.responsible], c, texts.gettext("Complaint %(number)s is yours"), note)
    return c


def complaint_start(*, complaint_id, actor, note="", version=None):
    with transaction.atomic():
        c = locked(complaint_id, actor, "start", version=version)
        changes = status_change(c, S.IN_PROGRESS)
        save(c, actor, "complaint_started", ["status"], changes=changes, note=note)
    return c


def complaint_assign(*, complaint_id, actor, responsible, reason="", version=None):
    with transaction.atomic():
        c = locked(complaint_id, actor, "assign", version=version)
        check_responsible(c.estate, responsible)
        if responsible.pk == c.responsible_id:
            raise ValidationError({"responsible": _("It is already theirs.")})
        _required("reason", reason, _("Say why someone else takes it over."))
        changes = {"responsible": [str(c.responsible) if c.responsible_id else None,
                                   str(responsible)]}  # fmt: skip
        c.responsible = responsible
        save(c, actor, "complaint_assigned", ["responsible"], changes=changes, note=reason)
        tell_staff([responsible], c, texts.gettext("Complaint %(number)s is yours"), reason)
    return c


def complaint_resolve(*, complaint_id, actor, resolution, cause, version=None):
    """What was done, and why it happened; the complainant is asked to confirm and rate."""
    _required("resolution", resolution, _("Say what was done."))
    if cause not in Cause.values:
        raise ValidationError({"cause": _("Choose the cause.")})
    with transaction.atomic():
        c = locked(complaint_id, actor, "resolve", version=version)
        now = timezone.now()
        changes = status_change(c, S.RESOLVED)
        changes["cause"] = [c.cause or None, cause]
        c.resolution, c.cause, c.resolved_at = resolution.strip(), cause, now
        if c.acknowledged_at is None:
            c.acknowledged_at = now
        fields = ["status", "resolution", "cause", "resolved_at", "acknowledged_at"]
        save(c, actor, "complaint_resolved", fields, changes=changes, note=resolution.strip())
        tell_complainant(c, texts.gettext("%(number)s is resolved: please confirm and rate it"),
                         resolution.strip()[:300])  # fmt: skip
    return c


def _close(c, actor, verb, *, rating, comment, fields=()):
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("A rating from 1 to 5.")})
    changes = status_change(c, S.CLOSED)
    if rating is not None:
        changes["rating"] = [c.rating, int(rating)]
    c.rating, c.rating_comment, c.closed_at = rating, comment.strip(), timezone.now()
    fields = ["status", "rating", "rating_comment", "closed_at", *fields]
    save(c, actor, verb, fields, changes=changes, note=comment.strip())


def complaint_confirm(*, complaint_id, actor, rating, comment="", version=None):
    """The complainant confirms the resolution in the portal and rates it."""
    if rating is None:
        raise ValidationError({"rating": _("A rating from 1 to 5.")})
    with transaction.atomic():
        c = locked(complaint_id, actor, "confirm", who=OWNER, version=version)
        _close(c, actor, "complaint_confirmed", rating=rating, comment=comment)
        if int(rating) <= 2:
            tell_staff([c.responsible, *managers_of(c.estate_id)], c,
                       texts.gettext("%(number)s closed with a low rating"), comment)  # fmt: skip
    return c


def complaint_close(*, complaint_id, actor, cause, rating=None, comment="", version=None):
    """Staff close it once the complainant confirmed (by phone, in person): the cause, and
    the rating they gave if they gave one."""
    if cause not in Cause.values:
        raise ValidationError({"cause": _("Choose the cause.")})
    with transaction.atomic():
        c = locked(complaint_id, actor, "close", version=version)
        c.cause = cause
        _close(c, actor, "complaint_closed", rating=rating, comment=comment, fields=["cause"])
        tell_complainant(c, texts.gettext("%(number)s is closed"))
    return c


def complaint_reopen(*, complaint_id, actor, reason, who=STAFF, version=None):
    """Not resolved after all: back to work with a new resolve deadline from now."""
    _required("reason", reason, _("Say why it is not resolved."))
    with transaction.atomic():
        c = locked(complaint_id, actor, "reopen", who=who, version=version)
        now = timezone.now()
        changes = status_change(c, S.REOPENED)
        c.reopen_reason, c.reopen_count = reason.strip(), c.reopen_count + 1
        c.resolved_at = c.closed_at = None
        c.resolve_due = deadlines.resolve_due(c.estate, c.category, now)
        c.resolve_warned = c.resolve_escalated = False
        fields = ["status", "reopen_reason", "reopen_count", "resolved_at", "closed_at",
                  "resolve_due", "resolve_warned", "resolve_escalated"]  # fmt: skip
        save(c, actor, "complaint_reopened", fields, changes=changes, note=reason.strip())
        tell_staff([c.responsible, *managers_of(c.estate_id)], c,
                   texts.gettext("%(number)s was reopened"), reason.strip())  # fmt: skip
    return c


def complaint_cancel(*, complaint_id, actor, reason, who=STAFF, version=None):
    """Withdrawn by the complainant (told to staff, or in the portal)."""
    _required("reason", reason, _("Say why it is withdrawn."))
    slug = "withdraw" if who == OWNER else "cancel"
    with transaction.atomic():
        c = locked(complaint_id, actor, slug, who=who, version=version)
        changes = status_change(c, S.CANCELLED)
        c.cancel_reason, c.closed_at = reason.strip(), timezone.now()
        save(c, actor, "complaint_withdrawn", ["status", "cancel_reason", "closed_at"],
             changes=changes, note=reason.strip())  # fmt: skip
        if who == OWNER:
            tell_staff([c.responsible], c, texts.gettext("%(number)s was withdrawn"), reason)
    return c


def complaint_mark_typical(*, complaint_id, actor, lesson, version=None):
    """典型案例: a closed case worth learning from, with the lesson."""
    _required("lesson", lesson, _("Write down the lesson learned."))
    with transaction.atomic():
        c = locked(complaint_id, actor, "typical", version=version)
        changes = {"typical": [c.typical, True]}
        c.typical, c.lesson = True, lesson.strip()
        save(c, actor, "complaint_marked_typical", ["typical", "lesson"], changes=changes,
             note=lesson.strip())  # fmt: skip
    return c
