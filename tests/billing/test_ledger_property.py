"""Property: after any sequence of charges, payments, credits and refunds, every statement
adds up (opening + movements = closing, summed on its own), the balance is what the open
bills still owe less the prepaid balance, and no bill is settled beyond its total."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import services
from billing.models import Bill, LedgerEntry
from billing.selectors import balance, open_bills, prepaid, statement
from core.errors import DomainError
from estates.choices import Role

from .factories import issued_bill

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=200_000).map(lambda c: Decimal(c) / 100)
operation = st.tuples(st.sampled_from(["charge", "pay", "credit", "refund"]), cents)


class Rollback(Exception):
    pass


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(operation, min_size=1, max_size=12), split=st.integers(min_value=0, max_value=12)
)
def test_every_statement_adds_up(world, ops, split):
    finance = world.staff[Role.FINANCE]
    unit = world.unit
    try:
        with transaction.atomic():
            for n, (kind, amount) in enumerate(ops):
                day = dt.date(2026, 1, 1) + dt.timedelta(days=n * 20)
                if kind == "charge":
                    issued_bill(unit, f"{2030 + n}-01", amount, on=day)
                elif kind == "pay":
                    services.payment_record(
                        unit=unit,
                        amount=amount,
                        channel="cash",
                        idempotency_key=f"p{n}",
                        actor=finance,
                    )
                elif kind == "credit":
                    services.credit_record(unit=unit, amount=amount, reason="优惠", actor=finance)
                else:
                    # More than the prepaid balance: refused, nothing written.
                    with contextlib.suppress(DomainError):
                        services.refund_record(
                            unit=unit, amount=amount, reason="退款", actor=finance
                        )
            _check(unit, split)
            raise Rollback
    except Rollback:
        pass


def _check(unit, split):
    start = dt.date(2026, 1, 1) + dt.timedelta(days=split * 20)
    s = statement(unit, start, dt.date(2100, 1, 1))
    assert s.adds_up
    total = sum((e.amount for e in LedgerEntry.objects.filter(unit=unit)), Decimal("0"))
    assert s.closing == total == balance(unit)
    still_owed = sum((b.outstanding for b in open_bills(unit)), Decimal("0"))
    assert balance(unit) == still_owed - prepaid(unit)
    for bill in Bill.objects.filter(unit=unit):
        assert Decimal("0") <= bill.paid <= bill.total
    # Credit is only left over when nothing is open (it is applied oldest first).
    assert prepaid(unit) == 0 or still_owed == 0
