"""Factories and helpers of billing's tests."""

import datetime as dt
from decimal import Decimal

import factory
from django.db import transaction

from billing.choices import BillStatus, EntryKind, FeeKind, Method
from billing.models import Bill, BillLine, FeeItem, FeeStandard, FeeTier, LedgerEntry
from billing.services.ledger import account_lock, allocate


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem
        django_get_or_create = ("estate", "name")

    estate = None
    kind = FeeKind.PROPERTY
    name = factory.Sequence(lambda n: f"物业费{n}")


class FeeStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeStandard

    estate = factory.SubFactory("tests.factories.EstateFactory")
    fee_item = factory.SubFactory(FeeItemFactory)
    method = Method.PER_AREA
    price = Decimal("2.80")
    effective_from = dt.date(2026, 1, 1)


def tiers(standard, steps):
    for up_to, price in steps:
        FeeTier.objects.create(standard=standard, up_to=up_to, price=Decimal(price))
    return standard


def issued_bill(unit, period="2026-11", amount="250.60", *, on=None, item=None) -> Bill:
    """An issued bill of `amount` with one line and its charge on the unit's account."""
    amount = Decimal(amount)
    item = item or FeeItemFactory(name="物业费", kind=FeeKind.PROPERTY)
    standard = FeeStandard.objects.filter(estate=unit.estate, fee_item=item).first()
    if standard is None:
        standard = FeeStandardFactory(estate=unit.estate, fee_item=item)
    bill = Bill.objects.create(
        estate=unit.estate, unit=unit, period=period, status=BillStatus.ISSUED, total=amount
    )
    BillLine.objects.create(
        bill=bill,
        unit=unit,
        period=period,
        fee_item=item,
        standard=standard,
        quantity=Decimal("1"),
        unit_price=amount,
        amount=amount,
        explanation="test",
    )
    with transaction.atomic():
        account = account_lock(unit)
        LedgerEntry.objects.create(
            account=account,
            estate=unit.estate,
            unit=unit,
            kind=EntryKind.CHARGE,
            amount=amount,
            bill=bill,
            on_date=on or dt.date(2026, 11, 1),
            note="test",
        )
        allocate(account)  # as issuing does: a prepaid balance draws on the new bill
    bill.refresh_from_db()
    return bill


# --- Meters --------------------------------------------------------------------------------


def water_item():
    return FeeItemFactory(name="水费", kind=FeeKind.WATER)


class MeterFactory(factory.django.DjangoModelFactory):
    """A unit's water meter (pass unit=...)."""

    class Meta:
        model = "billing.Meter"

    unit = factory.SubFactory("tests.factories.UnitFactory")
    estate = factory.LazyAttribute(lambda o: o.unit.estate if o.unit else None)
    building = factory.LazyAttribute(lambda o: o.unit.building if o.unit else None)
    kind = "water"
    fee_item = factory.LazyFunction(water_item)
    serial_number = factory.Sequence(lambda n: f"W-{n:05d}")
    installed_on = dt.date(2025, 1, 1)
    initial_value = Decimal("0")
    allocation = ""


def reading(meter, period, value, **extra):
    from billing.models import MeterReading

    return MeterReading.objects.create(
        meter=meter,
        estate=meter.estate,
        period=period,
        value=Decimal(str(value)),
        read_on=extra.pop("read_on", dt.date(2026, 1, 1)),
        source=extra.pop("source", "manual"),
        **extra,
    )


def meter_objects(unit):
    """A meter of `unit` with a reading, and a ready import of its estate (the matrix)."""
    from billing.models import ReadingImport

    meter = MeterFactory(unit=unit)
    reading(meter, "2026-09", "10")
    record = ReadingImport.objects.create(
        estate=unit.estate, original_name="r.csv", status="ready", rows=[]
    )
    return meter, record
