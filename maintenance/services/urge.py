"""催单: the owner asks again about an open ticket, at most once per the estate's interval."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from estates.choices import Role

from ..board_cache import estates_changed
from ..transitions import OWNER_ACTIONS
from .base import _locked
from .notices import _staff, _tell


def urge_interval(estate) -> timedelta:
    """How long an owner of `estate` waits between two urges of one ticket."""
    return timedelta(minutes=estate.urge_interval_minutes)


def ticket_urge(*, ticket_id, actor):
    """催单: the owner asks again; at most once per the estate's urge interval."""
    with transaction.atomic():
        t = _locked(ticket_id, actor, OWNER_ACTIONS["urge"], version=None)
        now = timezone.now()
        interval = urge_interval(t.estate)
        if t.last_urged_at and now - t.last_urged_at < interval:
            wait = int((interval - (now - t.last_urged_at)).total_seconds() // 60) + 1
            raise DomainError(
                _("You urged this ticket recently; you can urge again in %(minutes)d minutes.")
                % {"minutes": wait}
            )
        t.last_urged_at, t.urge_count = now, t.urge_count + 1
        t.save(update_fields=["last_urged_at", "urge_count", "updated_at"])
        estates_changed([t.estate_id])
        record_event(t, actor=actor, verb="ticket_urged")
        _tell(
            [t.technician, *_staff(t.estate, Role.CUSTOMER_SERVICE)],
            t,
            texts.gettext("The owner urges %(number)s"),
            t.description[:200],
        )
    return t
