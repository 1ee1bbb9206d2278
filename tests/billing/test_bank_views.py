"""The bank statement pages: linked from billing's home, upload with every bad row shown
(nothing saved), the statement's matches, recording them, matching by hand and setting a
transfer aside; in Chinese too."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import BankLine, BankStatement, Payment
from billing.models.bank import LineStatus
from billing.services import bank
from estates.choices import Role

from .factories import issued_bill

pytestmark = pytest.mark.django_db


def statement_csv(body):
    data = ("交易日期,金额,对方户名,对方账号,摘要,流水号\n" + body).encode("utf-8")
    return SimpleUploadedFile("流水.csv", data, content_type="text/csv")


@pytest.fixture
def cashier(world, client):
    client.force_login(world.staff[Role.FINANCE])
    return client


def test_linked_from_billing_home_for_collectors_only(world, cashier, client):
    assert (
        reverse("billing:bank_statement_list")
        in cashier.get(reverse("billing:home")).content.decode()
    )
    client.force_login(world.staff[Role.CUSTOMER_SERVICE])
    html = client.get(reverse("billing:home")).content.decode()
    assert reverse("billing:bank_statement_list") not in html
    assert reverse("billing:cost_list") not in html


def test_upload_with_bad_rows_lists_them_and_saves_nothing(world, cashier):
    response = cashier.post(
        reverse("billing:bank_statement_upload"),
        {"file": statement_csv("2026-11-03,100,甲,1,m,A\n2026-99-01,x,乙,2,m,\n")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-error-table"' in html
    assert BankStatement.objects.count() == 0


def test_upload_record_and_match_by_hand(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "300.00")
    body = (
        f"2026-11-03,300.00,王小明,6222,{bank.bill_reference(bill)},T1\n"
        "2026-11-04,88.00,王小明,6222,车位费,T2\n"
        "2026-11-05,500.00,某公司,7777,货款,T3\n"
    )
    response = cashier.post(reverse("billing:bank_statement_upload"), {"file": statement_csv(body)})
    statement = BankStatement.objects.get()
    assert response.status_code == 302 and response["Location"] == statement.get_absolute_url()
    page = cashier.get(statement.get_absolute_url()).content.decode()
    assert 'data-testid="bank-apply"' in page
    cashier.post(reverse("billing:bank_statement_apply", kwargs={"statement_pk": statement.pk}))
    assert Payment.objects.count() == 1
    unmatched = cashier.get(reverse("billing:bank_unmatched")).content.decode()
    t2, t3 = BankLine.objects.get(txn_id="T2"), BankLine.objects.get(txn_id="T3")
    assert reverse("billing:bank_line", kwargs={"line_pk": t2.pk}) in unmatched
    # A wrong unit code: the error is shown next to the field, nothing recorded.
    wrong = cashier.post(
        reverse("billing:bank_line", kwargs={"line_pk": t2.pk}), {"target": "99栋"}
    )
    assert wrong.status_code == 200 and Payment.objects.count() == 1
    cashier.post(reverse("billing:bank_line", kwargs={"line_pk": t2.pk}), {"target": "3栋-1-0301"})
    cashier.post(
        reverse("billing:bank_line_dismiss", kwargs={"line_pk": t3.pk}), {"note": "供应商退款"}
    )
    t2.refresh_from_db()
    t3.refresh_from_db()
    assert (t2.status, t3.status) == (LineStatus.RECORDED, LineStatus.NOT_OURS)
    assert Payment.objects.count() == 2
    assert (
        'data-testid="empty-state"'
        in cashier.get(reverse("billing:bank_unmatched")).content.decode()
    )


def test_template_has_the_chinese_headers(world, cashier):
    import io

    from openpyxl import load_workbook

    response = cashier.get(reverse("billing:bank_template"))
    headers = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.rows)]
    for word in ("交易日期", "金额", "对方户名", "摘要", "流水号"):
        assert any(word in h for h in headers)


def test_pages_in_chinese(world, cashier):
    cashier.cookies["django_language"] = "zh-hans"
    html = cashier.get(reverse("billing:bank_statement_list")).content.decode()
    assert "银行流水" in html and "导入银行流水" in html
    html = cashier.get(reverse("billing:cost_list")).content.decode()
    assert "人力成本" in html and "风险成本" in html


def test_the_owner_sees_the_reference_to_write_in_the_memo(world, client):
    bill = issued_bill(world.unit, "2026-10", "300.00")
    client.force_login(world.owner)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("portal_billing:bill_detail", kwargs={"bill_pk": bill.pk})
    html = client.get(url).content.decode()
    assert bill.bank_reference in html and "转账附言" in html
