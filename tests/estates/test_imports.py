"""Bulk import: CSV (UTF-8 with BOM, GB18030) and XLSX; every bad row reported with its
line; nothing saved from a bad file; content and size checks; apply once, all-or-nothing,
audited; scoping (404) and permissions (403)."""

import datetime as dt
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from core.errors import TransitionError
from core.models import AuditEvent, User
from estates.choices import ImportKind, ImportStatus, OccupancyRole, Role, UnitKind, UnitStatus
from estates.imports import parsing
from estates.imports.services import import_apply, import_template_xlsx, import_upload
from estates.models import Building, Estate, ImportBatch, Occupancy, Person, StaffMembership, Unit
from estates.tasks import import_apply_task, import_batches_purge
from estates.validators import id_check_digit

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def id_number(n: int) -> str:
    first17 = f"1101051980{n:07d}"
    return first17 + id_check_digit(first17)


# --- Fixtures (built here with the ORM) --------------------------------------------------------


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def _user(username, estate=None, role=None, **extra):
    user = User.objects.create_user(username=username, password=None, **extra)
    if estate is not None:
        StaffMembership.objects.create(user=user, estate=estate, role=role)
    return user


@pytest.fixture
def estate(db):
    return Estate.objects.create(
        name="锦绣园", code="jxy", address="杭州市文三路1号", service_phone="0571-88888888"
    )


@pytest.fixture
def other_estate(db):
    return Estate.objects.create(
        name="翠湖苑", code="chy", address="杭州市文二路2号", service_phone="0571-77777777"
    )


@pytest.fixture
def building(estate):
    return Building.objects.create(estate=estate, name="3栋", floors=18)


@pytest.fixture
def manager(estate):
    return _user("jxy-manager", estate, Role.MANAGER)


@pytest.fixture
def other_manager(other_estate):
    return _user("chy-manager", other_estate, Role.MANAGER)


@pytest.fixture
def technician(estate):
    return _user("jxy-tech", estate, Role.TECHNICIAN)


