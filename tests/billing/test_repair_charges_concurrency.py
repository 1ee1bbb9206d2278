"""A repair's charge posted twice at once (the owner's "pay now" while the bill run issues),
on PostgreSQL with real transactions in threads: one bill, one ledger charge."""

import pytest
from django.db import connection

from billing import services
from billing.choices import EntryKind
from billing.models import Bill, LedgerEntry

from .repair_helpers import completed_with_accepted_quote, tech
from .test_concurrency import _together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_posts_at_once_make_one_bill_and_one_charge(world):
    ticket, quote = completed_with_accepted_quote(world)
    charge = services.repair_charge_record(
        ticket_id=ticket.pk, actor=tech(world), amount=quote.total
    )
    _together(4, lambda i: services.repair_charge_post(charge_id=charge.pk))
    charge.refresh_from_db()
    assert Bill.objects.filter(unit=world.unit).count() == 1
    charges = LedgerEntry.objects.filter(unit=world.unit, kind=EntryKind.CHARGE)
    assert [(e.bill_id, e.amount) for e in charges] == [(charge.bill_id, quote.total)]
