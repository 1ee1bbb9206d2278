"""After the repair: checking the work (staff, or the owner in the portal), the follow-up
visit (回访) with the owner's rating, the owner's own rating, closing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from estates.choices import Role

from ..choices import FollowUpMethod
from ..choices import Status as S
from ..models import FollowUp
from ..transitions import OWNER, OWNER_ACTIONS, STAFF_ACTIONS
from .base import _as, _locked, _save, _status_change
from .notices import _staff, _tell, _tell_owner


def ticket_verify(*, ticket_id, actor, passed: bool, reason="", version=None):
    """Staff (or the owner, in the portal) check the work. A failed check sends the
    ticket back to the technician with the reason."""
    transition = _as("verify", actor, ticket_id)
    as_owner = transition.who == OWNER
    if not passed and not reason.strip():
        raise ValidationError({"reason": _("Say what is still wrong.")})
    with transaction.atomic():
        t = _locked(ticket_id, actor, transition, version=version)
        if passed:
            changes = _status_change(t, S.VERIFIED)
            t.verified_at = timezone.now()
            _save(
                t, actor, "ticket_verified", ["status", "verified_at"], changes=changes, note=reason
            )
            if not as_owner:
                _tell_owner(t, texts.gettext("Repair %(number)s was checked: how did we do?"))
        else:
            changes = _status_change(t, S.DISPATCHED)
            t.completed_at, t.accepted_at = None, None
            _save(
                t,
                actor,
                "ticket_reopened",
                ["status", "completed_at", "accepted_at"],
                changes=changes,
                note=reason,
            )
            _tell([t.technician], t, texts.gettext("Job %(number)s reopened"), reason)
    return t


def ticket_follow_up(*, ticket_id, actor, method, rating: int, comment="", version=None):
    """回访 by phone or visit, with the owner's rating."""
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("A rating is 1 to 5.")})
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["follow-up"], version=version)
        FollowUp.objects.create(ticket=t, method=method, rating=rating, comment=comment, by=actor)
        changes = _status_change(t, S.FOLLOWED_UP)
        changes["rating"] = [t.rating, rating]
        t.rating, t.rating_comment, t.followed_up_at = rating, comment, timezone.now()
        _save(
            t,
            actor,
            "ticket_followed_up",
            ["status", "rating", "rating_comment", "followed_up_at"],
            changes=changes,
            note=comment,
        )
    return t


def ticket_rate(*, ticket_id, actor, rating: int, comment="", version=None):
    """The owner rates in the portal: that verifies the work and is the follow-up."""
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("A rating is 1 to 5.")})
    with transaction.atomic():
        t = _locked(ticket_id, actor, OWNER_ACTIONS["rate"], version=version)
        now = timezone.now()
        FollowUp.objects.create(
            ticket=t, method=FollowUpMethod.PORTAL, rating=rating, comment=comment, by=actor
        )
        changes = _status_change(t, S.FOLLOWED_UP)
        changes["rating"] = [t.rating, rating]
        t.verified_at = t.verified_at or now
        t.rating, t.rating_comment, t.followed_up_at = rating, comment, now
        _save(
            t,
            actor,
            "ticket_rated",
            ["status", "verified_at", "rating", "rating_comment", "followed_up_at"],
            changes=changes,
            note=comment,
        )
        if rating <= 2:
            _tell(
                _staff(t.estate, Role.MANAGER, Role.CUSTOMER_SERVICE),
                t,
                texts.gettext("Low rating for %(number)s"),
                comment,
            )
    return t


def ticket_close(*, ticket_id, actor, version=None, note=""):
    with transaction.atomic():
        t = _locked(ticket_id, actor, STAFF_ACTIONS["close"], version=version)
        changes = _status_change(t, S.CLOSED)
        t.closed_at = timezone.now()
        _save(t, actor, "ticket_closed", ["status", "closed_at"], changes=changes, note=note)
    return t
