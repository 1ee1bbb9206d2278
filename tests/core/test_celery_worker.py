"""A real Celery worker (in-thread, solo pool) against Redis: notifications are e-mailed once
after commit however often their task is delivered; /healthz sees the real broker.

Needs REDIS_URL (CI sets redis://127.0.0.1:6379/0). The worker runs in this process, so it
sees the test database; transaction=True makes the rows it reads committed."""

import os
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from config.celery import app as celery_app
from core.models import Notification, User
from core.notifications import notify
from core.tasks import notification_email_send, notifications_email_pending

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="needs a real Redis broker: set REDIS_URL (CI does)"
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

CONF_KEYS = (
    "task_always_eager",
    "task_default_queue",
    "worker_hijack_root_logger",
    "broker_url",
)


def wait_for(predicate, *, what: str, timeout: float = 30.0, interval: float = 0.05):
    """Poll until predicate() is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def celery_conf():
    """Restore the Celery app's configuration after the test changes it."""
    saved = {key: celery_app.conf[key] for key in CONF_KEYS}
    yield celery_app.conf
    celery_app.conf.update(saved)


@pytest.fixture
def worker(settings, celery_conf):
    """A real worker in a thread of this process, consuming a queue of its own."""
    import redis

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue = f"anju-test-{uuid.uuid4().hex[:12]}"
    celery_conf.task_always_eager = False
    celery_conf.task_default_queue = queue  # .delay() without a queue now goes here
    celery_conf.worker_hijack_root_logger = False

    finished: dict[str, SimpleNamespace] = {}

    def on_postrun(sender=None, task_id=None, args=None, retval=None, **kwargs):
        finished[task_id] = SimpleNamespace(name=sender.name, args=args, retval=retval)
        connections.close_all()  # the worker thread's own connections, so teardown can drop the DB

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            queues=[queue],
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as w:
            yield SimpleNamespace(queue=queue, finished=finished, controller=w)
    finally:
        task_postrun.disconnect(on_postrun)
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def finished_named(worker, name: str) -> list[SimpleNamespace]:
    return [t for t in list(worker.finished.values()) if t.name == name]


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
