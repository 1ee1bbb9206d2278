"""Notifications: an in-app inbox row now, an e-mail from a Celery task after commit."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import Notification


def _in_language_of(user, text) -> str:
    """Render `text` (a string, a lazy string, or a callable returning one) in the
    recipient's language, not the language of whoever triggered the notification."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return str(text() if callable(text) else text)


def notify(*, recipients, title, body="", url: str = "", email: bool = True):
    """Create one inbox notification per recipient; e-mails go out after the commit.

    `title` and `body` may be lazy strings or callables (for messages with parameters),
    so that each recipient reads them in their own language."""
    notes = [
        Notification(
            recipient=user,
            title=_in_language_of(user, title),
            body=_in_language_of(user, body),
            url=url,
            send_email=email and bool(user.email),
        )
        for user in recipients
    ]
    Notification.objects.bulk_create(notes)
    ids = [n.pk for n in notes if n.send_email]
    if ids:
        from .tasks import notification_email_send

        def enqueue():
            for pk in ids:
                notification_email_send.delay(pk)

        # robust: the data is committed already; if the broker is unreachable the action
        # still succeeds and the periodic sweep (notifications_email_pending) sends later.
        transaction.on_commit(enqueue, robust=True)
    return notes


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
