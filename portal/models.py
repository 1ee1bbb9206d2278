import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.models import Person

INVITATION_DAYS = 14


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class OwnerInvitation(models.Model):
    """An invitation for an owner to open a portal account, by link or by one-time code.

    Only hashes of the token and the code are stored; the clear values are shown or sent once.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # A worker sending the e-mail holds it until then; after a crash another one may.
    email_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("owner invitation")
        verbose_name_plural = _("owner invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_person",
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def new_secrets() -> tuple[str, str]:
        return secrets.token_urlsafe(32), f"{secrets.randbelow(10**8):08d}"

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=INVITATION_DAYS)

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
