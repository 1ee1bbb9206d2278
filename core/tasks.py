"""Thin tasks: take ids, load, act. Idempotent: a claim by conditional UPDATE means a
notification is e-mailed once however many times the task runs or is redelivered."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, send_email=True, emailed_at__isnull=True
    ).update(emailed_at=now)
    if not claimed:
        return False  # already sent (or not to be sent): nothing to do
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    subject, text = note.email_texts()  # in the recipient's language
    try:
        send_mail(
            subject=subject,
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.recipient.email],
        )
    except Exception:
        # Give the claim back so the periodic sweep can try again later.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


@shared_task
def notifications_email_pending() -> int:
    """Periodic safety net: e-mail notifications whose after-commit task never ran."""
    cutoff = timezone.now() - timedelta(minutes=2)
    pending = Notification.objects.filter(
        send_email=True, emailed_at__isnull=True, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:500]
    sent = 0
    for pk in pending:
        try:
            if notification_email_send(pk):
                sent += 1
        except Exception:  # noqa: BLE001 - one bad address must not hold up the rest
            log.exception("notification %s: e-mail failed, next sweep retries", pk)
    log.info("notifications_email_pending sent %s", sent)
    return sent
