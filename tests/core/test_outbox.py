"""The outbox: a task is recorded in the caller's transaction, published after the commit,
kept while the broker is down and published by the drain later, marked sent only once the
broker took it. E-mail tasks mark "sent" only after the mail server took the mail."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import BEAT_SCHEDULE
from config.celery import app as celery_app
from core import outbox
from core.models import Notification, OutboxMessage, User
from core.tasks import notification_email_send, notifications_email_pending, outbox_drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def alice():
    return User.objects.create_user(username="alice", email="alice@example.com", password="x")


def note_for(user, title="停水通知"):
    return Notification.objects.create(recipient=user, title=title, send_email=True)


def test_rolled_back_change_leaves_no_task(eager, alice, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue_on_commit(notification_email_send, note_for(alice).pk)
        raise RuntimeError("the change fails")
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_committed_change_is_published_once_and_marked_sent(
    eager, alice, django_capture_on_commit_callbacks
):
    note = note_for(alice)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox.enqueue_on_commit(notification_email_send, note.pk)
        assert mail.outbox == []  # nothing before the commit
    message.refresh_from_db()
    assert message.task == "core.tasks.notification_email_send" and message.args == [note.pk]
    assert message.sent_at is not None and message.attempts == 1 and message.last_error == ""
    assert len(mail.outbox) == 1
    assert outbox.drain() == 0  # already sent: the drain does not publish it again
    assert outbox.publish([message.pk]) == 0
    assert len(mail.outbox) == 1


def test_secret_arguments_are_blanked_once_sent(eager, alice, django_capture_on_commit_callbacks):
    note = note_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue_on_commit(notification_email_send, note.pk, _secret=True)
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.args == [] and message.kwargs == {}


def test_broker_down_keeps_the_row_and_the_drain_sends_it_when_back(
    eager, alice, django_capture_on_commit_callbacks
):
    notes = [note_for(alice, f"通知{i}") for i in range(3)]
    down = mock.patch.object(
        notification_email_send, "apply_async", side_effect=OperationalError("refused")
    )
    with down as publish, django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_each_on_commit(notification_email_send, [(n.pk,) for n in notes])
    # One failure is enough to know the broker is down: the others are not tried.
    assert publish.call_count == 1
    rows = list(OutboxMessage.objects.order_by("id"))
    assert [r.sent_at for r in rows] == [None] * 3
    assert [r.attempts for r in rows] == [1, 0, 0]
    assert all(r.claimed_until is None for r in rows)

    with down:  # still down at the next tick
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert outbox_drain() == 0
    first = OutboxMessage.objects.order_by("id").first()
    assert first.attempts == 2
    assert first.next_attempt_at - timezone.now() > timedelta(seconds=90)  # backs off

    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_drain() == 3
    assert outbox_drain() == 0
    assert sorted(m.subject for m in mail.outbox) == ["通知0", "通知1", "通知2"]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_drain_skips_rows_another_publisher_holds_and_takes_over_expired_claims(eager, alice):
    held = OutboxMessage.objects.create(
        task=notification_email_send.name,
        args=[note_for(alice, "held").pk],
        claimed_until=timezone.now() + timedelta(seconds=30),
    )
    expired = OutboxMessage.objects.create(
        task=notification_email_send.name,
        args=[note_for(alice, "expired").pk],
        claimed_until=timezone.now() - timedelta(seconds=1),  # its publisher died
    )
    assert outbox.drain() == 1
    held.refresh_from_db()
    expired.refresh_from_db()
    assert held.sent_at is None and expired.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["expired"]


def test_unknown_task_is_kept_with_its_error_and_does_not_stop_the_drain(eager, alice):
    broken = OutboxMessage.objects.create(task="core.tasks.no_such_task", args=[1])
    good = OutboxMessage.objects.create(
        task=notification_email_send.name, args=[note_for(alice).pk]
    )
    assert outbox.drain() == 1
    broken.refresh_from_db()
    good.refresh_from_db()
    assert broken.sent_at is None and "no_such_task" in broken.last_error
    assert good.sent_at is not None


def test_purge_forgets_only_old_sent_rows():
    old = OutboxMessage.objects.create(task="x.y", sent_at=timezone.now() - timedelta(days=8))
    recent = OutboxMessage.objects.create(task="x.y", sent_at=timezone.now())
    unsent = OutboxMessage.objects.create(task="x.y")
    OutboxMessage.objects.filter(pk=unsent.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    assert outbox.purge_sent() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_beat_drains_the_outbox_every_minute():
    assert BEAT_SCHEDULE["outbox-drain"]["task"] == outbox_drain.name
    assert BEAT_SCHEDULE["outbox-drain"]["schedule"] == 60.0


# --- E-mail: "sent" only after the mail server took it ------------------------------------------


def test_notification_mail_server_down_leaves_it_unsent_for_the_retry(eager, alice):
    note = note_for(alice)
    with (
        mock.patch("core.tasks.send_mail", side_effect=OSError("smtp down")),
        pytest.raises(OSError),
    ):
        notification_email_send.run(note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_claimed_until is None
    assert notification_email_send.run(note.pk) is True
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert len(mail.outbox) == 1


def test_notification_being_sent_by_another_worker_is_left_alone(eager, alice):
    note = note_for(alice)
    Notification.objects.filter(pk=note.pk).update(
        email_claimed_until=timezone.now() + timedelta(minutes=4),
        created_at=timezone.now() - timedelta(minutes=10),
    )
    assert notification_email_send.run(note.pk) is False
    assert notifications_email_pending() == 0
    assert mail.outbox == []


def test_notification_claimed_by_a_worker_that_died_is_sent_by_the_sweep(eager, alice):
    note = note_for(alice)
    # The worker claimed it and was killed before sending: the mark "sent" was never set.
    Notification.objects.filter(pk=note.pk).update(
        email_claimed_until=timezone.now() - timedelta(seconds=1),
        created_at=timezone.now() - timedelta(minutes=10),
    )
    assert notifications_email_pending() == 1
    assert notifications_email_pending() == 0
    assert len(mail.outbox) == 1
