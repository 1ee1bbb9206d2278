"""A real Celery worker (in-thread, solo pool) against Redis: notifications are e-mailed once
after commit however often their task is delivered; /healthz sees the real broker.

Needs REDIS_URL (CI sets redis://127.0.0.1:6379/0). The worker runs in this process, so it
sees the test database; transaction=True makes the rows it reads committed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from core.models import Notification, User
from core.notifications import notify
from core.tasks import notification_email_send, notifications_email_pending
from tests.celery_worker import finished_named, needs_redis, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def make_user(username: str, email: str) -> User:
    return User.objects.create_user(username=username, email=email, password="x-test-pass-123")


@needs_redis
def test_worker_emails_each_notification_exactly_once(worker):
    assert celery_app.conf.task_always_eager is False
    assert celery_app.conf.broker_url.startswith("redis://")
    alice = make_user("alice", "alice@example.com")
    bob = make_user("bob", "bob@example.com")
    carol = make_user("carol", "")  # no address: inbox only

    with transaction.atomic():
        first = notify(recipients=[alice, bob, carol], title="停水通知", body="明天 9:00 停水。")
        second = notify(recipients=[alice], title="报修工单已派工", url="/portal/")
        # Nothing may reach the worker before the commit.
        assert worker.finished == {}
    ids = [n.pk for n in first + second if n.send_email]
    assert len(ids) == 3

    wait_for(
        lambda: not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exists(),
        what="the worker to claim every notification",
    )
    wait_for(
        lambda: len(finished_named(worker, notification_email_send.name)) >= len(ids),
        what="the worker to finish the after-commit tasks",
    )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("alice@example.com", "停水通知"),
        ("alice@example.com", "报修工单已派工"),
        ("bob@example.com", "停水通知"),
    ]
    assert all(t.retval is True for t in finished_named(worker, notification_email_send.name))
    assert Notification.objects.get(recipient=carol).emailed_at is None

    # Redeliveries and the periodic sweep must not send anything twice. Backdate the sent
    # ones so the sweep would pick them up if their "already e-mailed" mark were ignored,
    # and add one whose after-commit task never ran: the sweep sends that one, once.
    Notification.objects.filter(pk__in=ids).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )
    lost = Notification.objects.create(recipient=bob, title="漏发的通知", send_email=True)
    Notification.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    again = [notification_email_send.delay(pk).id for pk in ids for _ in range(2)]
    sweeps = [notifications_email_pending.delay().id for _ in range(2)]
    lost_send = notification_email_send.delay(lost.pk).id

    wait_for(
        lambda: all(task_id in worker.finished for task_id in [*again, *sweeps, lost_send]),
        what="the worker to run the repeated tasks",
    )
    assert [worker.finished[t].retval for t in again] == [False] * len(again)
    # Two sweeps and one direct send race for the lost one: exactly one of them sends it.
    sent_lost = sum(worker.finished[t].retval for t in sweeps) + worker.finished[lost_send].retval
    assert sent_lost == 1
    assert len(mail.outbox) == 4
    assert [m.subject for m in mail.outbox].count("漏发的通知") == 1
    assert Notification.objects.filter(send_email=True, emailed_at__isnull=True).count() == 0


@needs_redis
def test_healthz_ok_against_real_redis(client, celery_conf):
    assert celery_conf.broker_url.startswith("redis://")
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok"
    assert data["broker"] == "ok"
    assert data["status"] == "ok"


def test_healthz_503_when_broker_unreachable(client, celery_conf):
    celery_conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["database"] == "ok"
    assert data["broker"].startswith("error")
    assert data["status"] == "error"
