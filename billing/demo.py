"""Demo data of billing (python manage.py seed_demo): company fee items, the estate's fee
standards, and last month's bills issued with a few payments. Idempotent: an estate that
has fee standards already gets nothing more."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from estates.choices import Role, UnitKind
from estates.models import StaffMembership

from .choices import BillStatus, Channel, FeeKind, Method
from .compute import period_bounds, previous_period
from .models import Bill, FeeItem, FeeStandard, Usage
from .services import (
    bill_run_compute,
    bill_run_issue,
    bill_run_issue_batches,
    bill_run_start,
    payment_record,
    standard_create,
)

ITEMS = [
    (
        FeeKind.PROPERTY,
        "物业费",
        Method.PER_AREA,
        "2.80",
        [UnitKind.RESIDENTIAL, UnitKind.SHOP],
        (),
    ),
    (
        FeeKind.GARBAGE,
        "垃圾处理费",
        Method.FIXED,
        "10.00",
        [UnitKind.RESIDENTIAL, UnitKind.SHOP],
        (),
    ),
    (FeeKind.PARKING, "停车费", Method.PER_PARKING, "300.00", [UnitKind.PARKING], ()),
    (
        FeeKind.WATER,
        "水费",
        Method.METERED,
        "3.50",
        [UnitKind.RESIDENTIAL],
        (
            (Decimal("15"), Decimal("3.50")),
            (Decimal("25"), Decimal("4.55")),
            (None, Decimal("6.10")),
        ),
    ),
]


def _finance(estate):
    membership = (
        StaffMembership.objects.filter(
            estate=estate, role__in=[Role.FINANCE, Role.MANAGER], is_active=True
        )
        .select_related("user")
        .order_by("role")
        .first()
    )
    return membership.user if membership else None


# The repair price list (维修收费标准): labour by job type, common materials.
REPAIR_PRICES = [
    ("L-PLUMB", "labour", "plumbing", "水管维修人工", "次", "35.00"),
    ("L-ELEC", "labour", "electrical", "电路维修人工", "次", "40.00"),
    ("L-DOOR", "labour", "doors_windows", "门窗维修人工", "次", "30.00"),
    ("M-VALVE", "material", "", "角阀", "个", "25.00"),
    ("M-SWITCH", "material", "", "开关面板", "个", "18.00"),
    ("M-PIPE", "material", "", "PPR水管", "米", "12.50"),
]


def seed_repair_prices(estate, actor, start) -> int:
    from .services import repair_price_create

    for code, kind, job_type, name, unit, price in REPAIR_PRICES:
        repair_price_create(
            estate=estate, code=code, kind=kind, job_type=job_type, name=name, unit=unit,
            price=price, effective_from=start, actor=actor,
        )  # fmt: skip
    return len(REPAIR_PRICES)


def seed_billing(estate, *, rng) -> int:
    if FeeStandard.objects.filter(estate=estate).exists():
        return 0
    actor = _finance(estate)
    if actor is None:
        return 0
    start = dt.date(timezone.localdate().year, 1, 1)
    created = seed_repair_prices(estate, actor, start)
    for kind, name, method, price, kinds, tiers in ITEMS:
        item, _ = FeeItem.objects.get_or_create(estate=None, name=name, defaults={"kind": kind})
        standard_create(
            estate=estate,
            fee_item=item,
            method=method,
            price=Decimal(price),
            effective_from=start,
            actor=actor,
            unit_kinds=kinds,
            tiers=tiers,
            reason="",
        )
        created += 1
    today = timezone.localdate()
    period = previous_period(f"{today.year:04d}-{today.month:02d}")
    water = FeeItem.objects.get(estate=None, name="水费")
    units = list(estate.units.filter(kind=UnitKind.RESIDENTIAL).values_list("id", flat=True))
    Usage.objects.bulk_create(
        [
            Usage(unit_id=u, fee_item=water, period=period, quantity=Decimal(rng.randint(5, 40)))
            for u in units
        ],
        ignore_conflicts=True,
    )
    run = bill_run_start(estate=estate, period=period, actor=actor)
    bill_run_compute(run_id=run.pk)
    bill_run_issue(run_id=run.pk, actor=actor)
    bill_run_issue_batches(run_id=run.pk)
    issued = Bill.objects.filter(run=run, status=BillStatus.ISSUED).select_related("unit__estate")
    for n, bill in enumerate(issued[:200]):
        if rng.random() < 0.6:
            amount = bill.total if n % 5 else (bill.total / 2).quantize(Decimal("0.01"))
            payment_record(
                unit=bill.unit,
                amount=amount,
                channel=rng.choice([Channel.CASH, Channel.QR, Channel.CARD]),
                idempotency_key=f"demo-{estate.code}-{bill.pk}",
                actor=actor,
            )
    return created + issued.count()


def seed_meters(estate, *, rng) -> int:
    """A water meter for the first units of the first building, read the two months
    before this one, and the building's shared (公摊) electricity meter split by floor
    area. This month stays unread: the phone page has something to do. Idempotent: an
    estate with meters gets nothing more."""
    from .choices import AllocationRule, MeterKind, ReadingSource
    from .models import Meter, MeterReading

    if Meter.objects.filter(estate=estate).exists():
        return 0
    building = estate.buildings.order_by("name").first()
    water = FeeItem.objects.filter(estate=None, name="水费").first()
    if building is None or water is None:
        return 0
    shared, _ = FeeItem.objects.get_or_create(
        estate=None, name="公摊电费", defaults={"kind": FeeKind.SHARED}
    )
    today = timezone.localdate()
    this = f"{today.year:04d}-{today.month:02d}"
    periods = [previous_period(previous_period(this)), previous_period(this)]
    installed = dt.date(today.year - 1, 1, 1)
    units = building.units.filter(kind=UnitKind.RESIDENTIAL).order_by("floor", "number")[:8]
    meters = [
        Meter(
            estate=estate,
            unit=unit,
            building=building,
            kind=MeterKind.WATER,
            fee_item=water,
            serial_number=f"W-{building.pk}-{unit.pk}",
            installed_on=installed,
        )
        for unit in units
    ]
    meters.append(
        Meter(
            estate=estate,
            building=building,
            kind=MeterKind.ELECTRICITY,
            fee_item=shared,
            serial_number=f"E-{building.pk}-公摊",
            allocation=AllocationRule.BY_AREA,
            installed_on=installed,
        )
    )
    Meter.objects.bulk_create(meters)
    readings = []
    for meter in meters:
        value = Decimal(rng.randint(100, 900)) * (10 if meter.unit_id is None else 1)
        for period in periods:
            value += Decimal(rng.randint(8, 25)) * (40 if meter.unit_id is None else 1)
            first, _last = period_bounds(period)
            readings.append(
                MeterReading(
                    meter=meter,
                    estate=estate,
                    period=period,
                    read_on=first + dt.timedelta(days=24),
                    value=value,
                    source=ReadingSource.MANUAL,
                )
            )
    MeterReading.objects.bulk_create(readings)
    return len(meters) + len(readings)
