"""Billing end to end in real browsers: finance previews and issues November's bills; the
owner pays online through the sandbox provider on a phone; the receipt PDF carries the
owner's Chinese name and the amount, in figures and in capitals; the arrears report no
longer lists the unit."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from billing import services
from billing.choices import BillStatus, FeeKind, Method
from billing.models import Bill, Payment
from estates.choices import Role

from ..billing.factories import FeeItemFactory
from .conftest import PHONE
from .repair_helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Anju-2026!"  # tests/factories.py UserFactory


def test_finance_issues_november_and_the_owner_pays_online(world, new_context):
    finance = world.staff[Role.FINANCE]
    for name, kind, method, price in [
        ("物业费", FeeKind.PROPERTY, Method.PER_AREA, "2.80"),
        ("垃圾处理费", FeeKind.GARBAGE, Method.FIXED, "10.00"),
    ]:
        services.standard_create(
            estate=world.estate, fee_item=FeeItemFactory(name=name, kind=kind), method=method,
            price=Decimal(price), effective_from=dt.date(2026, 1, 1), actor=finance,
        )  # fmt: skip

    staff = new_context().new_page()
    sign_in(staff, finance.username, PASSWORD, "/staff/billing/")
    staff.goto("/staff/billing/runs/new/")
    staff.locator("#id_period").fill("2026-11")
    with staff.expect_navigation():
        staff.get_by_test_id("start-run").click()
    expect(staff.get_by_test_id("run-ready")).to_be_visible()
    expect(staff.get_by_test_id("preview-total")).to_have_text("¥260.60")  # 250.60 + 10.00
    staff.on("dialog", lambda dialog: dialog.accept())
    with staff.expect_navigation():
        staff.get_by_test_id("run-issue").click()
    expect(staff.get_by_test_id("run-issued")).to_be_visible()
    assert Bill.objects.get(unit=world.unit, period="2026-11").status == BillStatus.ISSUED
    # Past its due date, the bill is in arrears.
    Bill.objects.filter(unit=world.unit).update(due_date=dt.date(2026, 11, 20))
    staff.goto("/staff/billing/arrears/?by=unit")
    expect(staff.get_by_test_id("arrears")).to_contain_text(world.unit.number)
    expect(staff.get_by_test_id("arrears-total")).to_have_text("¥260.60")

    owner = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(owner, world.owner.username, PASSWORD, "/portal/billing/")
    owner.goto("/portal/billing/")
    with owner.expect_navigation():
        owner.get_by_test_id("unit-bills").get_by_text("2026-11").click()
    expect(owner.get_by_test_id("bill-open")).to_have_text("¥260.60")
    with owner.expect_navigation():
        owner.get_by_test_id("pay-online").click()
    expect(owner.get_by_test_id("sandbox-banner")).to_contain_text("SANDBOX")
    expect(owner.get_by_test_id("sandbox-amount")).to_have_text("¥260.60")
    with owner.expect_navigation():
        owner.get_by_test_id("sandbox-pay").click()
    expect(owner.get_by_test_id("bill-open")).to_have_text("¥0.00")
    assert Payment.objects.count() == 1

    receipt = owner.get_by_test_id("receipts").locator("a").first
    response = owner.request.get(
        receipt.get_attribute("href"), headers={"Accept-Language": "zh-CN"}
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "王小明" in text
    assert "260.60" in text
    assert "贰佰陆拾元陆角整" in text
    staff.reload()
    expect(staff.get_by_test_id("empty-state")).to_be_visible()  # no longer in arrears
    assert staff.context.bad_responses == [] and owner.context.bad_responses == []
