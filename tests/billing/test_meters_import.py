"""Importing meter readings: every error with its line number and nothing saved of a bad
file; warnings listed and needing the confirmation; all or nothing; the same file twice
creates nothing twice; XLSX like CSV; the template comes back as a file to fill in."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from billing.choices import ReadingImportStatus, RunStatus
from billing.models import BillRun, MeterReading, ReadingImport
from billing.services.meter_imports import (
    parse_period,
    reading_import_apply,
    reading_import_upload,
)
from core.errors import DomainError, TransitionError
from core.texts import Message
from estates.choices import Role

from ..factories import UnitFactory
from .factories import MeterFactory, reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(world):
    return world.staff[Role.FINANCE]


@pytest.fixture
def meters(world):
    first = MeterFactory(unit=world.unit, serial_number="W-1")
    second = MeterFactory(unit=UnitFactory(building=world.building), serial_number="W-2")
    for meter in (first, second):
        for period, value in (("2026-08", 10), ("2026-09", 20), ("2026-10", 30)):
            reading(meter, period, value)  # usual: 10 a month
    MeterFactory(unit=world.other_unit, serial_number="W-9")  # another estate's
    return first, second


def csv_file(text, name="readings.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(world, actor, text, name="readings.csv"):
    return reading_import_upload(estate=world.estate, upload=csv_file(text, name), actor=actor)


def messages(problems):
    return [(p["line"], str(Message.from_data(p["message"]))) for p in problems]


GOOD = "表号 / meter,月份 / period,读数 / reading\nW-1,2026-11,41\nW-2,2026-11,38.5\n"


def test_a_good_file_is_ready_then_applied_once(world, finance, meters):
    record = upload(world, finance, GOOD)
    assert record.status == ReadingImportStatus.READY
    assert (record.errors, record.warnings, record.row_count) == ([], [], 2)
    assert not MeterReading.objects.filter(period="2026-11").exists()  # preview only
    record = reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=False)
    assert record.status == ReadingImportStatus.APPLIED and record.created_count == 2
    values = dict(
        MeterReading.objects.filter(period="2026-11").values_list("meter__serial_number", "value")
    )
    assert values == {"W-1": Decimal("41.00"), "W-2": Decimal("38.50")}
    assert set(MeterReading.objects.filter(period="2026-11").values_list("source", flat=True)) == {
        "import"
    }
    with pytest.raises(TransitionError):
        reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=False)


def test_the_same_file_again_creates_nothing_twice(world, finance, meters):
    first = upload(world, finance, GOOD)
    reading_import_apply(import_id=first.pk, actor=finance, confirm_warnings=False)
    again = upload(world, finance, GOOD)
    assert again.status == ReadingImportStatus.READY and again.errors == []
    assert (again.new_count, again.same_count) == (0, 2)
    again = reading_import_apply(import_id=again.pk, actor=finance, confirm_warnings=False)
    assert again.status == ReadingImportStatus.APPLIED and again.created_count == 0
    assert MeterReading.objects.filter(period="2026-11").count() == 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(world, finance, meters):
    text = (
        "meter,period,reading,read_on\n"
        "W-1,2026-11,41,\n"  # good
        "W-404,2026-11,10,\n"  # 3: unknown meter
        "W-2,2026-11,abc,\n"  # 4: not a number
        "W-2,2026-12,-3,\n"  # 5: negative
        "W-1,2026-11,42,\n"  # 6: the same meter and month twice
        "W-9,2026-11,5,\n"  # 7: a meter of another estate is unknown here
        "W-2,11/2026,5,\n"  # 8: not a month
        "W-2,2027-01,39,yesterday\n"  # 9: not a date
    )
    record = upload(world, finance, text)
    assert record.status == ReadingImportStatus.INVALID
    lines = [line for line, _m in messages(record.errors)]
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    found = dict(messages(record.errors))
    assert "W-404" in found[3] and "number" in found[4] and "negative" in found[5]
    assert "line 2" in found[6] and "W-9" in found[7]
    assert not MeterReading.objects.filter(period="2026-11").exists()
    with pytest.raises(TransitionError):
        reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=True)
    assert not MeterReading.objects.filter(period="2026-11").exists()


def test_a_closed_period_and_a_different_recorded_value_block(world, finance, meters):
    BillRun.objects.create(estate=world.estate, period="2026-10", status=RunStatus.ISSUED)
    record = upload(world, finance, "meter,period,reading\nW-1,2026-10,31\nW-2,2026-09,25\n")
    found = dict(messages(record.errors))
    assert "issued" in found[2]
    assert "already has the reading 20.00" in found[3]


def test_missing_columns_are_reported_on_line_one(world, finance, meters):
    record = upload(world, finance, "meter,value_typo\nW-1,41\n")
    assert record.status == ReadingImportStatus.INVALID
    assert any(line == 1 and "“" in text for line, text in messages(record.errors))


def test_a_file_that_is_not_csv_or_xlsx_saves_nothing(world, finance, meters):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    record = reading_import_upload(
        estate=world.estate, upload=SimpleUploadedFile("r.csv", png), actor=finance
    )
    assert record.status == ReadingImportStatus.INVALID and record.errors[0]["line"] is None
    assert not MeterReading.objects.filter(period="2026-11").exists()


def test_warnings_need_the_confirmation(world, finance, meters):
    text = "meter,period,reading\nW-1,2026-11,29\nW-2,2026-11,95\n"  # lower; 65 > 3 × 10
    record = upload(world, finance, text)
    assert record.status == ReadingImportStatus.READY
    assert [(w["line"], w["code"]) for w in record.warnings] == [(2, "lower"), (3, "jump")]
    with pytest.raises(DomainError):
        reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=False)
    assert not MeterReading.objects.filter(period="2026-11").exists()
    record = reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=True)
    assert record.created_count == 2
    saved = dict(
        MeterReading.objects.filter(period="2026-11").values_list(
            "meter__serial_number", "confirmed_warnings"
        )
    )
    assert saved == {"W-1": ["lower"], "W-2": ["jump"]}


def test_two_months_of_one_meter_in_one_file_are_checked_in_order(world, finance, meters):
    # December's usual includes November's row of the same file: 11 → 52 is a jump from 41
    text = "meter,period,reading\nW-1,2026-12,52\nW-1,2026-11,41\n"
    record = upload(world, finance, text)
    assert record.errors == [] and [w["line"] for w in record.warnings] == []
    text = "meter,period,reading\nW-1,2026-12,90\nW-1,2026-11,41\n"
    assert [(w["line"], w["code"]) for w in upload(world, finance, text).warnings] == [(2, "jump")]


def test_a_row_that_became_bad_meanwhile_saves_nothing(world, finance, meters):
    record = upload(world, finance, GOOD)
    reading(meters[1], "2026-11", "39")  # typed on a phone meanwhile, another value
    record = reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=False)
    assert record.status == ReadingImportStatus.INVALID
    assert [line for line, _m in messages(record.errors)] == [3]
    assert not MeterReading.objects.filter(meter=meters[0], period="2026-11").exists()


def test_xlsx_and_the_template(world, finance, meters, login):
    client = login(finance)
    response = client.get(reverse("billing:reading_import_template") + "?period=2026-11")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("表号 / meter", "月份 / period", "读数 / reading")
    assert {r[0] for r in rows[1:]} == {"W-1", "W-2"}  # the estate's meters only
    for row in sheet.iter_rows(min_row=2):
        row[2].value = 41 if row[0].value == "W-1" else None  # W-2 not read: skipped
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        reverse("billing:reading_import"),
        {"file": SimpleUploadedFile("filled.xlsx", buffer.getvalue())},
    )
    record = ReadingImport.objects.get()
    assert response["Location"] == record.get_absolute_url()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "1 row without a reading is skipped" in page
    response = client.post(reverse("billing:reading_import_apply", args=[record.pk]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert MeterReading.objects.get(meter=meters[0], period="2026-11").value == Decimal("41")
    assert not MeterReading.objects.filter(meter=meters[1], period="2026-11").exists()


def test_the_preview_page_lists_warnings_and_asks_for_the_confirmation(
    world, finance, meters, login
):
    client = login(finance)
    response = client.post(
        reverse("billing:reading_import"),
        {"file": csv_file("meter,period,reading\nW-1,2026-11,29\n")},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Lower than the last reading" in page and 'name="confirm"' in page
    url = response["Location"] + "apply/"
    page = client.post(url).content.decode()
    assert "confirm them" in page
    assert not MeterReading.objects.filter(period="2026-11").exists()
    client.post(url, {"confirm": "on"})
    assert MeterReading.objects.filter(period="2026-11").count() == 1


def test_periods_as_people_write_them():
    assert parse_period("2026-11") == "2026-11"
    assert parse_period("2026/1") == "2026-01"
    assert parse_period("2026年11月") == "2026-11"
    assert parse_period("202611") == "2026-11"
    assert parse_period("2026-11-01") == "2026-11"
    assert parse_period("2026-13") is None and parse_period("11/2026") is None


def test_a_workbook_built_by_hand(world, finance, meters):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["表号", "月份", "读数"])
    sheet.append(["W-1", "2026-11", 40.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload_file = SimpleUploadedFile("r.xlsx", buffer.getvalue())
    record = reading_import_upload(estate=world.estate, upload=upload_file, actor=finance)
    assert record.status == ReadingImportStatus.READY, record.errors
    reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=False)
    assert MeterReading.objects.get(meter=meters[0], period="2026-11").value == Decimal("40.50")


def test_checking_a_file_makes_no_query_per_row(world, finance):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meters = [MeterFactory(unit=UnitFactory(building=world.building)) for _ in range(30)]
    for meter in meters:
        reading(meter, "2026-10", "10")

    def queries(count):
        text = "meter,period,reading\n" + "".join(
            f"{m.serial_number},2026-11,12\n" for m in meters[:count]
        )
        with CaptureQueriesContext(connection) as seen:
            record = upload(world, finance, text)
        assert record.status == ReadingImportStatus.READY, record.errors
        return len(seen)

    queries(1)  # the user's permissions are cached after the first
    assert queries(30) == queries(3)


def test_a_warning_that_appeared_since_the_preview_is_shown_before_anything_is_saved(
    world, finance, meters
):
    record = upload(world, finance, "meter,period,reading\nW-1,2026-12,60\n")  # 30 → 60: ok
    assert record.warnings == []
    reading(meters[0], "2026-11", "70")  # read meanwhile: December is now lower than November
    with pytest.raises(DomainError):
        reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=True)
    record.refresh_from_db()
    assert [(w["line"], w["code"]) for w in record.warnings] == [(2, "lower")]
    assert not MeterReading.objects.filter(period="2026-12").exists()
    reading_import_apply(import_id=record.pk, actor=finance, confirm_warnings=True)
    assert MeterReading.objects.get(period="2026-12").confirmed_warnings == ["lower"]
