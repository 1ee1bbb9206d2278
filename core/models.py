"""Shared building blocks: the user, the audit trail and notifications. Imports no app."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .texts import MessageField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A login. Staff get estate memberships; owners are linked from a Person record."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    is_company_admin = models.BooleanField(
        _("company administrator"),
        default=False,
        help_text=_("Sees and manages every estate of the company."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class AuditEvent(models.Model):
    """One line of an object's timeline: who did what, when, and what changed."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=50)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Text typed by a user, or a message shown in the reader's language (core.texts).
    note = MessageField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.verb} {self.content_type_id}:{self.object_id}"


class Notification(models.Model):
    """An inbox message for one user; e-mailed by a Celery task after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Messages (core.texts), rendered when read: in the reader's language, not the sender's.
    title = MessageField(_("title"))
    body = MessageField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    send_email = models.BooleanField(_("send e-mail"), default=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # A worker sending the e-mail holds it until then; after a crash another one may.
    email_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return str(self.title)

    def email_texts(self) -> tuple[str, str]:
        """(subject, text) of the e-mail, in the recipient's language."""
        language = self.recipient.language or settings.LANGUAGE_CODE
        link = f"{settings.SITE_URL}{self.url}" if self.url else ""
        with translation.override(language):
            return str(self.title), f"{self.body}\n\n{link}".strip()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that needs it.

    Rows are published after the commit and again by the beat drain until the broker took
    them (`sent_at`); so a broker that is down when the change commits delays the task
    instead of losing it. Delivery is at least once: the tasks are idempotent."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    # Arguments that carry secrets (an invitation's clear token) are blanked once sent.
    secret = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A publisher holds the row until then; another one may take it over afterwards.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_due",
            )
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"
