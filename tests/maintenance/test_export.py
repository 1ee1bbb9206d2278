"""The board as XLSX: the filtered tickets of my estates where I may export, local times,
labels in my language; too many rows is a message, not a long download."""

import io
from datetime import datetime

from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from estates.choices import Role
from maintenance import services
from maintenance.choices import Category, Channel, Priority

from .test_services import report

URL = reverse("maintenance:ticket_export")


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_export_follows_the_board_filters_and_my_estates(world, login):
    leak = report(world)
    lift = report(world, category=Category.ELEVATOR, priority=Priority.EMERGENCY)
    theirs = services.ticket_report_by_staff(
        actor=world.other_manager,
        estate=world.other_estate,
        data=services.ReportData(
            category=Category.PLUMBING, description="隔壁", unit=world.other_unit
        ),
        channel=Channel.PHONE,
    )
    client = login(world.manager)
    board = client.get(reverse("maintenance:ticket_board"), {"category": "elevator"})
    assert f"{URL}?category=elevator" in board.content.decode()

    rows = sheet_rows(client.get(URL))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("Number", "Estate", "Place")
    numbers = {row[0] for row in body}
    assert numbers == {leak.number, lift.number} and theirs.number not in numbers
    row = next(r for r in body if r[0] == lift.number)
    assert row[1] == "锦绣园" and row[3] == "Elevator" and row[4] == "Emergency"
    reported = timezone.localtime(lift.reported_at).replace(tzinfo=None, microsecond=0)
    assert isinstance(row[8], datetime) and abs((row[8] - reported).total_seconds()) < 1

    only_lifts = sheet_rows(client.get(URL, {"category": "elevator"}))
    assert [r[0] for r in only_lifts[1:]] == [lift.number]


def test_export_in_chinese(world, login):
    report(world)
    world.manager.language = "zh-hans"
    world.manager.save(update_fields=["language"])
    rows = sheet_rows(login(world.manager).get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert rows[0][:3] == ("工单号", "项目", "位置")
    with translation.override("zh-hans"):
        plumbing = str(Category.PLUMBING.label)
    assert rows[1][3] == plumbing != "Plumbing and leaks"


def test_export_needs_the_export_permission(world, login):
    assert login(world.staff[Role.TECHNICIAN]).get(URL).status_code == 403
    assert login(world.owner).get(URL).status_code == 403
    board = login(world.staff[Role.TECHNICIAN]).get(reverse("maintenance:ticket_board"))
    assert 'data-testid="export"' not in board.content.decode()


def test_too_many_rows_is_a_message(world, login, monkeypatch):
    monkeypatch.setattr("maintenance.views.export.EXPORT_LIMIT", 1)
    report(world)
    report(world, category=Category.ELECTRICAL)
    response = login(world.manager).get(URL, {"status": "open"})
    assert response.status_code == 302
    assert response["Location"] == reverse("maintenance:ticket_board") + "?status=open"
