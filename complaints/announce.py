"""Telling owners about a notice once it is published: an inbox notification (and its
e-mail) to every owner of its audience with a portal account, once per notice.

Idempotent, and safe with two runs at once: the notices due are locked with SKIP LOCKED and
`announced_at` is set in the same transaction that creates the notifications."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core import texts
from core.notifications import notify
from estates.models import Occupancy

from .models import Notice


def audience_users(notice) -> list:
    """The portal accounts of the notice's audience: people living in its estate (in its
    buildings, or named), each once."""
    occupancies = Occupancy.objects.current().filter(
        unit__estate_id=notice.estate_id, person__user__isnull=False, person__user__is_active=True
    )
    buildings = list(notice.buildings.values_list("pk", flat=True))
    people = list(notice.people.values_list("pk", flat=True))
    if buildings or people:
        occupancies = occupancies.filter(
            Q(unit__building_id__in=buildings) | Q(person_id__in=people)
        )
    users = {o.person.user_id: o.person.user for o in occupancies.select_related("person__user")}
    return [users[pk] for pk in sorted(users)]


def notices_announce(now=None) -> dict:
    now = now or timezone.now()
    counts = {"notices": 0, "notifications": 0}
    with transaction.atomic():
        due = list(
            Notice.objects.filter(announced_at__isnull=True, publish_at__lte=now)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .select_for_update(skip_locked=True)
            .order_by("publish_at", "pk")[:200]
        )
        for notice in due:
            users = audience_users(notice)
            if users:
                notes = notify(
                    recipients=users,
                    title=texts.gettext("Notice: %(title)s", title=notice.title),
                    body=notice.body[:300],
                    url=reverse("portal_complaints:my_notice", kwargs={"notice_pk": notice.pk}),
                )
                counts["notifications"] += len(notes)
            notice.announced_at = now
            notice.save(update_fields=["announced_at"])
            counts["notices"] += 1
    return counts
