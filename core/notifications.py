"""Notifications: an in-app inbox row now, an e-mail from a Celery task after commit."""

from django.db import transaction

from .models import Notification


def notify(*, recipients, title: str, body: str = "", url: str = "", email: bool = True):
    """Create one inbox notification per recipient; e-mails go out after the commit."""
    notes = [
        Notification(
            recipient=user,
            title=str(title),
            body=str(body),
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
