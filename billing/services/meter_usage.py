"""Readings → Usage (usage_compute): what the bill run charges for metered fee items.

For an estate and a period: each unit meter's consumption (× multiplier) becomes usage of
its fee item by its unit; each shared meter's (公摊) consumption is split over the units it
serves by floor area or equally (billing.meter_math.split: the parts add up exactly) as
usage of the shared meter's fee item. Several meters of the same unit and fee item (a meter
replaced during the month) add up.

Idempotent: the period's Usage rows of the units and fee items fed by the estate's meters
are replaced by what the readings say now, in one transaction; other Usage rows (a unit
without a meter, whose usage was entered otherwise) are left alone.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import DomainError
from estates.models import Unit
from estates.permissions import require

from .. import meter_math
from .. import permissions as P
from ..choices import AllocationRule
from ..compute import period_bounds
from ..models import Meter, MeterReading, Usage
from .meters import check_period, period_closed


def _previous_values(meter_ids, period) -> dict[int, Decimal]:
    """meter id -> its latest reading before `period`."""
    rows = (
        MeterReading.objects.filter(meter_id__in=meter_ids, period__lt=period)
        .order_by("meter_id", "period")
        .values_list("meter_id", "value")
    )
    return dict(rows)  # ascending periods: the last one of each meter wins


def _served(meter, units_by_scope) -> list[dict]:
    chosen = [u for u in meter.served_units.all()]
    if chosen:
        return [{"id": u.pk, "area": u.area} for u in sorted(chosen, key=lambda u: u.pk)]
    return units_by_scope(meter.building_id)


def consumptions(estate, period: str) -> dict[int, Decimal]:
    """meter id -> consumption × multiplier in `period`, of the meters read in it."""
    readings = list(
        MeterReading.objects.filter(estate=estate, period=period).select_related("meter")
    )
    previous = _previous_values([r.meter_id for r in readings], period)
    return {
        r.meter_id: meter_math.consumption(
            r.value, previous.get(r.meter_id, r.meter.initial_value), r.meter.multiplier
        )
        for r in readings
    }


def usage_rows(estate, period: str) -> tuple[dict[tuple[int, int], Decimal], dict[int, set]]:
    """((unit id, fee item id) -> quantity, fee item id -> the units fed by the estate's
    meters in place during the period, read or not)."""
    used = consumptions(estate, period)
    first, last = period_bounds(period)
    meters = (
        Meter.objects.filter(estate=estate, installed_on__lte=last)
        .exclude(removed_on__lt=first)
        .prefetch_related("served_units")
    )
    fed: dict[int, set] = defaultdict(set)
    quantities: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    cache: dict = {}

    def units_by_scope(building_id):
        if building_id not in cache:
            units = Unit.objects.filter(estate=estate)
            if building_id is not None:
                units = units.filter(building_id=building_id)
            cache[building_id] = list(units.order_by("id").values("id", "area"))
        return cache[building_id]

    for meter in meters:
        amount = used.get(meter.pk)
        if meter.unit_id is not None:
            fed[meter.fee_item_id].add(meter.unit_id)
            if amount is not None:
                quantities[(meter.unit_id, meter.fee_item_id)] += amount
            continue
        units = _served(meter, units_by_scope)
        fed[meter.fee_item_id].update(u["id"] for u in units)
        if amount is None:
            continue
        if meter.allocation == AllocationRule.BY_AREA:
            weights = [Decimal(u["area"]) for u in units]
        else:
            weights = [Decimal(1)] * len(units)
        for unit, part in zip(units, meter_math.split(amount, weights), strict=True):
            quantities[(unit["id"], meter.fee_item_id)] += part
    return dict(quantities), fed


def usage_compute(*, estate, period: str, actor) -> int:
    """Replace the period's metered Usage of `estate` by what its readings say. Returns
    the number of Usage rows. Refused once the period's bills are issued."""
    if actor is not None:
        require(actor, P.RUN, estate)
    check_period(period)
    with transaction.atomic():
        if period_closed(estate, period):
            raise DomainError(_("The bills of this month are issued: its usage stays as it is."))
        quantities, fed = usage_rows(estate, period)
        for item_id, unit_ids in fed.items():  # units without a meter keep their usage
            Usage.objects.filter(period=period, fee_item_id=item_id, unit_id__in=unit_ids).delete()
        Usage.objects.bulk_create(
            [
                Usage(unit_id=unit_id, fee_item_id=item_id, period=period, quantity=quantity)
                for (unit_id, item_id), quantity in sorted(quantities.items())
                if quantity > 0
            ]
        )
        count = sum(1 for q in quantities.values() if q > 0)
        record_event(
            estate,
            actor=actor,
            verb="meter_usage_computed",
            changes={"period": period, "rows": count},
        )
    return count


def usage_for_run(*, run_id) -> int:
    """Before a bill run computes (its task): the period's usage from the readings, while
    the run still computes (a redelivered task of a computed run changes nothing). An
    estate without meters keeps the Usage it has."""
    from ..choices import RunStatus
    from ..models import BillRun

    run = BillRun.objects.select_related("estate").get(pk=run_id)
    if run.status != RunStatus.DRAFT or not Meter.objects.filter(estate=run.estate).exists():
        return 0
    try:
        return usage_compute(estate=run.estate, period=run.period, actor=None)
    except Exception as exc:
        _run_failed(run_id, exc)  # shown on the run's page; it may be computed again
        raise


def _run_failed(run_id, exc) -> None:
    from ..models import BillRun
    from ..transitions import RUN

    with transaction.atomic():
        run = BillRun.objects.select_for_update().get(pk=run_id)
        if run.status in RUN["fail"].from_states:
            run.status, run.error = RUN["fail"].to_state, str(exc)[:500]
            run.save(update_fields=["status", "error", "updated_at"])
            record_event(run, actor=None, verb="bill_run_failed", note=run.error)