def csv_file(text: str, *, encoding="utf-8-sig", name="import.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, name="import.xlsx", blank_rows_before=0):
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(blank_rows_before):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def upload(estate, kind, file, actor):
    return import_upload(estate=estate, kind=kind, upload=file, actor=actor)


def events(model, verb="imported"):
    ct = ContentType.objects.get_for_model(model)
    return AuditEvent.objects.filter(content_type=ct, verb=verb)


def lines(batch):
    return sorted({e["line"] for e in batch.errors})


UNITS_CSV = (
    "building,entrance,number,floor,area,kind,status\n"
    "3栋,1,0101,1,89.50,residential,vacant\n"
    "3栋,1,0102,1,120,Shop,Occupied\n"
)
UNITS_CSV_ZH = (
    "楼栋,单元,房号,楼层,面积,类型,状态\n"
    "3栋,2,0201,2,89.5,住宅,空置\n"
    "3栋,2,0202,2,76.25,车位,已入住\n"
    "3栋,,0203,2,60㎡,储藏室,装修中\n"
)
PEOPLE_CSV = (
    "Name,Mobile,Email,ID_Number\n"
    f"张三,13800138001,zs@example.com,{id_number(1)}\n"
    f"李四,+86 139-0013-8002,,{id_number(2)}\n"
)
PEOPLE_CSV_ZH = f"姓名,手机,邮箱,身份证号\n王五,13700137003,,{id_number(3)}\n赵六,13700137004,,\n"


# --- Units -------------------------------------------------------------------------------------


def test_units_csv_utf8_bom_checked_and_applied_with_audit(building, manager):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    assert batch.status == ImportStatus.READY, batch.errors
    assert (batch.row_count, batch.error_count) == (2, 0)
    assert batch.preview[0] == {
        "line": 2,
        "cells": ["3栋", "1", "0101", "1", "89.50", "residential", "vacant"],
    }
    assert Unit.objects.count() == 0  # checking saves nothing

    batch = import_apply(batch_id=batch.pk, actor=manager)
    assert batch.status == ImportStatus.APPLIED
    assert (batch.applied_count, batch.progress) == (2, 100)
    units = {u.number: u for u in Unit.objects.all()}
    assert set(units) == {"0101", "0102"}
    assert units["0102"].kind == UnitKind.SHOP and units["0102"].status == UnitStatus.OCCUPIED
    assert units["0101"].area == Decimal("89.50")
    assert all(u.estate_id == building.estate_id for u in units.values())
    audit = events(Unit)
    assert audit.count() == 2
    assert {e.object_id for e in audit} == {u.pk for u in units.values()}
    assert all(e.actor_id == manager.pk and e.note == "import.csv" for e in audit)


def test_units_csv_gb18030_with_chinese_headers_and_labels(building, manager):
    file = csv_file(UNITS_CSV_ZH, encoding="gb18030", name="房屋.csv")
    batch = upload(building.estate, ImportKind.UNITS, file, manager)
    assert batch.status == ImportStatus.READY, batch.errors
    import_apply(batch_id=batch.pk, actor=manager)
    units = {u.number: u for u in Unit.objects.all()}
    assert units["0202"].kind == UnitKind.PARKING
    assert units["0202"].status == UnitStatus.OCCUPIED
    assert units["0203"].entrance == "" and units["0203"].area == Decimal("60.00")
    assert units["0203"].status == UnitStatus.RENOVATING
    assert units["0203"].kind == UnitKind.STORAGE


def test_units_xlsx_with_bilingual_headers_and_numeric_cells(building, manager):
    file = xlsx_file(
        [
            ["楼栋 / building", "Entrance", "房号 / number", "FLOOR", "面积", "kind"],
            ["3栋", 1, 1501, 15, 89.5, "Parking space"],
            ["3栋", 1, "1502", 15.0, 101, None],
        ]
    )
    batch = upload(building.estate, ImportKind.UNITS, file, manager)
    assert batch.status == ImportStatus.READY, batch.errors
    import_apply(batch_id=batch.pk, actor=manager)
    units = {u.number: u for u in Unit.objects.all()}
    assert set(units) == {"1501", "1502"}
    assert units["1501"].entrance == "1" and units["1501"].floor == 15
    assert units["1501"].kind == UnitKind.PARKING
    assert units["1502"].kind == UnitKind.RESIDENTIAL  # default
    assert units["1502"].status == UnitStatus.VACANT


def test_bad_units_file_reports_every_row_with_its_line_and_saves_nothing(building, manager):
    Unit.objects.create(
        estate=building.estate, building=building, entrance="1", number="0101", floor=1, area=1
    )
    text = (
        "building,entrance,number,floor,area,kind,status\n"  # line 1
        "3栋,1,0201,2,80,residential,vacant\n"  # 2: good
        "\n"  # 3: blank lines count
        "9栋,1,0202,2,80,,\n"  # 4: no such building
        "3栋,1,0203,two,80,,\n"  # 5: floor not a number
        "3栋,1,0204,2,-5,castle,\n"  # 6: negative area, unknown kind
        '3栋,1,"0205",2,80,,"note\nspanning lines"\n'  # 7-8: one record on two lines
        "3栋,1,,2,80,,\n"  # 9: number missing
        "3栋,1,0201,2,80,,\n"  # 10: duplicate of line 2
        "3栋,1,0101,1,80,,\n"  # 11: already in the database
        "3栋,1,0206,2,80.123,,\n"  # 12: too many decimals
    )
    before = (Unit.objects.count(), AuditEvent.objects.count())
    batch = upload(building.estate, ImportKind.UNITS, csv_file(text), manager)
    assert batch.status == ImportStatus.INVALID
    assert batch.row_count == 9
    assert lines(batch) == [4, 5, 6, 7, 9, 10, 11, 12]
    by_line = {}
    for error in batch.error_rows:
        by_line.setdefault(error["line"], []).append(error)
    assert by_line[4][0]["column"] == "building" and "9栋" in by_line[4][0]["message"]
    assert by_line[5][0]["column"] == "floor"
    assert {e["column"] for e in by_line[6]} == {"area", "kind"}
    assert "status" in by_line[7][0]["column"] and "Unknown value" in by_line[7][0]["message"]
    assert by_line[9][0]["column"] == "number"
    assert "line 2" in by_line[10][0]["message"]
    assert "already exists" in by_line[11][0]["message"]
    assert batch.error_count == len(batch.errors)
    with pytest.raises(TransitionError):
        import_apply(batch_id=batch.pk, actor=manager)
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_missing_required_column_is_reported_on_the_header_line(building, manager):
    file = csv_file("building,number\n3栋,0101\n")
    batch = upload(building.estate, ImportKind.UNITS, file, manager)
    assert batch.status == ImportStatus.INVALID
    assert lines(batch) == [1]
    assert {e["column"] for e in batch.errors} == {"楼层 / floor", "面积 / area"}


def test_xlsx_line_numbers_are_the_sheet_rows(building, manager):
    file = xlsx_file(
        [
            ["building", "number", "floor", "area"],  # row 3 (two blank rows first)
            ["3栋", "0101", 1, 50],
            [None, None, None, None],
            ["3栋", "0102", "x", 50],  # row 6
        ],
        blank_rows_before=2,
    )
    batch = upload(building.estate, ImportKind.UNITS, file, manager)
    assert batch.status == ImportStatus.INVALID
    assert lines(batch) == [6]


# --- People ------------------------------------------------------------------------------------


def test_people_csv_utf8_bom(estate, manager):
    batch = upload(estate, ImportKind.PEOPLE, csv_file(PEOPLE_CSV), manager)
    assert batch.status == ImportStatus.READY, batch.errors
    # The stored preview never holds a full ID number.
    assert batch.preview[0]["cells"][3] == "*" * 14 + id_number(1)[-4:]
    import_apply(batch_id=batch.pk, actor=manager)
    people = {p.name: p for p in Person.objects.all()}
    assert people["李四"].mobile == "13900138002"  # normalized
    assert people["张三"].id_number == id_number(1)
    assert all(p.registered_estate_id == estate.pk for p in people.values())
    assert events(Person).count() == 2


def test_people_csv_gb18030(estate, manager):
    file = csv_file(PEOPLE_CSV_ZH, encoding="gb18030")
    batch = upload(estate, ImportKind.PEOPLE, file, manager)
    assert batch.status == ImportStatus.READY, batch.errors
    import_apply(batch_id=batch.pk, actor=manager)
    assert set(Person.objects.values_list("name", flat=True)) == {"王五", "赵六"}


def test_people_xlsx_with_mobile_as_number(estate, manager):
    file = xlsx_file(
        [
            ["姓名", "手机号", "email", "身份证号码"],
            ["钱七", 13600136007, None, id_number(7)],
            ["孙八", "13600136008", "s8@example.com", None],
        ]
    )
    batch = upload(estate, ImportKind.PEOPLE, file, manager)
    assert batch.status == ImportStatus.READY, batch.errors
    import_apply(batch_id=batch.pk, actor=manager)
    assert Person.objects.get(name="钱七").mobile == "13600136007"


def test_people_duplicates_in_file_and_in_database(estate, other_estate, manager):
    Person.objects.create(name="老住户", mobile="13800138001", registered_estate=estate)
    Person.objects.create(
        name="别处的人",
        mobile="13800138009",
        registered_estate=other_estate,
        id_number=id_number(9),
    )
    text = (
        "name,mobile,id_number\n"
        "甲,13800138001,\n"  # 2: mobile already registered in this estate
        f"乙,13800138002,{id_number(2)}\n"  # 3: good
        f"丙,13800138002,{id_number(2)}\n"  # 4: same mobile and ID as line 3
        "丁,13800138009,\n"  # 5: same mobile as a person of ANOTHER estate: allowed
        f"戊,13800138005,{id_number(9)}\n"  # 6: ID number registered anywhere
        "己,12345,\n"  # 7: not a mobile number
        f"庚,13800138007,{id_number(7)[:-1]}0\n"  # 8: wrong check digit
    )
    batch = upload(estate, ImportKind.PEOPLE, csv_file(text), manager)
    assert batch.status == ImportStatus.INVALID
    assert lines(batch) == [2, 4, 6, 7, 8]
    line4 = [e for e in batch.errors if e["line"] == 4]
    assert {e["column"] for e in line4} == {"mobile", "id_number"}
    assert "already registered" in next(e for e in batch.error_rows if e["line"] == 2)["message"]
    assert Person.objects.count() == 2


def test_errors_are_in_the_users_language(estate, manager):
    with translation.override("zh-hans"):
        batch = upload(estate, ImportKind.PEOPLE, csv_file("姓名,手机\n,123\n"), manager)
    assert batch.status == ImportStatus.INVALID
    assert len(batch.errors) == 2  # name required, mobile invalid: both on line 2
    assert lines(batch) == [2]


# --- Occupancies and buildings -----------------------------------------------------------------


def test_occupancies_import_links_people_to_units_and_records_timelines(building, manager):
    unit = Unit.objects.create(
        estate=building.estate, building=building, entrance="1", number="0101", floor=1, area=80
    )
    person = Person.objects.create(
        name="张三", mobile="13800138001", registered_estate=building.estate
    )
    text = (
        "楼栋,单元,房号,手机,身份,起始日期,结束日期\n"
        "3栋,1,0101,13800138001,业主,2024/3/1,\n"
        "3栋,1,0101,13800138001,Tenant,2024年1月1日,2023-12-31\n"  # ends before it starts
        "3栋,1,0999,13800138001,owner,2024-03-01,\n"  # no such unit
        "3栋,1,0101,13900000000,owner,2024-03-01,\n"  # nobody with this mobile
    )
    batch = upload(building.estate, ImportKind.OCCUPANCIES, csv_file(text), manager)
    assert lines(batch) == [3, 4, 5]
    assert Occupancy.objects.count() == 0

    good = upload(
        building.estate,
        ImportKind.OCCUPANCIES,
        csv_file(text.split("\n", 2)[0] + "\n" + text.split("\n")[1] + "\n"),
        manager,
    )
    assert good.status == ImportStatus.READY, good.errors
    import_apply(batch_id=good.pk, actor=manager)
    occupancy = Occupancy.objects.get()
    assert (occupancy.person, occupancy.unit) == (person, unit)
    assert occupancy.role == OccupancyRole.OWNER
    assert occupancy.start_date == dt.date(2024, 3, 1)
    assert events(Occupancy).count() == 1
    assert events(Person, "occupancy_added").filter(object_id=person.pk).exists()
    assert events(Unit, "occupancy_added").filter(object_id=unit.pk).exists()

    again = upload(
        building.estate,
        ImportKind.OCCUPANCIES,
        csv_file(text.split("\n", 2)[0] + "\n" + text.split("\n")[1] + "\n"),
        manager,
    )
    assert again.status == ImportStatus.INVALID  # the same occupancy already exists


def test_buildings_import(estate, manager):
    Building.objects.create(estate=estate, name="1栋")
    text = "楼栋,层数,竣工日期\n2栋,18,2015-06-30\n1栋,12,\n5栋,0,\n"
    batch = upload(estate, ImportKind.BUILDINGS, csv_file(text), manager)
    assert lines(batch) == [3, 4]
    ok = upload(estate, ImportKind.BUILDINGS, csv_file("楼栋,层数\n2栋,18\n6栋,\n"), manager)
    import_apply(batch_id=ok.pk, actor=manager)
    assert Building.objects.get(name="6栋").floors == 1
    assert events(Building).count() == 2


# --- Content and size --------------------------------------------------------------------------


def test_png_renamed_csv_is_rejected_by_content(estate, manager):
    file = SimpleUploadedFile("units.csv", PNG_BYTES, content_type="text/csv")
    with pytest.raises(ValidationError) as excinfo:
        upload(estate, ImportKind.UNITS, file, manager)
    assert excinfo.value.code == "bad_content"
    assert ImportBatch.objects.count() == 0


def test_zip_that_is_not_a_workbook_is_rejected(estate, manager):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    file = SimpleUploadedFile("units.xlsx", buffer.getvalue())
    with pytest.raises(ValidationError):
        upload(estate, ImportKind.UNITS, file, manager)


def test_too_large_file_is_rejected(settings, estate, manager):
    settings.ANJU_UPLOAD_MAX_BYTES = 100
    file = csv_file(UNITS_CSV * 5)
    with pytest.raises(ValidationError) as excinfo:
        upload(estate, ImportKind.UNITS, file, manager)
    assert excinfo.value.code == "too_large"
    assert ImportBatch.objects.count() == 0


def test_header_matching_accepts_both_languages_and_template_headers():
    kind = ImportKind.OCCUPANCIES
    assert parsing.match_header("房号", kind) == "number"
    assert parsing.match_header(" Number ", kind) == "number"
    assert parsing.match_header("起始日期 / start_date", kind) == "start_date"
    assert parsing.match_header("*身份(role)", kind) == "role"
    assert parsing.match_header("Start Date", kind) == "start_date"
    assert parsing.match_header("备用列", kind) is None


# --- Apply: once, all or nothing ---------------------------------------------------------------


def test_applying_twice_applies_once(building, manager):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    import_apply(batch_id=batch.pk, actor=manager)
    with pytest.raises(TransitionError):
        import_apply(batch_id=batch.pk, actor=manager)
    assert import_apply_task(batch.pk, manager.pk) is None  # a redelivered task: no-op
    assert Unit.objects.count() == 2
    assert events(Unit).count() == 2


def test_the_claim_lets_only_one_caller_in(building, manager):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    # Another worker has claimed it (READY -> APPLYING) a moment earlier.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING)
    with pytest.raises(TransitionError):
        import_apply(batch_id=batch.pk, actor=manager)
    assert Unit.objects.count() == 0


def test_changes_since_the_upload_fail_the_import_and_save_nothing(building, manager):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    Unit.objects.create(
        estate=building.estate, building=building, entrance="1", number="0102", floor=1, area=1
    )
    batch = import_apply(batch_id=batch.pk, actor=manager)
    assert batch.status == ImportStatus.FAILED
    assert lines(batch) == [3]
    assert Unit.objects.count() == 1
    assert events(Unit).count() == 0


def test_an_error_while_writing_rolls_everything_back(monkeypatch, building, manager):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("estates.imports.services.record_events_bulk", boom)
    batch = import_apply(batch_id=batch.pk, actor=manager)
    assert batch.status == ImportStatus.FAILED
    assert batch.errors and batch.errors[0]["line"] is None
    assert Unit.objects.count() == 0


def test_apply_task_runs_the_service(building, manager):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    assert import_apply_task(batch.pk, manager.pk) == ImportStatus.APPLIED
    assert Unit.objects.count() == 2


def test_upload_and_apply_need_the_import_permission(building, technician, other_manager):
    with pytest.raises(PermissionDenied):
        upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), technician)
    with pytest.raises(PermissionDenied):
        upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), other_manager)


