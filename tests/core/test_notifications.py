"""Notifications: inbox rows at once, one e-mail per notification after commit, however many
times the sending task runs."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from core.models import Notification, OutboxMessage, User
from core.notifications import notify, unread_count
from core.outbox import drain
from core.tasks import notification_email_send, notifications_email_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings):
    """Run Celery tasks in-process, the way .delay() would once the worker gets them."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    saved = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def alice():
    return User.objects.create_user(username="alice", email="alice@example.com", password="x")


@pytest.fixture
def bob():
    return User.objects.create_user(username="bob", email="bob@example.com", password="x")


@pytest.fixture
def no_email_user():
    return User.objects.create_user(username="carol", email="", password="x")


def test_notify_creates_one_inbox_row_per_recipient(alice, bob, no_email_user):
    notes = notify(
        recipients=[alice, bob, no_email_user],
        title="报修工单已派工",
        body="王师傅将于今天下午上门。",
        url="/portal/tickets/1/",
    )

    assert len(notes) == 3
    assert Notification.objects.count() == 3
    row = Notification.objects.get(recipient=alice)
    assert row.title == "报修工单已派工"
    assert row.body == "王师傅将于今天下午上门。"
    assert row.url == "/portal/tickets/1/"
    assert row.read_at is None and row.emailed_at is None
    assert row.send_email is True
    # No address, no e-mail; the inbox row is still there.
    assert Notification.objects.get(recipient=no_email_user).send_email is False
    assert unread_count(alice) == 1


def test_email_goes_out_once_after_commit(
    eager, alice, no_email_user, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://anju.example.com"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[alice, no_email_user], title="账单已出", url="/portal/bills/7/")
        # Nothing is sent before the transaction commits.
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "账单已出"
    assert "https://anju.example.com/portal/bills/7/" in message.body
    note = Notification.objects.get(recipient=alice)
    assert note.emailed_at is not None
    assert Notification.objects.get(recipient=no_email_user).emailed_at is None


def test_email_sent_through_on_commit_with_execute(
    eager, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, bob], title="停水通知", body="明天 9:00-12:00 停水。")

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_notify_without_email_enqueues_nothing(eager, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[alice], title="仅站内信", email=False)
    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.get().send_email is False


def test_send_task_twice_sends_one_email(alice):
    (note,) = notify(recipients=[alice], title="回访提醒")

    assert notification_email_send(note.pk) is True
    assert notification_email_send(note.pk) is False

    assert len(mail.outbox) == 1


def test_send_task_through_delay_twice_sends_one_email(eager, alice):
    (note,) = notify(recipients=[alice], title="回访提醒")

    notification_email_send.delay(note.pk)
    notification_email_send.delay(note.pk)

    assert len(mail.outbox) == 1


def test_send_task_for_missing_or_opted_out_notification_does_nothing(alice):
    (note,) = notify(recipients=[alice], title="x", email=False)
    assert notification_email_send(note.pk) is False
    assert notification_email_send(999_999) is False
    assert mail.outbox == []


def test_failed_send_gives_the_claim_back(alice):
    (note,) = notify(recipients=[alice], title="会失败一次")

    with (
        mock.patch("core.tasks.send_mail", side_effect=RuntimeError("smtp down")),
        pytest.raises(RuntimeError),
    ):
        notification_email_send(note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None

    assert notification_email_send(note.pk) is True
    assert len(mail.outbox) == 1


def test_pending_sweep_sends_old_unsent_once(alice, bob):
    old, fresh = notify(recipients=[alice, bob], title="漏发的通知")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    assert notifications_email_pending() == 1
    assert notifications_email_pending() == 0

    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    # The fresh one is left to its own after-commit task.
    fresh.refresh_from_db()
    assert fresh.emailed_at is None


def test_unreachable_broker_does_not_break_the_committed_action(
    eager, alice, django_capture_on_commit_callbacks
):
    """The inbox row is committed; the e-mail task waits in the outbox, the caller sees no
    error, and the drain queues it once the broker is back."""
    from kombu.exceptions import OperationalError

    with (
        mock.patch.object(
            notification_email_send, "apply_async", side_effect=OperationalError("broker down")
        ) as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[alice], title="报修工单已受理")

    assert publish.called
    note = Notification.objects.get()
    assert note.emailed_at is None and note.send_email is True
    assert mail.outbox == []
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    assert "broker down" in message.last_error
    assert message.next_attempt_at > timezone.now()  # backoff: not retried at once

    assert drain() == 0  # not due yet
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert drain() == 1
    assert drain() == 0
    assert [m.subject for m in mail.outbox] == ["报修工单已受理"]
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_pending_sweep_goes_on_after_one_failure(alice, bob):
    import smtplib

    notify(recipients=[alice, bob], title="漏发的通知")
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    real_send_mail = mail.send_mail

    def refuse_alice(**kwargs):
        if kwargs["recipient_list"] == ["alice@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"alice@example.com": (550, b"no such user")})
        return real_send_mail(**kwargs)

    with mock.patch("core.tasks.send_mail", side_effect=refuse_alice):
        assert notifications_email_pending() == 1

    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    # Alice's claim was given back: the next sweep tries again.
    assert Notification.objects.get(recipient=alice).emailed_at is None
