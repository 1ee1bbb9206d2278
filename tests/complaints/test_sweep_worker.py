"""The complaint sweep through a REAL Celery worker (in-thread, solo pool) against Redis:
delivered twice, it escalates and notifies exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.tasks import complaint_deadline_sweep
from core.models import Notification
from estates.choices import Role

from ..celery_worker import needs_redis, wait_for
from .factories import ComplaintFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
H = timedelta(hours=1)


@needs_redis
def test_the_sweep_task_twice_escalates_once(worker, world):  # noqa: F811
    from config.celery import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["complaints-deadline-sweep"]
    assert entry["task"] == complaint_deadline_sweep.name

    now = timezone.now()
    cs = world.staff[Role.CUSTOMER_SERVICE]
    late = [
        ComplaintFactory(
            unit=world.unit, responsible=cs, filed_at=now - 3 * H, acknowledge_due=now - H
        )  # fmt: skip
        for _ in range(2)
    ]
    ids = [complaint_deadline_sweep.delay().id for _ in range(2)]
    wait_for(lambda: all(i in worker.finished for i in ids), what="both sweeps to finish")
    results = sorted((worker.finished[i].retval for i in ids), key=lambda r: -r["escalations"])
    assert results == [
        {"warnings": 0, "escalations": 2, "notifications": 2},  # one digest each
        {"warnings": 0, "escalations": 0, "notifications": 0},
    ]
    assert Complaint.objects.filter(acknowledge_escalated=True).count() == 2
    (note,) = Notification.objects.filter(recipient=world.manager)
    assert str(note.title) == "2 complaints overdue: the acknowledge deadline passed"
    assert note.url == "/staff/complaints/"
    assert all(c.number in str(note.body) for c in late)
    assert Notification.objects.filter(recipient=cs).count() == 1
