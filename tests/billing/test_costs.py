"""Costs and transparency: cost records entered and imported (all or nothing), income
against cost for a month, a quarter and a year, the summaries prepared and published, and
what owners see: only published summaries of their own estate, also as a PDF in Chinese."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing import services
from billing.models import CostRecord, TransparencySummary
from billing.models.costs import CostGroup, SummaryStatus
from billing.selectors_costs import Span, income_and_cost
from billing.services import costs
from core.errors import DomainError
from estates.choices import Role

from ..maintenance.test_pdfs import pdf_text
from .factories import FeeItemFactory, issued_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(world):
    return world.staff[Role.FINANCE]


def cost(world, actor, period, group, amount, sub="明细"):
    return costs.cost_create(
        estate=world.estate, period=period, group=group, subcategory=sub, amount=amount,
        actor=actor,
    )  # fmt: skip


@pytest.fixture
def quarter(world, finance):
    """Q3 2026 of estate A: bills of two fee items, a payment, a refund, costs in groups."""
    parking = FeeItemFactory(name="停车费")
    issued_bill(world.unit, "2026-07", "300.00", on=dt.date(2026, 7, 1))
    issued_bill(world.unit, "2026-08", "300.00", on=dt.date(2026, 8, 1))
    issued_bill(world.unit, "2026-09", "150.00", on=dt.date(2026, 9, 1), item=parking)
    issued_bill(world.unit, "2026-10", "999.00", on=dt.date(2026, 10, 1))  # next quarter
    issued_bill(world.other_unit, "2026-08", "777.00")  # another estate
    cost(world, finance, "2026-07", CostGroup.LABOUR, "200.00", "保安工资")
    cost(world, finance, "2026-08", CostGroup.LABOUR, "100.00", "保洁工资")
    cost(world, finance, "2026-09", CostGroup.MATERIAL, "50.50")
    cost(world, finance, "2026-09", CostGroup.RISK, "20.00")
    cost(world, finance, "2026-10", CostGroup.OPERATING, "1000.00")  # next quarter
    return world


def test_income_against_cost_of_a_quarter(quarter, world):
    report = income_and_cost(world.estate, Span.of_quarter(2026, 3))
    assert report.billed == Decimal("750.00")
    assert {r["name"]: r["amount"] for r in report.income} == {
        "物业费": Decimal("600.00"), "停车费": Decimal("150.00"),
    }  # fmt: skip
    groups = {g["group"]: g["amount"] for g in report.costs}
    assert groups == {
        CostGroup.LABOUR: Decimal("300.00"), CostGroup.MATERIAL: Decimal("50.50"),
        CostGroup.OPERATING: Decimal("0.00"), CostGroup.RISK: Decimal("20.00"),
    }  # fmt: skip
    assert report.cost_total == Decimal("370.50")
    assert report.surplus == Decimal("379.50")
    assert report.collection_rate == Decimal("0.0")


def test_month_and_year_and_collected(quarter, world, finance):
    month = income_and_cost(world.estate, Span.of_month(2026, 9))
    assert (month.billed, month.cost_total) == (Decimal("150.00"), Decimal("70.50"))
    year = income_and_cost(world.estate, Span.of_year(2026))
    assert year.billed == Decimal("1749.00")
    assert year.cost_total == Decimal("1370.50")
    assert year.surplus == Decimal("378.50")
    # A payment today (in the year) is collected; the refund of what was prepaid is not.
    services.payment_record(
        unit=world.unit, amount="1800.00", channel="cash", idempotency_key="c1", actor=finance
    )
    services.refund_record(unit=world.unit, amount="51.00", reason="退多付", actor=finance)
    today = dt.date.today()
    now = income_and_cost(world.estate, Span.of_year(today.year))
    assert now.collected == Decimal("1749.00")
    if today.year == 2026:
        assert now.cash_surplus == Decimal("378.50")
        assert now.collection_rate == Decimal("100.0")


def test_costs_need_the_costs_permission_in_the_estate(world):
    with pytest.raises(PermissionDenied):
        cost(world, world.staff[Role.CUSTOMER_SERVICE], "2026-09", CostGroup.RISK, "1")
    with pytest.raises(PermissionDenied):
        cost(world, world.other_manager, "2026-09", CostGroup.RISK, "1")


def csv_upload(text):
    return SimpleUploadedFile("costs.csv", text.encode("utf-8-sig"), content_type="text/csv")


def test_import_saves_every_row_of_a_good_file(world, finance):
    checked = costs.costs_import(
        estate=world.estate,
        upload=csv_upload(
            "月份,成本类别,明细科目,金额,备注\n"
            "2026-09,人力成本,保安工资,12000.00,九月\n"
            '2026年9月,物料,清洁用品,"1,050.50",\n'
            "2026/9,运营成本,公共电费,800,\n"
            "202609,risk,公众责任险,300,\n"
        ),
        actor=finance,
    )
    assert not checked.errors
    rows = CostRecord.objects.filter(estate=world.estate).order_by("id")
    assert [(r.period, r.group, r.amount) for r in rows] == [
        ("2026-09", CostGroup.LABOUR, Decimal("12000.00")),
        ("2026-09", CostGroup.MATERIAL, Decimal("1050.50")),
        ("2026-09", CostGroup.OPERATING, Decimal("800.00")),
        ("2026-09", CostGroup.RISK, Decimal("300.00")),
    ]


def test_import_of_a_bad_file_reports_every_row_and_saves_nothing(world, finance):
    checked = costs.costs_import(
        estate=world.estate,
        upload=csv_upload(
            "月份,成本类别,明细科目,金额\n"
            "2026-09,人力成本,保安工资,100\n"
            "2026-13,人力成本,保安工资,100\n"  # line 3: no such month
            "2026-09,招待费,宴请,100\n"  # line 4: unknown group
            "2026-09,物料成本,,100\n"  # line 5: no sub-category
            "2026-09,物料成本,灯泡,-3\n"  # line 6: negative
        ),
        actor=finance,
    )
    assert sorted({e["line"] for e in checked.errors}) == [3, 4, 5, 6]
    assert CostRecord.objects.count() == 0


def test_summary_is_invisible_to_owners_until_published(quarter, world, finance, client):
    summary = costs.summary_prepare(estate=world.estate, year=2026, quarter=3, actor=finance)
    assert summary.status == SummaryStatus.DRAFT
    assert summary.figures["surplus"] == "379.50"
    client.force_login(world.owner)
    url = reverse("portal_billing:summary_detail", kwargs={"summary_pk": summary.pk})
    assert client.get(url).status_code == 404
    assert "2026" not in client.get(reverse("portal_billing:summaries")).content.decode()
    costs.summary_publish(summary_id=summary.pk, actor=finance)
    response = client.get(url)
    assert response.status_code == 200
    assert "379.50" in response.content.decode()
    # Published: the figures stay as they were; preparing again is refused.
    with pytest.raises(DomainError):
        costs.summary_prepare(estate=world.estate, year=2026, quarter=3, actor=finance)
    with pytest.raises(DomainError):
        costs.summary_publish(summary_id=summary.pk, actor=finance)


def test_another_estates_summary_is_a_404_for_the_owner(world, client):
    theirs = TransparencySummary.objects.create(
        estate=world.other_estate, year=2026, status=SummaryStatus.PUBLISHED
    )
    client.force_login(world.owner)
    for name in ("portal_billing:summary_detail", "portal_billing:summary_pdf"):
        response = client.get(reverse(name, kwargs={"summary_pk": theirs.pk}))
        assert response.status_code == 404


def test_preparing_again_takes_new_figures_while_a_draft(quarter, world, finance):
    first = costs.summary_prepare(estate=world.estate, year=2026, quarter=None, actor=finance)
    cost(world, finance, "2026-12", CostGroup.RISK, "8.50")
    again = costs.summary_prepare(estate=world.estate, year=2026, quarter=None, actor=finance)
    assert again.pk == first.pk
    assert Decimal(again.figures["cost_total"]) == Decimal("1379.00")
    assert TransparencySummary.objects.count() == 1


def test_the_pdf_is_in_chinese(quarter, world, finance, client):
    summary = costs.summary_prepare(estate=world.estate, year=2026, quarter=3, actor=finance)
    costs.summary_publish(summary_id=summary.pk, actor=finance)
    client.force_login(world.owner)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("portal_billing:summary_pdf", kwargs={"summary_pk": summary.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for words in ("锦绣园", "人力成本", "物料成本", "风险成本", "保安工资", "停车费", "379.50"):
        assert words in text


def test_staff_pages_prepare_and_publish(quarter, world, finance, client):
    client.force_login(finance)
    home = client.get(reverse("billing:home")).content.decode()
    assert reverse("billing:cost_list") in home
    page = client.get(reverse("billing:income_cost"), {"kind": "quarter", "year": 2026,
                                                        "number": 3})  # fmt: skip
    assert page.status_code == 200 and "379.50" in page.content.decode()
    response = client.post(reverse("billing:summary_prepare"), {"year": 2026, "quarter": "3"})
    summary = TransparencySummary.objects.get()
    assert response.status_code == 302 and response["Location"] == summary.get_absolute_url()
    client.post(reverse("billing:summary_publish", kwargs={"summary_pk": summary.pk}))
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.PUBLISHED and summary.published_by == finance


def test_cost_form_and_import_pages(world, finance, client):
    client.force_login(finance)
    response = client.post(
        reverse("billing:cost_create"),
        {"period": "2026-09", "group": "labour", "subcategory": "保安工资", "amount": "10.00"},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("billing:cost_create"),
        {"period": "2026/9x", "group": "labour", "subcategory": "x", "amount": "1"},
    )
    assert bad.status_code == 200 and CostRecord.objects.count() == 1
    response = client.post(
        reverse("billing:cost_import"),
        {"file": csv_upload("月份,成本类别,明细科目,金额\n2026-09,风险,保险,x\n")},
    )
    assert response.status_code == 200
    assert 'data-testid="import-error-table"' in response.content.decode()
    assert CostRecord.objects.count() == 1
    template = client.get(reverse("billing:cost_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
