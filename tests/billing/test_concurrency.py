"""Two cashiers at once, on PostgreSQL with real transactions in threads: one bill is not
settled twice, and receipt numbers have no gaps and no duplicates."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from billing import services
from billing.models import Allocation, Payment, Receipt
from billing.selectors import balance, prepaid
from estates.choices import Role

from .factories import issued_bill

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _together(n, work):
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_two_payments_at_once_on_one_bill_do_not_double_apply(world):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    cashier = world.staff[Role.FINANCE]
    _together(
        2,
        lambda i: services.payment_record(
            unit=world.unit, amount="100.00", channel="cash", idempotency_key=f"c{i}", actor=cashier
        ),
    )
    bill.refresh_from_db()
    assert bill.paid == Decimal("100.00")
    assert sum(a.amount for a in Allocation.objects.filter(bill=bill)) == Decimal("100.00")
    assert prepaid(world.unit) == Decimal("100.00")  # the second became a prepaid balance
    assert balance(world.unit) == Decimal("-100.00")


def test_the_same_key_submitted_twice_at_once_records_once(world):
    cashier = world.staff[Role.FINANCE]
    _together(
        2,
        lambda i: services.payment_record(
            unit=world.unit,
            amount="50.00",
            channel="cash",
            idempotency_key="double-click",
            actor=cashier,
        ),
    )
    assert Payment.objects.count() == 1


def test_receipt_numbers_under_concurrency(world):
    from tests.factories import UnitFactory

    units = [UnitFactory(building=world.building) for _ in range(6)]
    cashier = world.staff[Role.MANAGER]
    _together(
        6,
        lambda i: services.payment_record(
            unit=units[i], amount="10", channel="cash", idempotency_key=f"r{i}", actor=cashier
        ),
    )
    sequences = sorted(
        Receipt.objects.filter(estate=world.estate).values_list("sequence", flat=True)
    )
    assert sequences == [1, 2, 3, 4, 5, 6]
