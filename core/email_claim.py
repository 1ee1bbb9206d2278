"""Sending one e-mail for a row exactly once, across retries and several workers.

The row (a notification, an invitation …) has `emailed_at` (set only once the mail server
took the mail) and `email_claimed_until` (a short lease: a worker holds the row while it
talks to the server; after a crash another one may take it over). A failed send gives the
lease back, so the task's retry or a periodic sweep sends it later."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

EMAIL_CLAIM = timedelta(minutes=5)  # longer than one SMTP conversation


def email_free(now) -> Q:
    """Rows no worker is sending right now."""
    return Q(email_claimed_until__isnull=True) | Q(email_claimed_until__lt=now)


def send_once(rows, send) -> bool:
    """Claim the one row of `rows` (a queryset) if it is not e-mailed and not held, call
    send(row), and mark it e-mailed. False when there was nothing to do."""
    now = timezone.now()
    claimed = (
        rows.filter(emailed_at__isnull=True)
        .filter(email_free(now))
        .update(email_claimed_until=now + EMAIL_CLAIM)
    )
    if not claimed:
        return False  # already sent, being sent, or not to be sent
    try:
        send(rows.get())
    except Exception:
        rows.update(email_claimed_until=None)
        raise
    rows.update(emailed_at=timezone.now(), email_claimed_until=None)
    return True
