"""The one way to start a Celery task after a write: a row in the caller's transaction.

enqueue_on_commit(task, *args, **kwargs) writes an OutboxMessage inside the caller's
transaction and, once it commits, publishes it at once. A broker that is down is logged and
leaves the row unsent; the beat task `outbox_drain` (every minute) publishes it when the
broker is back, with backoff. `sent_at` is set only after the broker accepted the message.
A rolled-back transaction takes its rows with it: no task for a change that never happened.

Delivery is at least once (a crash between publishing and marking sent publishes again),
so every task started this way must be idempotent, as Anju's tasks are.
"""

import importlib
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60  # a publisher that died while holding rows gives them up after this
DRAIN_BATCH = 200
MAX_BACKOFF = timedelta(minutes=30)
KEEP_SENT = timedelta(days=7)
# In the request that made the change, fail fast when the broker is down: the drain retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def enqueue_on_commit(task, *args, _secret: bool = False, **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` to run once the current transaction commits.

    Arguments must be JSON (ids, short strings). `_secret=True` blanks them once the
    broker has them (for one-time secrets that must not stay in the database)."""
    message = OutboxMessage.objects.create(
        task=task.name, args=list(args), kwargs=kwargs, secret=_secret
    )
    pk = message.pk
    transaction.on_commit(lambda: publish([pk]), robust=True)
    return message


def enqueue_each_on_commit(task, calls: list[tuple]) -> list[OutboxMessage]:
    """Like enqueue_on_commit for many calls of one task (one INSERT): one tuple of
    arguments per call."""
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task.name, args=list(args)) for args in calls]
    )
    pks = [m.pk for m in messages]
    if pks:
        transaction.on_commit(lambda: publish(pks), robust=True)
    return messages


def _task(name: str):
    from celery import current_app as app  # config's app: core imports no project module

    if name not in app.tasks:  # a task module nobody imported yet in this process
        importlib.import_module(name.rsplit(".", 1)[0])
    return app.tasks[name]


def _claim(pks) -> list[OutboxMessage]:
    """Take unsent, unclaimed rows for CLAIM_SECONDS; rows other publishers hold are skipped."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=pks, sent_at__isnull=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
        )
    return rows


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** min(attempts, 10)), MAX_BACKOFF)


def _failed(message: OutboxMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    log.warning(
        "outbox %s (%s): not published (attempt %s): %r", message.pk, message.task, attempts, exc
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=repr(exc)[:500],
        next_attempt_at=timezone.now() + _backoff(attempts),
        claimed_until=None,
    )


def _publish_claimed(message: OutboxMessage) -> bool | None:
    """True: the broker took it. False: the broker is down. None: this message is broken
    (an unknown task); it is kept, with the error, for someone to look at."""
    try:
        task = _task(message.task)
    except (ImportError, KeyError) as exc:
        _failed(message, exc)
        return None
    try:
        task.apply_async(
            args=message.args,
            kwargs=message.kwargs,
            task_id=f"outbox-{message.pk}-{message.attempts + 1}",
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception as exc:  # noqa: BLE001 - broker down (any kombu/socket error): later
        _failed(message, exc)
        return False
    sent = {"sent_at": timezone.now(), "attempts": message.attempts + 1, "claimed_until": None}
    if message.secret:
        sent.update(args=[], kwargs={})
    OutboxMessage.objects.filter(pk=message.pk).update(**sent)
    return True


def _publish_all(claimed: list[OutboxMessage]) -> int:
    sent = 0
    for index, message in enumerate(claimed):
        outcome = _publish_claimed(message)
        if outcome is not False:
            sent += bool(outcome)
            continue
        # The broker is down: the rest would fail the same way; give them back untried.
        rest = [m.pk for m in claimed[index + 1 :]]
        OutboxMessage.objects.filter(pk__in=rest).update(claimed_until=None)
        break
    return sent


def publish(pks: list[int]) -> int:
    """Publish these messages now (after their commit); those the broker did not take stay
    for the drain. Returns how many were published."""
    return _publish_all(_claim(pks))


def drain(*, limit: int = DRAIN_BATCH) -> int:
    """Publish every due unsent message (oldest first); returns how many the broker took."""
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return _publish_all(_claim(due))


def purge_sent() -> int:
    """Forget messages the broker took more than a week ago."""
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return deleted
