"""Bank statements: reading CSV and XLSX (Chinese headers), every bad row reported and
nothing saved, the matching rules (bill reference, unit code, amount: exact, ambiguous,
none), recording once however often a statement is imported, matching by hand."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from billing.choices import BillStatus, Channel
from billing.models import BankLine, BankStatement, Payment
from billing.models.bank import LineStatus, MatchRule, StatementStatus
from billing.services import bank
from core.audit import timeline_for
from core.errors import DomainError
from estates.choices import Role

from ..factories import UnitFactory
from .factories import issued_bill

pytestmark = pytest.mark.django_db

HEADER = "交易日期,金额,对方户名,对方账号,摘要,流水号\n"


def csv_file(body: str, header: str = HEADER, name="statement.csv"):
    return SimpleUploadedFile(name, (header + body).encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("statement.xlsx", buffer.getvalue())


@pytest.fixture
def cashier(world):
    return world.staff[Role.FINANCE]


def upload(world, cashier, file):
    return bank.statement_upload(estate=world.estate, upload=file, actor=cashier)


def test_reads_a_csv_with_chinese_headers_and_matches_a_bill_reference(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "300.00")
    ref = bank.bill_reference(bill)
    assert ref == f"JXY-202610-{bill.pk}"
    result = upload(world, cashier, csv_file(f"2026-11-03,300.00,王小明,6222001,{ref} 物业费,T1\n"))
    assert result.statement is not None and not result.checked.errors
    line = result.statement.lines.get()
    assert (line.status, line.rule, line.bill, line.unit) == (
        LineStatus.MATCHED, MatchRule.BILL, bill, world.unit,
    )  # fmt: skip
    assert line.amount == Decimal("300.00") and line.payer_name == "王小明"
    assert Payment.objects.count() == 0  # nothing paid before a person records the matches


def test_reads_an_xlsx_with_english_headers(world, cashier):
    issued_bill(world.unit, "2026-10", "120.50")
    file = xlsx_file([
        ["date", "amount", "payer_name", "payer_account", "reference", "bank_transaction_id"],
        ["2026-11-04", 120.5, "王小明", "6222", "3栋-1-0301 十月", "X-1"],
    ])  # fmt: skip
    line = upload(world, cashier, file).statement.lines.get()
    assert (line.status, line.rule, line.unit) == (LineStatus.MATCHED, MatchRule.UNIT, world.unit)
    assert line.amount == Decimal("120.50")


def test_every_bad_row_is_reported_and_nothing_is_saved(world, cashier):
    body = (
        "2026-11-03,100.00,甲,1,memo,A1\n"
        "not a date,100.00,乙,2,memo,A2\n"  # line 3
        "2026-11-05,-5,丙,3,memo,A3\n"  # line 4: outgoing
        "2026-11-06,abc,丁,4,memo,A4\n"  # line 5
        "2026-11-07,10.00,戊,5,memo,\n"  # line 6: no transaction id
        "2026-11-08,10.00,己,6,memo,A1\n"  # line 7: the same transaction twice
    )
    result = upload(world, cashier, csv_file(body))
    assert result.statement is None
    assert sorted({e["line"] for e in result.checked.errors}) == [3, 4, 5, 6, 7]
    assert BankStatement.objects.count() == 0 and BankLine.objects.count() == 0


def test_a_missing_required_column_is_reported_on_line_1(world, cashier):
    result = upload(world, cashier, csv_file("2026-11-03,1.00\n", header="交易日期,金额\n"))
    assert result.statement is None
    assert [e["line"] for e in result.checked.errors] == [1]


def test_a_file_that_is_not_a_spreadsheet_is_refused(world, cashier):
    file = SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(ValidationError):
        upload(world, cashier, file)


def test_unit_code_with_the_wrong_amount_is_ambiguous(world, cashier):
    issued_bill(world.unit, "2026-10", "100.00")
    line = upload(world, cashier, csv_file("2026-11-03,90.00,王,1,3栋1-0301,B1\n")).statement
    line = line.lines.get()
    assert (line.status, line.unit) == (LineStatus.AMBIGUOUS, world.unit)
    assert "100.00" in str(line.reason)


def test_bill_reference_with_the_wrong_amount_is_ambiguous(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "100.00")
    memo = bank.bill_reference(bill)
    line = upload(world, cashier, csv_file(f"2026-11-03,99.00,王,1,{memo},B1\n")).statement
    assert line.lines.get().status == LineStatus.AMBIGUOUS


def test_two_units_named_is_ambiguous_and_nothing_named_is_unmatched(world, cashier):
    other = UnitFactory(building=world.building, entrance="1", number="0302")
    issued_bill(world.unit, "2026-10", "100.00")
    issued_bill(other, "2026-10", "100.00")
    body = "2026-11-03,100.00,王,1,3栋1-0301 3栋1-0302,C1\n2026-11-03,100.00,王,1,物业费,C2\n"
    lines = list(upload(world, cashier, csv_file(body)).statement.lines.order_by("line_number"))
    assert [line.status for line in lines] == [LineStatus.AMBIGUOUS, LineStatus.UNMATCHED]


def test_a_unit_code_is_not_found_inside_a_longer_number(world, cashier):
    issued_bill(world.unit, "2026-10", "100.00")
    line = upload(world, cashier, csv_file("2026-11-03,100.00,王,1,13栋1-03011,D1\n")).statement
    assert line.lines.get().status == LineStatus.UNMATCHED


def test_another_estates_bill_reference_does_not_match(world, cashier):
    theirs = issued_bill(world.other_unit, "2026-10", "100.00")
    memo = bank.bill_reference(theirs)
    line = upload(world, cashier, csv_file(f"2026-11-03,100.00,李,1,{memo},E1\n")).statement
    assert line.lines.get().status == LineStatus.UNMATCHED


def test_recording_pays_the_bill_once_even_when_imported_again(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "300.00")
    body = f"2026-11-03,300.00,王小明,6222,{bank.bill_reference(bill)},T-77\n"
    first = upload(world, cashier, csv_file(body)).statement
    assert bank.statement_apply(statement_id=first.pk, actor=cashier) == 1
    assert bank.statement_apply(statement_id=first.pk, actor=cashier) == 0  # applied twice
    payment = Payment.objects.get()
    assert (payment.channel, payment.amount, payment.reference) == (
        Channel.BANK_TRANSFER, Decimal("300.00"), "T-77",
    )  # fmt: skip
    assert payment.idempotency_key == f"bank:{world.estate.pk}:T-77"
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    first.refresh_from_db()
    assert first.status == StatementStatus.APPLIED
    # The same statement again: the transfer is known, nothing more is recorded.
    again = upload(world, cashier, csv_file(body)).statement
    line = again.lines.get()
    assert (line.status, line.rule, line.payment) == (
        LineStatus.RECORDED, MatchRule.EARLIER, payment,
    )  # fmt: skip
    assert bank.statement_apply(statement_id=again.pk, actor=cashier) == 0
    assert Payment.objects.count() == 1


def test_two_statements_with_the_same_transfer_checked_before_either_is_recorded(world, cashier):
    issued_bill(world.unit, "2026-10", "300.00")
    body = "2026-11-03,300.00,王小明,6222,3栋-1-0301,T-88\n"
    first = upload(world, cashier, csv_file(body)).statement
    second = upload(world, cashier, csv_file(body)).statement
    assert bank.statement_apply(statement_id=first.pk, actor=cashier) == 1
    assert bank.statement_apply(statement_id=second.pk, actor=cashier) == 0
    assert Payment.objects.count() == 1
    assert second.lines.get().status == LineStatus.RECORDED


def test_manual_match_to_a_unit_records_a_payment(world, cashier):
    issued_bill(world.unit, "2026-10", "100.00")
    statement = upload(world, cashier, csv_file("2026-11-03,100.00,王,1,十月份,M1\n")).statement
    line = statement.lines.get()
    assert line.status == LineStatus.UNMATCHED
    bank.line_match(line_id=line.pk, target="3栋 1-0301", actor=cashier, note="电话确认")
    line.refresh_from_db()
    assert (line.status, line.rule, line.unit, line.handled_by) == (
        LineStatus.RECORDED, MatchRule.MANUAL, world.unit, cashier,
    )  # fmt: skip
    assert line.payment.idempotency_key == line.idempotency_key
    assert [e.verb for e in timeline_for(statement)] == ["bank_statement_uploaded"]
    assert [e.verb for e in timeline_for(line)] == ["bank_line_matched"]
    with pytest.raises(DomainError):  # dealt with already
        bank.line_match(line_id=line.pk, target="3栋-1-0301", actor=cashier)


def test_manual_match_to_an_unknown_unit_or_another_estate_fails(world, cashier):
    statement = upload(world, cashier, csv_file("2026-11-03,100.00,王,1,x,M2\n")).statement
    line = statement.lines.get()
    with pytest.raises(DomainError):
        bank.line_match(line_id=line.pk, target="8栋-1-0808", actor=cashier)  # estate B's unit
    assert Payment.objects.count() == 0


def test_not_ours_needs_a_reason(world, cashier):
    statement = upload(world, cashier, csv_file("2026-11-03,100.00,某公司,1,货款,N1\n")).statement
    line = statement.lines.get()
    with pytest.raises(DomainError):
        bank.line_dismiss(line_id=line.pk, note=" ", actor=cashier)
    bank.line_dismiss(line_id=line.pk, note="供应商退款", actor=cashier)
    line.refresh_from_db()
    assert line.status == LineStatus.NOT_OURS
    assert bank.unmatched_total(world.estate) == Decimal("0")


def test_only_collectors_of_the_estate_may_import(world):
    with pytest.raises(PermissionDenied):
        upload(world, world.staff[Role.CUSTOMER_SERVICE], csv_file("2026-11-03,1.00,a,1,m,Z\n"))
    with pytest.raises(PermissionDenied):
        upload(world, world.other_manager, csv_file("2026-11-03,1.00,a,1,m,Z\n"))


def test_amounts_with_currency_signs_times_and_short_unit_codes(world, cashier):
    issued_bill(world.unit, "2026-10", "1200.00")
    body = '2026-11-03 10:22:11,"￥1,200.00",王小明,6222,3-1-0301,S1\n2026-11-03,300元,x,1,y,S2\n'
    lines = list(upload(world, cashier, csv_file(body)).statement.lines.order_by("line_number"))
    assert [line.amount for line in lines] == [Decimal("1200.00"), Decimal("300.00")]
    assert (lines[0].status, lines[0].unit) == (LineStatus.MATCHED, world.unit)
    assert lines[0].booked_on.isoformat() == "2026-11-03"


def test_a_bill_paid_twice_in_one_file_matches_once(world, cashier):
    bill = issued_bill(world.unit, "2026-10", "100.00")
    ref = bank.bill_reference(bill)
    body = f"2026-11-03,100.00,王,1,{ref},P1\n2026-11-04,100.00,王,1,{ref},P2\n"
    body += "2026-11-05,100.00,王,1,3栋-1-0301,P3\n"
    lines = list(upload(world, cashier, csv_file(body)).statement.lines.order_by("line_number"))
    assert [line.status for line in lines] == [
        LineStatus.MATCHED, LineStatus.AMBIGUOUS, LineStatus.AMBIGUOUS,
    ]  # fmt: skip


def test_the_same_transfer_matched_to_another_unit_later_is_left_for_a_person(world, cashier):
    other = UnitFactory(building=world.building, entrance="1", number="0302")
    issued_bill(world.unit, "2026-10", "100.00")
    issued_bill(other, "2026-10", "100.00")
    first = upload(world, cashier, csv_file("2026-11-03,100.00,王,1,3栋-1-0301,Q1\n")).statement
    second = upload(world, cashier, csv_file("2026-11-03,100.00,王,1,3栋-1-0302,Q1\n")).statement
    bank.statement_apply(statement_id=first.pk, actor=cashier)
    assert bank.statement_apply(statement_id=second.pk, actor=cashier) == 0
    line = second.lines.get()
    assert line.status == LineStatus.AMBIGUOUS and line.payment is None
    assert Payment.objects.count() == 1
