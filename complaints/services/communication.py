"""Notices (公告) to owners, who has read them, and the log of contacts with an owner."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from estates.owners import person_for
from estates.permissions import require

from .. import permissions as P
from ..models import ContactLog, Notice, NoticeRead


def notice_publish(*, actor, estate, title, body, publish_at, expires_at=None, buildings=(),
                   people=()):  # fmt: skip
    require(actor, P.NOTICES, estate)
    if expires_at is not None and expires_at <= publish_at:
        raise ValidationError({"expires_at": _("The end is before the start.")})
    if any(b.estate_id != estate.pk for b in buildings):
        raise ValidationError({"buildings": _("Choose buildings of this estate.")})
    with transaction.atomic():
        notice = Notice.objects.create(
            estate=estate,
            title=title.strip(),
            body=body.strip(),
            publish_at=publish_at,
            expires_at=expires_at,
            created_by=actor,
        )
        notice.buildings.set(buildings)
        notice.people.set(people)
        record_event(notice, actor=actor, verb="notice_published",
                     changes={"publish_at": [None, str(publish_at)]})  # fmt: skip
    return notice


def notice_expire(*, notice_id, actor):
    """Take a notice down now."""
    with transaction.atomic():
        notice = Notice.objects.for_user(actor).select_for_update().get(pk=notice_id)
        require(actor, P.NOTICES, notice.estate)
        now = timezone.now()
        if notice.expires_at is None or notice.expires_at > now:
            notice.expires_at = max(now, notice.publish_at + timezone.timedelta(seconds=1))
            notice.save(update_fields=["expires_at", "updated_at"])
            record_event(notice, actor=actor, verb="notice_expired")
    return notice


def notice_read(*, notice, actor) -> bool:
    """The owner opened the notice: recorded once. True the first time."""
    person = person_for(actor)
    if person is None:
        return False
    _row, created = NoticeRead.objects.get_or_create(notice=notice, person=person)
    return created


def contact_log_add(*, actor, estate, person, kind, summary, happened_at=None):
    require(actor, P.CONTACTS, estate)
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Write down what was said.")})
    return ContactLog.objects.create(
        estate=estate,
        person=person,
        kind=kind,
        summary=summary.strip(),
        happened_at=happened_at or timezone.now(),
        by=actor,
    )
