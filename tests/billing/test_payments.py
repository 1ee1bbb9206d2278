"""Payments at the counter: partial payments, oldest bills first, prepaid balances,
idempotency keys, credits and refunds, voiding, and the ledger adding up."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from billing import services
from billing.choices import BillStatus
from billing.models import Allocation, Payment, Receipt
from billing.selectors import balance, open_bills, prepaid, statement
from core.errors import DomainError
from estates.choices import Role

from .factories import issued_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def cashier(world):
    return world.staff[Role.FINANCE]


def pay(unit, amount, actor, key, channel="cash"):
    return services.payment_record(
        unit=unit, amount=amount, channel=channel, idempotency_key=key, actor=actor
    )


def test_partial_payment_then_oldest_first(world, cashier):
    october = issued_bill(world.unit, "2026-10", "100.00")
    november = issued_bill(world.unit, "2026-11", "250.60")
    pay(world.unit, "60.00", cashier, "k1")
    october.refresh_from_db()
    assert (october.status, october.paid) == (BillStatus.PARTIALLY_PAID, Decimal("60.00"))
    pay(world.unit, "100.00", cashier, "k2")  # 40 closes October, 60 goes to November
    october.refresh_from_db()
    november.refresh_from_db()
    assert october.status == BillStatus.PAID
    assert (november.status, november.paid) == (BillStatus.PARTIALLY_PAID, Decimal("60.00"))
    assert balance(world.unit) == Decimal("190.60")
    assert list(open_bills(world.unit)) == [november]


def test_overpayment_becomes_prepaid(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "100.00")
    pay(world.unit, "150.00", cashier, "k1")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert prepaid(world.unit) == Decimal("50.00")
    assert balance(world.unit) == Decimal("-50.00")


def test_a_repeated_submit_records_once(world, cashier):
    issued_bill(world.unit, "2026-10", "100.00")
    first = pay(world.unit, "80.00", cashier, "same-key")
    again = pay(world.unit, "80.00", cashier, "same-key")
    assert first.pk == again.pk
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
    assert balance(world.unit) == Decimal("20.00")
    with pytest.raises(DomainError):  # the same key with other details is refused
        pay(world.unit, "81.00", cashier, "same-key")


def test_receipts_are_numbered_per_estate_and_year(world, cashier):
    a1 = pay(world.unit, "1", cashier, "a1").receipt
    a2 = pay(world.unit, "2", cashier, "a2").receipt
    admin = world.admin
    b1 = pay(world.other_unit, "3", admin, "b1").receipt
    assert (a1.sequence, a2.sequence, b1.sequence) == (1, 2, 1)
    assert a1.number.startswith("JXY-") and a1.number.endswith("-000001")
    assert b1.number.startswith("CHY-")


def test_roles_and_channels(world):
    with pytest.raises(PermissionDenied):
        pay(world.unit, "1", world.staff[Role.CUSTOMER_SERVICE], "x")
    with pytest.raises(PermissionDenied):  # finance in A is nobody in B
        pay(world.other_unit, "1", world.staff[Role.FINANCE], "y")
    with pytest.raises(DomainError):
        pay(world.unit, "1", world.staff[Role.FINANCE], "z", channel="online")
    with pytest.raises(DomainError):
        pay(world.unit, "0", world.staff[Role.FINANCE], "w")
    assert not Payment.objects.exists()


def test_credit_needs_a_reason_and_the_role(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "100.00")
    with pytest.raises(DomainError):
        services.credit_record(unit=world.unit, amount="10", reason="", actor=cashier)
    with pytest.raises(PermissionDenied):
        services.credit_record(
            unit=world.unit, amount="10", reason="x", actor=world.staff[Role.CUSTOMER_SERVICE]
        )
    services.credit_record(unit=world.unit, amount="30", reason="空置优惠", actor=cashier)
    bill.refresh_from_db()
    assert (bill.paid, bill.status, bill.total) == (
        Decimal("30.00"),
        BillStatus.PARTIALLY_PAID,
        Decimal("100.00"),
    )
    assert balance(world.unit) == Decimal("70.00")


def test_void_is_a_credit_note_and_the_bill_is_not_edited(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "100.00")
    pay(world.unit, "40", cashier, "k")
    services.bill_void(bill_id=bill.pk, reason="面积登记错误", actor=cashier)
    bill.refresh_from_db()
    assert bill.status == BillStatus.VOID and bill.total == Decimal("100.00")
    assert balance(world.unit) == Decimal("0.00")
    assert Allocation.objects.filter(bill=bill).count() == 2


def test_refund_only_from_the_prepaid_balance(world, cashier):
    pay(world.unit, "100", cashier, "k")
    with pytest.raises(DomainError):
        services.refund_record(unit=world.unit, amount="100.01", reason="退款", actor=cashier)
    services.refund_record(unit=world.unit, amount="60", reason="退款", actor=cashier)
    assert prepaid(world.unit) == Decimal("40.00")
    assert balance(world.unit) == Decimal("-40.00")


def test_statement_adds_up_by_kind(world, cashier):
    import datetime as dt

    issued_bill(world.unit, "2026-09", "90.00", on=dt.date(2026, 9, 1))
    issued_bill(world.unit, "2026-10", "100.00", on=dt.date(2026, 10, 1))
    pay(world.unit, "150", cashier, "k")
    services.credit_record(unit=world.unit, amount="5", reason="折扣", actor=cashier)
    s = statement(world.unit, dt.date(2026, 10, 1), dt.date(2099, 12, 31))
    assert s.opening == Decimal("90.00")
    assert (s.charges, s.payments, s.adjustments, s.refunds) == (
        Decimal("100.00"),
        Decimal("-150.00"),
        Decimal("-5.00"),
        Decimal("0.00"),
    )
    assert s.closing == Decimal("35.00") and s.adds_up
    assert s.entries[-1].running == s.closing
