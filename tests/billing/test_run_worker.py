"""A bill run through a REAL Celery worker (in-thread, solo pool) against Redis: computed,
issued, then every task delivered again and the monthly beat task twice: nothing twice."""

import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.choices import FeeKind, Method, RunStatus
from billing.models import Bill, BillLine, BillRun, LedgerEntry
from billing.tasks import bill_run_compute, bill_run_issue_batches, bill_runs_monthly
from core.models import Notification
from estates.choices import Role

from ..celery_worker import finished_named, needs_redis, wait_for
from ..factories import OccupancyFactory, PersonFactory, UnitFactory
from .factories import FeeItemFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _status(run_pk):
    return BillRun.objects.get(pk=run_pk).status


@needs_redis
def test_bill_run_with_a_real_worker_is_idempotent(worker, world):
    from config.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["billing-monthly-bill-runs"]["task"] == bill_runs_monthly.name
    finance = world.staff[Role.FINANCE]
    for _ in range(4):
        unit = UnitFactory(building=world.building, area=Decimal("120.00"))
        OccupancyFactory(unit=unit, person=PersonFactory(registered_estate=world.estate))
    services.standard_create(
        estate=world.estate,
        fee_item=FeeItemFactory(name="物业费", kind=FeeKind.PROPERTY),
        method=Method.PER_AREA,
        price=Decimal("2.50"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
    )
    run = services.bill_run_start(estate=world.estate, period="2026-11", actor=finance)
    wait_for(lambda: _status(run.pk) == RunStatus.PREVIEWED, what="the run to be computed")
    services.bill_run_issue(run_id=run.pk, actor=finance)
    wait_for(lambda: _status(run.pk) == RunStatus.ISSUED, what="the run to be issued")
    counts = (Bill.objects.count(), BillLine.objects.count(), LedgerEntry.objects.count())
    assert counts == (5, 5, 5)
    notices = Notification.objects.count()

    again = [
        bill_run_compute.delay(run.pk).id,
        bill_run_issue_batches.delay(run.pk).id,
        bill_runs_monthly.delay("2026-11").id,
        bill_runs_monthly.delay("2026-11").id,
    ]
    wait_for(lambda: all(i in worker.finished for i in again), what="the repeated tasks")
    assert (Bill.objects.count(), BillLine.objects.count(), LedgerEntry.objects.count()) == counts
    assert Notification.objects.count() == notices
    # The monthly task started the other estate's run (one per estate and period), once.
    assert BillRun.objects.filter(period="2026-11").count() == 2
    assert len(finished_named(worker, bill_runs_monthly.name)) == 2
    total = sum(b.total for b in Bill.objects.filter(run=run))
    assert total == Decimal("89.50") * Decimal("2.50") + 4 * Decimal("300.00")  # 223.75 + 1200
