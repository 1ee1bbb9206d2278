"""Thin tasks: take ids, load, act. Idempotent: a claim by conditional UPDATE means a
notification is e-mailed once however many times the task runs or is redelivered."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import outbox
from .email_claim import email_free, send_once
from .models import Notification

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    """Send once (core.email_claim): `emailed_at` is set only once the server accepted it."""

    def send(note):
        subject, text = note.email_texts()  # in the recipient's language
        send_mail(
            subject=subject,
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.recipient.email],
        )

    rows = Notification.objects.select_related("recipient").filter(
        pk=notification_id, send_email=True
    )
    return send_once(rows, send)


@shared_task
def notifications_email_pending() -> int:
    """Periodic safety net: e-mail notifications whose after-commit task never ran."""
    cutoff = timezone.now() - timedelta(minutes=2)
    pending = (
        Notification.objects.filter(send_email=True, emailed_at__isnull=True, created_at__lt=cutoff)
        .filter(email_free(timezone.now()))
        .values_list("pk", flat=True)[:500]
    )
    sent = 0
    for pk in pending:
        try:
            if notification_email_send(pk):
                sent += 1
        except Exception:  # noqa: BLE001 - one bad address must not hold up the rest
            log.exception("notification %s: e-mail failed, next sweep retries", pk)
    log.info("notifications_email_pending sent %s", sent)
    return sent


@shared_task
def outbox_drain() -> int:
    """Every minute (beat): publish the tasks whose after-commit publish did not reach the
    broker (it was down); see core/outbox.py."""
    sent = outbox.drain()
    if sent:
        log.info("outbox_drain published %s", sent)
    return sent


@shared_task
def attachments_purge_orphans() -> int:
    """Daily: delete stored attachment files no row refers to (left by a transaction that
    failed after storing them), once they are a day old."""
    from .attachment_purge import purge_orphans

    removed = purge_orphans()
    if removed:
        log.info("attachments_purge_orphans removed %s files", removed)
    return removed


@shared_task
def outbox_purge() -> int:
    """Daily: forget outbox rows the broker took more than a week ago."""
    return outbox.purge_sent()


# The link is made when the mail is sent, so only the user id travels through the outbox.
@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=1800, max_retries=8)
def password_setup_email_send(user_id: int) -> bool:
    """E-mail a new login (no password yet) a link to choose one. Once the password is set
    or the user signed in, it sends nothing: a repeated delivery is harmless (every link
    stops working when the password is set)."""
    user = (
        get_user_model()
        .objects.filter(pk=user_id, is_active=True, last_login__isnull=True)
        .exclude(email="")
        .first()
    )
    if user is None or user.has_usable_password():
        return False
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme or "https",
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            settings.DEFAULT_FROM_EMAIL,
            user.email,
        )
    return True
