"""Billing's printed output, read back with pypdf (and pdftotext): the publication of the
fee standards, the receipt (owner's Chinese name, amount in figures and in capitals) and
the statement, in Chinese."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.choices import FeeKind, Method
from estates.choices import Role

from ..maintenance.test_pdfs import pdf_text
from .factories import FeeItemFactory, issued_bill

pytestmark = pytest.mark.django_db


def _zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_published_standards_pdf_says_how_each_amount_is_computed(world, login):
    finance = world.staff[Role.FINANCE]
    services.standard_create(
        estate=world.estate,
        fee_item=FeeItemFactory(name="物业费", kind=FeeKind.PROPERTY),
        method=Method.PER_AREA,
        price=Decimal("2.80"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
    )
    services.standard_create(
        estate=world.estate,
        fee_item=FeeItemFactory(name="水费", kind=FeeKind.WATER),
        method=Method.METERED,
        price=Decimal("3.50"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
        tiers=[(Decimal("15"), Decimal("3.50")), (None, Decimal("4.55"))],
    )
    client = _zh(login(world.owner))
    page = client.get(reverse("portal_billing:standards"))
    assert "物业费" in page.content.decode()
    response = client.get(
        reverse("portal_billing:standards_pdf", kwargs={"estate_pk": world.estate.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "锦绣园" in text and "收费标准" in text
    assert "物业费" in text and "¥2.8" in text
    assert "水费" in text and "4.55" in text
    other = client.get(
        reverse("portal_billing:standards_pdf", kwargs={"estate_pk": world.other_estate.pk})
    )
    assert other.status_code == 404


def test_receipt_carries_the_owners_chinese_name_and_the_amount_in_capitals(world, login):
    bill = issued_bill(world.unit, "2026-11", "1234.56")
    payment = services.payment_record(
        unit=world.unit,
        amount="1234.56",
        channel="cash",
        idempotency_key="r",
        actor=world.staff[Role.FINANCE],
        payer_name="王小明",
    )
    client = _zh(login(world.owner))
    response = client.get(reverse("portal_billing:receipt_pdf", kwargs={"payment_pk": payment.pk}))
    text = pdf_text(response.content)
    assert "收据" in text and payment.receipt.number in text
    assert "王小明" in text
    assert "¥1234.56" in text.replace(",", "")
    assert "壹仟贰佰叁拾肆元伍角陆分" in text
    assert bill.period in text
    staff = _zh(login(world.staff[Role.CUSTOMER_SERVICE]))
    assert (
        staff.get(reverse("billing:receipt_pdf", kwargs={"payment_pk": payment.pk})).status_code
        == 200
    )
    assert (
        login(world.other_owner)
        .get(reverse("portal_billing:receipt_pdf", kwargs={"payment_pk": payment.pk}))
        .status_code
        == 404
    )


def test_statement_pdf_adds_up(world, login):
    issued_bill(world.unit, "2026-11", "300.00", on=dt.date(2026, 11, 1))
    services.payment_record(
        unit=world.unit,
        amount="120.00",
        channel="cash",
        idempotency_key="s",
        actor=world.staff[Role.FINANCE],
    )
    client = _zh(login(world.owner))
    url = reverse("portal_billing:statement_pdf", kwargs={"unit_pk": world.unit.pk})
    text = pdf_text(client.get(url, {"from": "2026-01", "to": "2026-12"}).content)
    assert "对账单" in text or "账单" in text
    assert "期初余额" in text and "期末余额" in text
    assert "¥300.00" in text and "¥-120.00" in text and "¥180.00" in text
