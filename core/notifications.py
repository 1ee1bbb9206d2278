"""Notifications: an in-app inbox row now, an e-mail from a Celery task after commit."""

from django.conf import settings
from django.utils import translation

from .models import Notification
from .outbox import enqueue_each_on_commit
from .pagination import keyset_page
from .texts import Message, as_message


def _stored(user, text) -> Message:
    """`text` as stored: a Message (or a lazy translation) stays a message, rendered when
    read in the reader's language; plain text (typed by a user) stays as it is. A callable
    (the older style) is called now, in the recipient's language."""
    if callable(text):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = text()
    return as_message(text)


def notify(*, recipients, title, body="", url: str = "", email: bool = True):
    """Create one inbox notification per recipient; e-mails go out after the commit.

    `title` and `body` are Messages (`core.texts`: message keys with parameters), lazy
    translations or plain text typed by a user; each recipient reads them in the language
    they read in."""
    notes = [
        Notification(
            recipient=user,
            title=_stored(user, title),
            body=_stored(user, body),
            url=url,
            send_email=email and bool(user.email),
        )
        for user in recipients
    ]
    Notification.objects.bulk_create(notes)
    from .tasks import notification_email_send

    # Through the outbox: queued after the commit, or by the drain once the broker is up.
    enqueue_each_on_commit(notification_email_send, [(n.pk,) for n in notes if n.send_email])
    return notes


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_context(request, *, base_template: str) -> dict:
    """What core/inbox.html needs: a page of the user's notifications (unread only with
    ?unread=1). Each face renders it in its own layout, from its own view."""
    notes = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        notes = notes.filter(read_at__isnull=True)
    page = keyset_page(
        notes,
        ordering=["-created_at", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page_size=30,
    )
    return {"page": page, "base_template": base_template}
