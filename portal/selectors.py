"""Owner-side reads: everything is reached from the signed-in user's own Person record."""

from django.db.models import Prefetch
from django.utils import timezone

from estates.models import Occupancy, Person, Unit

from .models import OwnerInvitation


def person_for(user) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def units_for_owner(user):
    """Units the user currently lives in or owns (any occupancy role)."""
    person = person_for(user)
    if person is None:
        return Unit.objects.none()
    today = timezone.localdate()
    current = Occupancy.objects.current(today).filter(person=person)
    return (
        Unit.objects.filter(pk__in=current.values("unit_id"))
        .select_related("building", "estate")
        .prefetch_related(Prefetch("occupancies", queryset=current, to_attr="my_occupancies"))
        .order_by("estate__name", "building__name", "entrance", "number")
    )


def household_of(unit):
    return (
        Occupancy.objects.current()
        .filter(unit=unit)
        .select_related("person")
        .order_by("role", "person__name")
    )


def open_invitation(person) -> OwnerInvitation | None:
    now = timezone.now()
    return OwnerInvitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).first()
