"""Exports for accounting: bills, payments and receipts of a month, in XLSX and CSV (UTF-8
with a BOM), each with a total row equal to the total the export page shows and to the
billing pages' own totals (the run preview, the daily cash report)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing import exports, services
from billing.models import BillRun
from billing.selectors import cash_report, run_preview
from estates.choices import Role

from ..factories import UnitFactory
from .factories import issued_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(world):
    """Two bills of the month in estate A (one a run's), one in B, and payments today."""
    period = timezone.localdate().strftime("%Y-%m")
    cashier = world.staff[Role.FINANCE]
    second = UnitFactory(building=world.building)
    run = BillRun.objects.create(estate=world.estate, period=period, status="issued")
    first_bill = issued_bill(world.unit, period, "250.60")
    second_bill = issued_bill(second, period, "100.15")
    for bill in (first_bill, second_bill):
        bill.run = run
        bill.save(update_fields=["run"])
    issued_bill(world.other_unit, period, "999.00")  # another estate: never in A's files
    for key, unit, amount, channel in (
        ("e1", world.unit, "200.00", "cash"),
        ("e2", second, "100.15", "bank_transfer"),
    ):
        services.payment_record(
            unit=unit, amount=amount, channel=channel, idempotency_key=key, actor=cashier
        )
    return {"period": period, "run": run, "cashier": cashier}


def test_totals_add_up_and_equal_the_pages(world, month):
    period = month["period"]
    totals = exports.totals(world.estate, period)
    assert totals == {
        "bills": Decimal("350.75"),
        "payments": Decimal("300.15"),
        "receipts": Decimal("300.15"),
    }
    assert totals["bills"] == run_preview(month["run"])["total"]
    assert totals["payments"] == cash_report(world.estate, timezone.localdate())["total"]
    for kind in ("bills", "payments", "receipts"):
        export = exports.build(kind, world.estate, period)
        column = export.amount_column
        assert sum(row[column] for row in export.rows) == export.total == totals[kind]


def test_csv_has_a_bom_chinese_text_and_a_total_row(world, month, client):
    client.force_login(month["cashier"])
    url = reverse("billing:export_download")
    response = client.get(url, {"kind": "bills", "period": month["period"], "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any("3栋" in cell for cell in rows[1])
    assert rows[-1][0] == "Total" and Decimal(rows[-1][6]) == Decimal("350.75")
    assert len(rows) == 1 + 2 + 1  # header, A's two bills, the total


def test_xlsx_payments_total_row(world, month, client):
    client.force_login(month["cashier"])
    response = client.get(
        reverse("billing:export_download"),
        {"kind": "payments", "period": month["period"], "format": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "Total" and Decimal(str(rows[-1][4])) == Decimal("300.15")
    assert sum(Decimal(str(r[4])) for r in rows[1:-1]) == Decimal("300.15")


def test_export_page_shows_the_totals_and_is_linked_from_billing(world, month, client):
    client.force_login(month["cashier"])
    home = client.get(reverse("billing:home"))
    assert reverse("billing:export_home") in home.content.decode()
    page = client.get(reverse("billing:export_home"), {"period": month["period"]})
    html = page.content.decode()
    assert "350.75" in html and "300.15" in html


def test_a_bad_month_is_refused(world, month, client):
    client.force_login(month["cashier"])
    response = client.get(reverse("billing:export_download"), {"period": "2026-13"})
    assert response.status_code == 400
