"""Online payments by owners: start one for a bill, and confirm it once the provider says
it was paid (from its notification or the owner's return, whichever comes first)."""

import json

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import DomainError
from core.money import money

from ..choices import OPEN_BILL_STATUSES, Channel, OnlineStatus
from ..models import Bill, OnlinePayment
from ..providers import provider
from .payments import payment_record


def online_payment_start(*, bill_id, actor, provider_name="sandbox") -> OnlinePayment:
    """An owner's online payment of what is open on one of their bills."""
    with transaction.atomic():
        bill = Bill.objects.for_owner(actor).select_for_update().get(pk=bill_id)
        if bill.status not in OPEN_BILL_STATUSES or bill.outstanding <= 0:
            raise DomainError(_("This bill has nothing left to pay."))
        online = OnlinePayment.objects.create(
            estate_id=bill.estate_id,
            unit_id=bill.unit_id,
            bill=bill,
            amount=bill.outstanding,
            provider=provider_name,
            started_by=actor,
        )
        record_event(
            online,
            actor=actor,
            verb="online_payment_started",
            changes={"amount": str(online.amount)},
        )
    return online


def online_payment_confirm(*, online_id, txn_id: str, amount) -> OnlinePayment:
    """The provider says `online_id` was paid as `txn_id`: record the payment once."""
    with transaction.atomic():
        online = (
            OnlinePayment.objects.select_for_update()
            .select_related("unit__estate", "started_by")
            .get(pk=online_id)
        )
        if online.payment_id is not None:
            if online.provider_txn_id != txn_id:
                raise DomainError(_("This payment was already confirmed with another transaction."))
            return online
        if money(amount) != online.amount:
            raise DomainError(_("The amount paid is not the amount asked."))
        person = getattr(online.started_by, "person", None)
        payment = payment_record(
            unit=online.unit,
            amount=online.amount,
            channel=Channel.ONLINE,
            idempotency_key=f"{online.provider}:{txn_id}",
            actor=online.started_by,
            reference=txn_id,
            payer_name=person.name if person else "",
            online=True,
        )
        online.status, online.provider_txn_id, online.payment = OnlineStatus.PAID, txn_id, payment
        online.save(update_fields=["status", "provider_txn_id", "payment", "updated_at"])
    return online


def notification_handle(*, provider_name: str, body: bytes, signature: str) -> OnlinePayment:
    """A provider's notification: verified (DomainError if the signature is wrong), then
    confirmed. Safe to call any number of times."""
    pay = provider(provider_name)
    if not pay.verify(body, signature):
        raise DomainError(_("The notification's signature is not valid."))
    data = json.loads(body)
    return online_payment_confirm(
        online_id=int(data["merchant_ref"]), txn_id=str(data["txn_id"]), amount=data["amount"]
    )
