"""Readings → Usage: unit meters (× multiplier, a replaced meter's two parts), shared meters
(公摊) split by floor area or equally so that the parts add up exactly, idempotent, refused
once the month's bills are issued; and the bill run charges that usage at tiered prices."""

import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.choices import AllocationRule, FeeKind, Method, RunStatus
from billing.models import BillLine, BillRun, Usage
from billing.services.meter_usage import usage_compute
from core.errors import DomainError
from estates.choices import Role

from ..factories import BuildingFactory, UnitFactory
from .factories import FeeItemFactory, MeterFactory, reading

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def finance(world):
    return world.staff[Role.FINANCE]


def usage(period="2026-11", item=None):
    rows = Usage.objects.filter(period=period)
    if item is not None:
        rows = rows.filter(fee_item=item)
    return {u: q for u, q in rows.values_list("unit_id", "quantity")}


def test_unit_meters_become_usage_times_the_multiplier(world, finance):
    meter = MeterFactory(unit=world.unit, multiplier=D("2"))
    reading(meter, "2026-10", "100")
    reading(meter, "2026-11", "112.5")
    assert usage_compute(estate=world.estate, period="2026-11", actor=finance) == 1
    assert usage() == {world.unit.pk: D("25.00")}
    # the first month counts from the value when installed
    usage_compute(estate=world.estate, period="2026-10", actor=finance)
    assert usage("2026-10") == {world.unit.pk: D("200.00")}


def test_a_meter_replaced_during_the_month_adds_its_two_parts(world, finance):
    old = MeterFactory(unit=world.unit, serial_number="OLD")
    reading(old, "2026-10", "500")
    reading(old, "2026-11", "506")  # read when removed
    old.is_active, old.removed_on = False, dt.date(2026, 11, 15)
    old.save()
    new = MeterFactory(unit=world.unit, serial_number="NEW", installed_on=dt.date(2026, 11, 15))
    reading(new, "2026-11", "4")  # from 0
    usage_compute(estate=world.estate, period="2026-11", actor=finance)
    assert usage() == {world.unit.pk: D("10.00")}


def test_a_shared_meter_is_split_by_floor_area_exactly(world, finance):
    shared_item = FeeItemFactory(name="公摊电费", kind=FeeKind.SHARED)
    building = BuildingFactory(estate=world.estate)
    units = [UnitFactory(building=building, area=D(a)) for a in ("89.50", "120.00", "65.25")]
    meter = MeterFactory(
        unit=None,
        estate=world.estate,
        building=building,
        kind="electricity",
        fee_item=shared_item,
        allocation=AllocationRule.BY_AREA,
    )
    reading(meter, "2026-10", "1000")
    reading(meter, "2026-11", "1100")  # 100.00 over 274.75 m²
    usage_compute(estate=world.estate, period="2026-11", actor=finance)
    parts = usage(item=shared_item)
    # 32.575…, 43.676…, 23.748… → 32.57 + 43.68 + 23.75 = 100.00 (largest remainder)
    assert parts == {units[0].pk: D("32.57"), units[1].pk: D("43.68"), units[2].pk: D("23.75")}
    assert sum(parts.values()) == D("100.00")


def test_a_shared_meter_split_equally_over_the_units_chosen(world, finance):
    shared_item = FeeItemFactory(name="公摊水费", kind=FeeKind.SHARED)
    chosen = [UnitFactory(building=world.building) for _ in range(3)]
    UnitFactory(building=world.building)  # not served
    meter = MeterFactory(
        unit=None,
        estate=world.estate,
        building=None,  # estate-wide, but only the units chosen
        fee_item=shared_item,
        allocation=AllocationRule.EQUALLY,
    )
    meter.served_units.set(chosen)
    reading(meter, "2026-11", "10")
    usage_compute(estate=world.estate, period="2026-11", actor=finance)
    parts = usage(item=shared_item)
    assert sorted(parts.values()) == [D("3.33"), D("3.33"), D("3.34")]
    assert set(parts) == {u.pk for u in chosen}


def test_computing_again_replaces_only_the_metered_usage(world, finance):
    meter = MeterFactory(unit=world.unit)
    other_item = FeeItemFactory(name="燃气费", kind=FeeKind.ONE_OFF)
    Usage.objects.create(unit=world.unit, fee_item=other_item, period="2026-11", quantity=7)
    no_meter = UnitFactory(building=world.building)  # its water usage came from elsewhere
    Usage.objects.create(unit=no_meter, fee_item=meter.fee_item, period="2026-11", quantity=9)
    current = reading(meter, "2026-11", "20")
    usage_compute(estate=world.estate, period="2026-11", actor=finance)
    usage_compute(estate=world.estate, period="2026-11", actor=finance)
    assert Usage.objects.filter(period="2026-11").count() == 3
    current.value = D("25")
    current.save()
    usage_compute(estate=world.estate, period="2026-11", actor=finance)
    assert usage(item=meter.fee_item) == {world.unit.pk: D("25.00"), no_meter.pk: D("9.00")}
    assert usage(item=other_item) == {world.unit.pk: D("7.00")}
    assert not Usage.objects.filter(unit__estate=world.other_estate).exists()


def test_usage_of_an_issued_month_stays(world, finance):
    meter = MeterFactory(unit=world.unit)
    reading(meter, "2026-11", "20")
    BillRun.objects.create(estate=world.estate, period="2026-11", status=RunStatus.ISSUED)
    with pytest.raises(DomainError):
        usage_compute(estate=world.estate, period="2026-11", actor=finance)
    assert not Usage.objects.exists()


def test_a_role_without_runs_may_not_compute(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        usage_compute(estate=world.estate, period="2026-11", actor=world.staff[Role.TECHNICIAN])


def test_the_bill_run_charges_the_readings_at_tiered_prices(
    world, finance, django_capture_on_commit_callbacks
):
    water = FeeItemFactory(name="水费", kind=FeeKind.WATER)
    services.standard_create(
        estate=world.estate,
        fee_item=water,
        method=Method.METERED,
        price=D("3.50"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
        tiers=[(D("15"), D("3.50")), (D("25"), D("4.55")), (None, D("6.10"))],
        reason="",
    )
    meter = MeterFactory(unit=world.unit, fee_item=water)
    reading(meter, "2026-10", "100")
    reading(meter, "2026-11", "130")  # 30 m³
    with django_capture_on_commit_callbacks(execute=True):
        run = services.bill_run_start(estate=world.estate, period="2026-11", actor=finance)
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED
    line = BillLine.objects.get(bill__run=run, fee_item=water)
    # 15 × 3.50 + 10 × 4.55 + 5 × 6.10 = 52.50 + 45.50 + 30.50
    assert (line.quantity, line.amount) == (D("30.00"), D("128.50"))
    assert "15.00 × ¥3.50 + 10.00 × ¥4.55 + 5.00 × ¥6.10" in str(line.explanation)


def test_a_run_whose_usage_fails_is_marked_failed(world, finance, monkeypatch):
    from billing.services import meter_usage
    from billing.tasks import bill_run_compute

    MeterFactory(unit=world.unit)
    run = BillRun.objects.create(estate=world.estate, period="2026-11")

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(meter_usage, "usage_compute", broken)
    with pytest.raises(RuntimeError):
        bill_run_compute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "boom")
