"""Demo data of billing (python manage.py seed_demo): company fee items, the estate's fee
standards, and last month's bills issued with a few payments. Idempotent: an estate that
has fee standards already gets nothing more."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from estates.choices import Role, UnitKind
from estates.models import StaffMembership

from .choices import BillStatus, Channel, FeeKind, Method
from .compute import previous_period
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
