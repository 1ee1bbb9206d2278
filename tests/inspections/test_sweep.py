"""The rounds sweep: warnings before the window closes, missed and late after it, the
managers told; once only (a second run, or the task through a real worker twice)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from core.models import Notification
from estates.choices import Role
from inspections.choices import RoundStatus
from inspections.sweep import rounds_sweep
from inspections.tasks import inspection_rounds_generate, inspection_rounds_sweep

from ..celery_worker import needs_redis, wait_for
from .factories import CheckpointFactory, PlanFactory, make_round, route_with


def _plan(world):
    route = route_with(world.estate, [CheckpointFactory(estate=world.estate)])
    return PlanFactory(route=route)


@pytest.mark.django_db
def test_warn_then_mark_missed_and_late_and_tell_the_manager_once(world):
    plan = _plan(world)
    now = timezone.now()
    closing = make_round(plan, start=now - timedelta(minutes=100), minutes=110)  # 10 min left
    missed = make_round(plan, start=now - timedelta(hours=3), minutes=60)
    late = make_round(
        plan, start=now - timedelta(hours=4), minutes=60, status=RoundStatus.IN_PROGRESS
    )
    counts = rounds_sweep(now)
    assert counts == {"warned": 1, "missed": 1, "late": 1, "notifications": 2}
    assert rounds_sweep(now) == {"warned": 0, "missed": 0, "late": 0, "notifications": 0}
    for r, status in [(closing, RoundStatus.SCHEDULED), (missed, RoundStatus.MISSED),
                      (late, RoundStatus.LATE)]:  # fmt: skip
        r.refresh_from_db()
        assert r.status == status
    # The security staff of the estate (the plan's role) were warned; the manager told.
    warned = Notification.objects.get(recipient=world.staff[Role.SECURITY])
    assert warned.url == closing.get_absolute_url()
    told = Notification.objects.get(recipient=world.manager)
    with translation.override("en"):
        assert "1 missed, 1 late" in str(told.title)


@needs_redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_generation_and_sweep_through_a_real_worker_twice_do_everything_once(worker, world):  # noqa: F811
    from config.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["inspections-rounds-generate"]["task"] == inspection_rounds_generate.name
    assert BEAT_SCHEDULE["inspections-rounds-sweep"]["task"] == inspection_rounds_sweep.name
    plan = _plan(world)
    plan.times = ["00:00", "06:00", "12:00", "18:00"]
    plan.save()
    make_round(plan, start=timezone.now() - timedelta(hours=5), minutes=60)
    ids = [inspection_rounds_generate.delay().id for _ in range(2)]
    ids += [inspection_rounds_sweep.delay().id for _ in range(2)]
    wait_for(lambda: all(i in worker.finished for i in ids), what="the four tasks")
    gen = [worker.finished[i].retval["created"] for i in ids[:2]]
    sweeps = [worker.finished[i].retval for i in ids[2:]]
    assert gen[0] > 0 and gen[1] == 0
    assert sweeps[0]["missed"] == 1 and sweeps[1]["missed"] == 0
