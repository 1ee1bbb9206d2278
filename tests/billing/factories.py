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
