"""Payments (收款) at the counter and online, and their receipts (收据).

A payment is recorded once per idempotency key: a repeated submit (or a repeated provider
notification) returns the payment already recorded. The unit's account is locked first, so
two payments at once on one unit are applied one after the other; the receipt number is
taken from the estate's counter row, locked in the same transaction, so numbers have no
gaps and no duplicates however many cashiers issue at once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import DomainError
from core.money import money
from estates.permissions import require

from .. import permissions as P
from ..choices import COUNTER_CHANNELS, EntryKind
from ..models import LedgerEntry, Payment, Receipt, ReceiptCounter
from .ledger import account_lock, allocate


def _existing(idempotency_key, unit, amount):
    payment = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if payment is not None and (payment.unit_id != unit.pk or payment.amount != amount):
        raise DomainError(_("This payment was already recorded with other details."))
    return payment


def receipt_issue(payment: Payment) -> Receipt:
    """The next number of the payment's estate and year (called inside its transaction)."""
    year = timezone.localdate().year
    ReceiptCounter.objects.bulk_create(
        [ReceiptCounter(estate_id=payment.estate_id, year=year)], ignore_conflicts=True
    )
    counter = ReceiptCounter.objects.select_for_update().get(estate_id=payment.estate_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    code = payment.estate.code.upper()
    return Receipt.objects.create(
        estate_id=payment.estate_id,
        year=year,
        sequence=counter.last,
        number=f"{code}-{year}-{counter.last:06d}",
        payment=payment,
    )


def payment_record(
    *, unit, amount, channel, idempotency_key: str, actor, reference="", payer_name="", online=False
) -> Payment:
    """Record money received for `unit`, settle its open bills oldest first (what is left
    becomes a prepaid balance), and issue the receipt. Staff need the collect permission
    in the unit's estate and a counter channel; online payments come from a provider."""
    amount = money(amount)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
    if not idempotency_key:
        raise DomainError(_("A payment needs an idempotency key."))
    if not online:
        require(actor, P.COLLECT, unit.estate)
        if channel not in COUNTER_CHANNELS:
            raise DomainError(_("Choose how the money was paid."))
    with transaction.atomic():
        found = _existing(idempotency_key, unit, amount)
        if found is not None:
            return found
        account = account_lock(unit)
        found = _existing(idempotency_key, unit, amount)  # the same key, submitted meanwhile
        if found is not None:
            return found
        payment = Payment.objects.create(
            estate_id=unit.estate_id,
            unit=unit,
            amount=amount,
            channel=channel,
            reference=reference,
            idempotency_key=idempotency_key,
            payer_name=payer_name,
            received_by=actor if not online else None,
        )
        LedgerEntry.objects.create(
            account=account,
            estate_id=unit.estate_id,
            unit=unit,
            kind=EntryKind.PAYMENT,
            amount=-amount,
            unapplied=amount,
            payment=payment,
            on_date=timezone.localdate(),
            note=reference,
            created_by=actor if not online else None,
        )
        allocate(account)
        receipt_issue(payment)
        record_event(
            payment,
            actor=actor,
            verb="payment_recorded",
            changes={"amount": str(amount), "channel": channel},
            note=reference,
        )
    return payment
