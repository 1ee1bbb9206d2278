"""Paying online through the sandbox provider: redirect, "pay", a signed notification that
may come more than once and before or after the owner's return; each records once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.choices import BillStatus, Channel, OnlineStatus
from billing.models import Bill, OnlinePayment, Payment, Receipt
from billing.providers import provider
from billing.services import online_payment_start
from billing.services.online import notification_handle
from core.errors import DomainError

from .factories import issued_bill

pytestmark = pytest.mark.django_db


def test_the_whole_sandbox_flow_through_the_pages(world, login, django_capture_on_commit_callbacks):
    bill = issued_bill(world.unit, "2026-11", "250.60")
    client = login(world.owner)
    page = client.get(reverse("portal_billing:bill_detail", kwargs={"bill_pk": bill.pk}))
    assert b"pay-online" in page.content
    response = client.post(reverse("portal_billing:pay_start", kwargs={"bill_pk": bill.pk}))
    online = OnlinePayment.objects.get(bill=bill)
    assert response["Location"] == reverse(
        "portal_billing:sandbox_checkout", kwargs={"online_pk": online.pk}
    )
    checkout = client.get(response["Location"])
    assert b"SANDBOX" in checkout.content and "¥250.60" in checkout.content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        back = client.post(reverse("portal_billing:sandbox_pay", kwargs={"online_pk": online.pk}))
    assert len(callbacks) == 1  # the notification, sent by a task after the commit
    done = client.get(back["Location"], follow=True)
    assert "¥250.60" in done.content.decode()
    online.refresh_from_db()
    bill.refresh_from_db()
    assert online.status == OnlineStatus.PAID and bill.status == BillStatus.PAID
    payment = Payment.objects.get()
    assert (payment.channel, payment.amount, payment.payer_name) == (
        Channel.ONLINE,
        Decimal("250.60"),
        "王小明",
    )
    assert payment.idempotency_key == f"sandbox:{online.provider_txn_id}"
    assert Receipt.objects.count() == 1


def _notify(online, txn):
    body, signature = provider().notification(online, txn)
    return body, signature


def test_repeated_notifications_before_and_after_the_return_record_once(world, login):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    online = online_payment_start(bill_id=bill.pk, actor=world.owner)
    body, signature = _notify(online, "SBXTXN1")
    client = login(world.owner)
    # The notification comes first (twice, also through the URL), then the owner returns.
    notification_handle(provider_name="sandbox", body=body, signature=signature)
    response = client.post(
        reverse("portal_billing:provider_notify"),
        data=body,
        content_type="application/json",
        headers={"X-Sandbox-Signature": signature},
    )
    assert response.status_code == 200
    query = provider().return_query(online, "SBXTXN1")
    client.get(reverse("portal_billing:pay_return", kwargs={"online_pk": online.pk}), query)
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1


def test_return_first_then_the_notification(world, login):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    online = online_payment_start(bill_id=bill.pk, actor=world.owner)
    query = provider().return_query(online, "SBXTXN2")
    login(world.owner).get(
        reverse("portal_billing:pay_return", kwargs={"online_pk": online.pk}), query
    )
    assert Payment.objects.count() == 1
    body, signature = _notify(online, "SBXTXN2")
    notification_handle(provider_name="sandbox", body=body, signature=signature)
    assert Payment.objects.count() == 1


def test_a_bad_signature_or_another_transaction_is_refused(world, client):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    online = online_payment_start(bill_id=bill.pk, actor=world.owner)
    body, signature = _notify(online, "SBXTXN3")
    forged = body.replace(b"100.00", b"1.00")
    response = client.post(
        reverse("portal_billing:provider_notify"),
        data=forged,
        content_type="application/json",
        headers={"X-Sandbox-Signature": signature},
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()
    notification_handle(provider_name="sandbox", body=body, signature=signature)
    other_body, other_signature = _notify(online, "SBXOTHER")
    with pytest.raises(DomainError):
        notification_handle(provider_name="sandbox", body=other_body, signature=other_signature)
    assert Payment.objects.count() == 1


def test_nothing_to_pay_and_other_owners(world, login):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    with pytest.raises(Bill.DoesNotExist):  # another owner's bill is not in their scope
        online_payment_start(bill_id=bill.pk, actor=world.other_owner)
    online = online_payment_start(bill_id=bill.pk, actor=world.owner)
    body, signature = _notify(online, "SBXTXN4")
    notification_handle(provider_name="sandbox", body=body, signature=signature)
    with pytest.raises(DomainError):
        online_payment_start(bill_id=bill.pk, actor=world.owner)
