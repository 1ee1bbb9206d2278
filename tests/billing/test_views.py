"""Billing's staff and owner pages: forms with errors next to the field, the run page
with its preview and buttons from the transition table, the counter, the arrears report,
and owners' pages limited to their own units."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.choices import BillStatus, FeeKind, Method, RunStatus
from billing.models import Bill, BillRun, FeeStandard, Payment
from billing.selectors import arrears_aging
from estates.choices import Role

from ..factories import BuildingFactory, OccupancyFactory, PersonFactory, UnitFactory
from .factories import FeeItemFactory, issued_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(world):
    return world.staff[Role.FINANCE]


def test_new_standard_form_shows_errors_next_to_the_field(world, login, finance):
    item = FeeItemFactory(name="水费", kind=FeeKind.WATER)
    client = login(finance)
    url = reverse("billing:standard_create")
    data = {
        "fee_item": item.pk,
        "method": Method.METERED,
        "price": "3.50",
        "tiers": "ten 3.00",
        "effective_from": "2026-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Line 1: write" in response.content.decode()
    assert not FeeStandard.objects.exists()
    data["tiers"] = "15 3.50\n- 4.55"
    response = client.post(url, data)
    standard = FeeStandard.objects.get()
    assert response["Location"] == standard.get_absolute_url()
    assert [(t.up_to, t.price) for t in standard.tiers.all()] == [
        (Decimal("15.00"), Decimal("3.5000")),
        (None, Decimal("4.5500")),
    ]


def test_changing_a_standard_needs_a_reason_and_makes_a_version(world, login, finance):
    item = FeeItemFactory(name="物业费", kind=FeeKind.PROPERTY)
    standard = services.standard_create(
        estate=world.estate,
        fee_item=item,
        method=Method.PER_AREA,
        price=Decimal("2.80"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
    )
    client = login(finance)
    url = reverse("billing:standard_revise", kwargs={"standard_pk": standard.pk})
    data = {
        "method": Method.PER_AREA,
        "price": "3.00",
        "effective_from": "2027-01-01",
        "reason": "",
    }
    page = client.post(url, data)
    assert "This field is required." in page.content.decode()
    data["reason"] = "成本上涨"
    client.post(url, data)
    assert FeeStandard.objects.count() == 2
    detail = client.get(standard.get_absolute_url()).content.decode()
    assert "成本上涨" in detail and "v2" in detail


def test_run_page_shows_preview_and_issue_button_from_the_table(
    world, login, finance, django_capture_on_commit_callbacks
):
    services.standard_create(
        estate=world.estate,
        fee_item=FeeItemFactory(name="物业费"),
        method=Method.PER_AREA,
        price=Decimal("2.80"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
    )
    client = login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("billing:run_start"), {"period": "2026-11"})
    run = BillRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "run-preview" in page and "¥250.60" in page and 'data-testid="run-issue"' in page
    # Customer service sees the page, not the button.
    cs_page = login(world.staff[Role.CUSTOMER_SERVICE]).get(run.get_absolute_url()).content.decode()
    assert "run-preview" in cs_page and 'data-testid="run-issue"' not in cs_page
    client = login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:run_issue", kwargs={"run_pk": run.pk}))
    run.refresh_from_db()
    assert run.status == RunStatus.ISSUED
    issued_page = client.get(run.get_absolute_url()).content.decode()
    assert "run-issued" in issued_page and "Bills issued" in issued_page  # its timeline
    progress = client.get(
        reverse("billing:run_progress", kwargs={"run_pk": run.pk}), headers={"HX-Request": "true"}
    )
    assert progress["HX-Refresh"] == "true" and b"run-issued" in progress.content
    bad = client.post(reverse("billing:run_start"), {"period": "11/2026"})
    assert "Write the month as YYYY-MM" in bad.content.decode()


def test_progress_polls_while_computing(world, login, finance):
    run = BillRun.objects.create(
        estate=world.estate, period="2026-11", unit_count=10, computed_count=4
    )
    page = (
        login(finance)
        .get(reverse("billing:run_progress", kwargs={"run_pk": run.pk}))
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in page and 'data-progress="40"' in page


def test_the_counter_records_a_double_submit_once(world, login, finance):
    issued_bill(world.unit, "2026-11", "250.60")
    client = login(finance)
    url = reverse("billing:payment_create", kwargs={"unit_pk": world.unit.pk})
    data = {
        "amount": "250.60",
        "channel": "cash",
        "reference": "",
        "payer_name": "王小明",
        "idempotency_key": "form-1",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Payment.objects.count() == 1
    assert Bill.objects.get().status == BillStatus.PAID
    page = client.get(
        reverse("billing:account_detail", kwargs={"unit_pk": world.unit.pk})
    ).content.decode()
    assert Payment.objects.get().receipt.number in page
    error = client.post(url, {**data, "amount": "0", "idempotency_key": "form-2"})
    assert "Ensure this value is greater than or equal to 0.01." in error.content.decode()


def test_void_and_credit_pages(world, login, finance):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    client = login(finance)
    client.post(
        reverse("billing:credit_create", kwargs={"unit_pk": world.unit.pk}),
        {"amount": "10", "reason": "空置"},
    )
    bill.refresh_from_db()
    assert bill.paid == Decimal("10.00")
    client.post(reverse("billing:bill_void", kwargs={"bill_pk": bill.pk}), {"reason": "重复开具"})
    bill.refresh_from_db()
    assert bill.status == BillStatus.VOID


def test_arrears_aging_buckets_by_days_past_due(world, login):
    today = dt.date(2026, 12, 2)
    other = BuildingFactory(estate=world.estate, name="5栋")
    second = UnitFactory(building=other)
    for unit, period, amount, due_days_ago in [
        (world.unit, "2026-11", "100.00", 10),
        (world.unit, "2026-09", "50.00", 60),
        (second, "2026-05", "30.00", 150),
        (second, "2025-12", "20.00", 300),
    ]:
        bill = issued_bill(unit, period, amount)
        Bill.objects.filter(pk=bill.pk).update(due_date=today - dt.timedelta(days=due_days_ago))
    report = arrears_aging(world.estate, by="building", on=today)
    rows = {r["unit__building__name"]: r for r in report["rows"]}
    assert (rows["3栋"]["d0_30"], rows["3栋"]["d31_90"]) == (Decimal("100.00"), Decimal("50.00"))
    assert (rows["5栋"]["d91_180"], rows["5栋"]["d180_plus"]) == (
        Decimal("30.00"),
        Decimal("20.00"),
    )
    assert report["totals"]["total"] == Decimal("200.00")
    by_unit = arrears_aging(world.estate, by="unit", on=today)
    assert len(by_unit["rows"]) == 2
    page = login(world.staff[Role.CUSTOMER_SERVICE]).get(reverse("billing:arrears"), {"by": "unit"})
    assert "arrears-total" in page.content.decode()


def test_owner_sees_only_their_units_bills(world, login):
    mine = issued_bill(world.unit, "2026-11", "100.00")
    theirs = issued_bill(world.other_unit, "2026-11", "200.00")
    Bill.objects.create(
        estate=world.estate, unit=world.unit, period="2026-12", total=Decimal("1")
    )  # draft
    client = login(world.owner)
    page = client.get(reverse("portal_billing:bills")).content.decode()
    assert "2026-11" in page and "2026-12" not in page and "¥200.00" not in page
    assert (
        client.get(reverse("portal_billing:bill_detail", kwargs={"bill_pk": theirs.pk})).status_code
        == 404
    )
    assert (
        client.get(reverse("portal_billing:bill_detail", kwargs={"bill_pk": mine.pk})).status_code
        == 200
    )
    statement = client.get(
        reverse("portal_billing:statement", kwargs={"unit_pk": world.unit.pk}),
        {"from": "2026-01", "to": "2026-12"},
    )
    assert "¥100.00" in statement.content.decode()


def test_an_owner_who_moved_out_no_longer_sees_the_bills(world, login):
    bill = issued_bill(world.unit, "2026-11", "100.00")
    world.owner_person.occupancies.update(end_date=dt.date(2026, 1, 1))
    newcomer = PersonFactory(registered_estate=world.estate)
    OccupancyFactory(unit=world.unit, person=newcomer, start_date=dt.date(2026, 1, 2))
    client = login(world.owner)
    assert (
        client.get(reverse("portal_billing:bill_detail", kwargs={"bill_pk": bill.pk})).status_code
        == 404
    )


def test_a_new_fee_item_of_the_estate(world, login, finance):
    from billing.models import FeeItem

    FeeItemFactory(name="物业费")  # company-wide
    client = login(finance)
    url = reverse("billing:fee_item_create")
    taken = client.post(url, {"kind": FeeKind.PROPERTY, "name": "物业费", "periodic": "on"})
    assert "A fee item of this name exists already." in taken.content.decode()
    response = client.post(url, {"kind": FeeKind.ONE_OFF, "name": "装修押金"})
    assert response["Location"] == reverse("billing:standard_create")
    item = FeeItem.objects.get(name="装修押金")
    assert (item.estate, item.periodic) == (world.estate, False)
    assert login(world.staff[Role.CUSTOMER_SERVICE]).get(url).status_code == 403


def test_run_export_lists_every_line(world, login, finance):
    import io

    from openpyxl import load_workbook

    services.standard_create(
        estate=world.estate, fee_item=FeeItemFactory(name="物业费"), method=Method.PER_AREA,
        price=Decimal("2.80"), effective_from=dt.date(2026, 1, 1), actor=finance,
    )  # fmt: skip
    run = BillRun.objects.create(estate=world.estate, period="2026-11")
    services.bill_run_compute(run_id=run.pk)
    response = login(finance).get(reverse("billing:run_export", kwargs={"run_pk": run.pk}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("3栋", world.unit.label, "物业费")
    assert Decimal(str(rows[1][5])) == Decimal("250.60")
    assert (
        login(world.staff[Role.TECHNICIAN])
        .get(reverse("billing:run_export", kwargs={"run_pk": run.pk}))
        .status_code
        == 403
    )


def test_statement_months_the_wrong_way_round(world, login):
    issued_bill(world.unit, "2026-11", "100.00")
    url = reverse("portal_billing:statement", kwargs={"unit_pk": world.unit.pk})
    page = login(world.owner).get(url, {"from": "2026-12", "to": "2026-01"}).content.decode()
    assert "2026-01 – 2026-12" in page or 'value="2026-01"' in page
    assert "¥100.00" in page


def test_daily_cash_report_per_cashier_and_channel(world, login, finance):
    manager = world.staff[Role.MANAGER]
    for key, actor, channel, amount in [
        ("a", finance, "cash", "100.00"),
        ("b", finance, "cash", "50.50"),
        ("c", finance, "qr", "20.00"),
        ("d", manager, "card", "9.50"),
    ]:
        services.payment_record(
            unit=world.unit, amount=amount, channel=channel, idempotency_key=key, actor=actor
        )
    services.payment_record(
        unit=world.other_unit,
        amount="70",
        channel="cash",
        idempotency_key="other",
        actor=world.admin,
    )
    page = login(finance).get(reverse("billing:cash_report"))
    content = page.content.decode()
    assert 'data-testid="cash-total">¥180.00<' in content  # the other estate's payment is not here
    assert "¥150.50" in content and "¥20.00" in content and "¥9.50" in content
    assert (
        login(world.staff[Role.CUSTOMER_SERVICE]).get(reverse("billing:cash_report")).status_code
        == 403
    )