def test_purge_deletes_old_files_only(building, manager):
    old = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    new = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    assert import_batches_purge() == 1
    assert not storage.exists(name)
    old.refresh_from_db()
    assert not old.file and old.preview == []
    assert new.file.storage.exists(new.file.name)
    assert import_batches_purge() == 0


# --- Templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ImportKind.values)
def test_template_has_bilingual_header_and_an_example(kind):
    workbook = load_workbook(io.BytesIO(import_template_xlsx(kind)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    for header in rows[0]:
        assert " / " in header
        assert parsing.match_header(header, kind) is not None


@pytest.mark.parametrize("kind", [ImportKind.UNITS, ImportKind.PEOPLE, ImportKind.BUILDINGS])
def test_a_template_as_downloaded_imports_cleanly(kind, building, manager):
    Building.objects.filter(pk=building.pk).update(name="3栋")
    if kind == ImportKind.BUILDINGS:
        Building.objects.filter(pk=building.pk).update(name="1栋")
    file = SimpleUploadedFile("template.xlsx", import_template_xlsx(kind))
    batch = upload(building.estate, kind, file, manager)
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.row_count == 1


# --- Pages -------------------------------------------------------------------------------------


def test_upload_page_check_detail_and_apply(client, building, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:import_upload"))
    assert response.status_code == 200
    assert "estate" not in response.context["form"].fields  # the only estate is current
    response = client.post(
        reverse("staff:import_upload"),
        {"kind": ImportKind.UNITS, "file": csv_file(UNITS_CSV, name="房屋.csv")},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert b'data-testid="import-apply"' in page.content
    assert "0102" in page.content.decode()  # preview
    response = client.post(reverse("staff:import_apply", kwargs={"import_pk": batch.pk}))
    assert response.status_code == 302
    assert Unit.objects.count() == 2
    page = client.get(batch.get_absolute_url())
    assert b'data-testid="import-apply"' not in page.content
    assert client.get(reverse("staff:import_apply", args=[batch.pk])).status_code == 405
    listing = client.get(reverse("staff:import_list"))
    assert listing.status_code == 200 and "房屋.csv" in listing.content.decode()


def test_detail_lists_every_bad_row(client, building, manager):
    client.force_login(manager)
    text = "building,number,floor,area\n9栋,1,1,1\n3栋,2,x,1\n3栋,3,1,-1\n"
    client.post(reverse("staff:import_upload"), {"kind": "units", "file": csv_file(text)})
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'data-testid="import-error-table"' in page
    assert 'data-testid="import-apply"' not in page
    table = page.split('data-testid="import-error-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 4  # header + three bad rows


def test_upload_form_rejects_png_and_too_large_next_to_the_field(
    client, settings, building, manager
):
    client.force_login(manager)
    png = SimpleUploadedFile("units.csv", PNG_BYTES, content_type="text/csv")
    response = client.post(reverse("staff:import_upload"), {"kind": "units", "file": png})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    settings.ANJU_UPLOAD_MAX_BYTES = 50
    response = client.post(
        reverse("staff:import_upload"), {"kind": "units", "file": csv_file(UNITS_CSV)}
    )
    assert "too large" in response.context["form"].errors["file"][0]
    # Also in the error summary at the top of the form (focused by static/anju/app.js).
    summary = response.content.decode().split("data-error-summary", 1)[1].split("</div>")[0]
    assert 'href="#id_file"' in summary and "too large" in summary
    assert ImportBatch.objects.count() == 0


def test_without_a_current_estate_the_form_offers_importable_estates(
    client, estate, other_estate, manager
):
    StaffMembership.objects.create(user=manager, estate=other_estate, role=Role.TECHNICIAN)
    client.force_login(manager)
    form = client.get(reverse("staff:import_upload")).context["form"]
    assert list(form.fields["estate"].queryset) == [estate]  # not where they are a technician
    response = client.post(
        reverse("staff:import_upload"),
        {"estate": other_estate.pk, "kind": "people", "file": csv_file(PEOPLE_CSV)},
    )
    assert response.status_code == 200 and response.context["form"].errors["estate"]
    response = client.post(
        reverse("staff:import_upload"),
        {"estate": estate.pk, "kind": "people", "file": csv_file(PEOPLE_CSV)},
    )
    assert response.status_code == 302
    assert ImportBatch.objects.get().estate == estate


def test_technician_gets_403_on_upload(client, building, technician):
    client.force_login(technician)
    assert client.get(reverse("staff:import_upload")).status_code == 403
    response = client.post(
        reverse("staff:import_upload"), {"kind": "units", "file": csv_file(UNITS_CSV)}
    )
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_another_estates_batch_is_404(client, building, manager, other_manager, technician):
    batch = upload(building.estate, ImportKind.UNITS, csv_file(UNITS_CSV), manager)
    client.force_login(other_manager)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("staff:import_apply", args=[batch.pk])).status_code == 404
    assert batch.get_absolute_url() not in client.get(reverse("staff:import_list")).content.decode()
    client.force_login(technician)  # same estate, no import role: 403
    assert client.get(batch.get_absolute_url()).status_code == 403
    assert Unit.objects.count() == 0


def test_big_file_is_applied_by_the_task_and_the_page_polls(
    client, building, manager, django_capture_on_commit_callbacks
):
    rows = "".join(f"3栋,2,{n:04d},{n // 100 + 1},80\n" for n in range(1, 503))
    text = "building,entrance,number,floor,area\n" + rows
    batch = upload(building.estate, ImportKind.UNITS, csv_file(text), manager)
    assert batch.status == ImportStatus.READY and batch.row_count == 502
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:import_apply", args=[batch.pk]))
    assert response.status_code == 302 and response.url.endswith("?queued=1")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert Unit.objects.count() == 502 and events(Unit).count() == 502

    # Polling: while APPLYING the partial asks again every second; when done, a refresh.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING, progress=40)
    response = client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and "40%" in body
    assert "<nav" not in body  # just the partial
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLIED, progress=100)
    response = client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    assert response.headers.get("HX-Refresh") == "true"


def test_template_download_and_unknown_kind(client, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:import_template", kwargs={"kind": "people"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    load_workbook(io.BytesIO(response.content))
    assert client.get(reverse("staff:import_template", kwargs={"kind": "nope"})).status_code == 404


def test_list_empty_state_says_what_to_do(client, estate, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:import_list"))
    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content
    assert reverse("staff:import_upload").encode() in response.content


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_import_runs(monkeypatch):
    """PostgreSQL: the progress UPDATE goes through a second connection, so a poll sees it
    before the import's transaction commits."""
    from django.db import connection

    from estates.imports import services

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: progress is reported between phases")
    estate = Estate.objects.create(
        name="进度小区", code="jd", address="文三路", service_phone="0571-1"
    )
    Building.objects.create(estate=estate, name="3栋")
    manager = _user("jd-manager", estate, Role.MANAGER)
    rows = "".join(f"3栋,1,{n:04d},1,80\n" for n in range(1, 1201))
    batch = upload(
        estate, ImportKind.UNITS, csv_file("building,entrance,number,floor,area\n" + rows), manager
    )
    seen = []
    observer = connection.copy()
    original = services.Progress.__call__

    def spy(self, percent):
        original(self, percent)
        if connection.in_atomic_block:
            with observer.cursor() as cursor:
                cursor.execute("SELECT progress FROM estates_importbatch WHERE id = %s", [batch.pk])
                seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(services.Progress, "__call__", spy)
    try:
        batch = import_apply(batch_id=batch.pk, actor=manager)
    finally:
        observer.close()
    assert batch.status == ImportStatus.APPLIED
    assert seen and max(seen) >= 80 and seen == sorted(seen)
    assert Unit.objects.count() == 1200


# --- Stored errors in the reader's language ------------------------------------------------------

BAD_UNITS = "楼栋,房号,楼层,面积,类型\n9栋,0101,1,80,住宅\n3栋,0102,1,80,castle\n"
BAD_PEOPLE = "姓名,手机\n张三,123\n"


@pytest.mark.parametrize(
    ("uploaded_in", "read_in", "expected", "unexpected"),
    [
        (
            "zh-hans",
            "en",
            [
                "There is no building “9栋” in 锦绣园. Add it first.",
                "Unknown value “castle”; use one of: Residential, Shop, Parking space, Storage.",
                "Enter a mainland China mobile number: 11 digits starting with 1.",
            ],
            "请",
        ),
        (
            "en",
            "zh-hans",
            [
                "锦绣园 中没有楼栋“9栋”，请先添加。",
                "无法识别“castle”，请使用以下之一：住宅、商铺、车位、储藏室。",
                "请输入中国大陆手机号：以 1 开头的 11 位数字。",
            ],
            "Add it first",
        ),
    ],
)
def test_import_errors_read_in_the_readers_language(
    client, building, manager, uploaded_in, read_in, expected, unexpected
):
    with translation.override(uploaded_in):
        units = upload(building.estate, ImportKind.UNITS, csv_file(BAD_UNITS), manager)
        people = upload(building.estate, ImportKind.PEOPLE, csv_file(BAD_PEOPLE), manager)
    assert units.status == people.status == ImportStatus.INVALID
    reader = _user("reader", building.estate, Role.MANAGER, language=read_in)
    client.force_login(reader)

    pages = "".join(
        client.get(reverse("staff:import_detail", kwargs={"import_pk": batch.pk})).content.decode()
        for batch in (units, people)
    )

    for text in expected:
        assert text in pages
    tables = pages.split('data-testid="import-error-table"')[1:]
    assert all(unexpected not in table.split("</table>")[0] for table in tables)
