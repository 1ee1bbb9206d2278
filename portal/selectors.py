"""Owner-side reads of the portal. Who an owner is and what they reach: estates.owners."""

from django.utils import timezone

from .models import OwnerInvitation


def open_invitation(person) -> OwnerInvitation | None:
    now = timezone.now()
    return OwnerInvitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).first()
