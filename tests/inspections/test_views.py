"""The staff pages: setting up (a checkpoint on a pump gets the pump checklist, a route, a
plan that schedules rounds and previews the next ones), walking a round on the phone page
(scan, refuse without proof, an abnormal value to a repair ticket linked both ways), the
offline sync endpoint (a replay records once), labels and the equipment panel."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from estates.choices import Role
from inspections.choices import ItemKind, Recurrence, RoundStatus
from inspections.models import Answer, CheckItemTemplate, Checkpoint, Plan, Round, Route
from maintenance.models import Ticket

from ..factories import EquipmentFactory
from .factories import CheckpointFactory, make_round, pump_setup


def _choose(client, estate):
    client.post(reverse("staff:estate_switch"), {"estate": estate.pk, "next": "/"})


@pytest.mark.django_db
def test_set_up_a_checkpoint_route_and_plan(world, login):
    CheckItemTemplate.objects.create(
        category="water_pump", label="出水压力", kind=ItemKind.NUMBER, unit="MPa",
        min_value=Decimal("0.3"), max_value=Decimal("0.6"),
    )  # fmt: skip
    pump = EquipmentFactory(estate=world.estate, category="water_pump", name="1号水泵")
    client = login(world.manager)
    _choose(client, world.estate)
    formset = {"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"}
    response = client.post(
        reverse("inspections:checkpoint_create"),
        {"name": "B1水泵房", "place": "B1", "equipment": pump.pk, "require_scan": "on",
         "is_active": "on", **formset},
    )  # fmt: skip
    checkpoint = Checkpoint.objects.get(name="B1水泵房")
    assert response.status_code == 302
    assert [i.label for i in checkpoint.items.all()] == ["出水压力"]  # the pump checklist

    response = client.post(
        reverse("inspections:route_create"),
        {"name": "设备房路线", "is_active": "on", f"stop_{checkpoint.pk}": "1"},
    )
    route = Route.objects.get(name="设备房路线")
    assert route.checkpoints_in_order() == [checkpoint]

    bad = client.post(reverse("inspections:plan_create"), {"name": "x", "route": route.pk,
                      "recurrence": Recurrence.WEEKDAYS, "times_text": "25:99"})  # fmt: skip
    assert bad.status_code == 200
    form = bad.context["form"]
    assert "times_text" in form.errors and "weekdays" in form.errors
    response = client.post(
        reverse("inspections:plan_create"),
        {"name": "每日两次", "route": route.pk, "recurrence": Recurrence.DAILY,
         "times_text": "08:00, 20:00", "interval_days": "1", "window_minutes": "120",
         "start_date": timezone.localdate().isoformat(), "assignee_role": Role.SECURITY,
         "is_active": "on"},
    )  # fmt: skip
    plan = Plan.objects.get(name="每日两次")
    assert response.status_code == 302 and plan.times == ["08:00", "20:00"]
    assert Round.objects.filter(plan=plan).count() >= 2  # today's (not closed yet) and tomorrow's
    detail = client.get(plan.get_absolute_url())
    assert len(detail.context["upcoming"]) == 10


@pytest.mark.django_db
def test_a_round_on_the_phone_scan_record_and_a_ticket_linked_both_ways(world, login):
    pump = EquipmentFactory(estate=world.estate, category="water_pump", name="2号水泵")
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, require_scan=True,
                                                     equipment=pump)  # fmt: skip
    client = login(world.staff[Role.SECURITY])
    today = client.get(reverse("inspections:today"))
    assert [r.pk for r in today.context["rounds"]] == [round_.pk]

    page = reverse("inspections:round_checkpoint",
                   kwargs={"round_pk": round_.pk, "checkpoint_pk": checkpoint.pk})  # fmt: skip
    assert client.get(page).context["proof_missing"] is True
    # Typed is not proof: posting anyway is refused next to the form, nothing is recorded.
    typed = client.post(page, {"method": "typed", "code": checkpoint.code, "key": "k1",
                               f"item_{pressure.pk}": "0.4", f"item_{noise.pk}": "ok"})  # fmt: skip
    assert typed.status_code == 200 and "needs proof" in typed.content.decode()
    assert Answer.objects.count() == 0

    scanned = client.post(
        reverse("inspections:round_scan", kwargs={"round_pk": round_.pk}),
        {"code": checkpoint.code.lower(), "method": "qr"},
    )
    assert scanned.status_code == 302 and scanned["Location"].startswith(page)
    form_page = client.get(scanned["Location"])
    assert form_page.context["proof_missing"] is False
    answers = {f"item_{pressure.pk}": "0.75", f"item_{noise.pk}": "ok"}
    done = client.post(
        scanned["Location"], {"method": "qr", "code": checkpoint.code, "key": "k2", **answers}
    )
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.source_url == round_.get_absolute_url() and ticket.equipment == pump
    round_page = client.get(round_.get_absolute_url())
    html = round_page.content.decode()
    assert ticket.number in html and 'data-testid="finding-ticket"' in html
    ticket_page = login(world.manager).get(ticket.get_absolute_url()).content.decode()
    assert f'href="{round_.get_absolute_url()}"' in ticket_page


@pytest.mark.django_db
def test_offline_sync_replayed_twice_records_once_and_reports_conflicts(world, login):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    client = login(world.staff[Role.SECURITY])
    taken = (timezone.now() - timedelta(minutes=20)).isoformat()
    payload = {
        "round": round_.pk, "checkpoint": checkpoint.pk, "method": "none", "taken_at": taken,
        "answers": [{"item": pressure.pk, "value": "0.9", "key": "off-1"},
                    {"item": noise.pk, "value": "ok", "key": "off-2"}],
    }  # fmt: skip
    url = reverse("inspections:sync")
    first = client.post(url, {"payload": json.dumps(payload)}).json()
    again = client.post(url, {"payload": json.dumps(payload)}).json()
    assert first["ok"] and first["created"] == 2 and len(first["tickets"]) == 1
    assert again == {"ok": True, "created": 0, "tickets": []}
    assert Answer.objects.count() == 2 and Ticket.objects.count() == 1
    assert Answer.objects.first().taken_at.isoformat() == taken

    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.MISSED)
    other = CheckpointFactory(estate=world.estate)
    payload.update(checkpoint=other.pk, answers=[])
    refused = client.post(url, {"payload": json.dumps(payload)}).json()
    assert refused["ok"] is False and refused["conflict"] is True
    assert "Missed" in refused["error"]
    assert client.post(url, {"payload": "{nonsense"}).json()["ok"] is False


@pytest.mark.django_db
def test_pages_render_labels_list_filters_and_the_equipment_panel(world, login):
    pump = EquipmentFactory(estate=world.estate, category="water_pump", name="3号水泵")
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, equipment=pump)
    make_round(round_.plan, start=timezone.now() - timedelta(days=3), status=RoundStatus.MISSED)
    client = login(world.manager)
    rounds = client.get(reverse("inspections:round_list"), {"status": "missed"})
    assert [r.status for r in rounds.context["rows"]] == [RoundStatus.MISSED]
    sheet = client.get(reverse("inspections:checkpoint_labels")).content.decode()
    assert checkpoint.code in sheet and "<svg" in sheet
    label_url = reverse("inspections:checkpoint_scan", kwargs={"code": checkpoint.code})
    # The manager does no round of it: the checkpoint's page; the inspector: its form.
    assert client.get(label_url)["Location"] == checkpoint.get_absolute_url()
    inspector = login(world.staff[Role.SECURITY]).get(label_url)
    assert inspector["Location"].startswith(
        reverse("inspections:round_checkpoint",
                kwargs={"round_pk": round_.pk, "checkpoint_pk": checkpoint.pk})
    )  # fmt: skip
    client = login(world.manager)
    Answer.objects.create(round=round_, checkpoint=checkpoint, item=pressure, value="0.5",
                          number=Decimal("0.5"), taken_at=timezone.now(), by=world.manager,
                          idempotency_key="panel")  # fmt: skip
    panel = client.get(pump.get_absolute_url()).content.decode()
    assert 'data-testid="inspection-panel"' in panel and "出水压力" in panel
    # Finance sees the equipment but not the inspections.
    finance_page = login(world.staff[Role.FINANCE]).get(pump.get_absolute_url())
    if finance_page.status_code == 200:
        assert 'data-testid="inspection-panel"' not in finance_page.content.decode()


@pytest.mark.django_db
def test_the_round_page_in_chinese(world, login, settings):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    client = login(world.staff[Role.SECURITY])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(round_.get_absolute_url()).content.decode()
    assert "用摄像头扫码" in html and "巡检点" in html


@pytest.mark.django_db
def test_an_nfc_tag_read_is_proof_by_scan(world, login):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, require_scan=True)
    checkpoint.nfc_tag = "04:A2:BC:11"
    checkpoint.save()
    client = login(world.staff[Role.SECURITY])
    scanned = client.post(
        reverse("inspections:round_scan", kwargs={"round_pk": round_.pk}),
        {"code": "04:a2:bc:11", "method": "nfc"},
    )
    answers = {f"item_{pressure.pk}": "0.4", f"item_{noise.pk}": "ok"}
    done = client.post(
        scanned["Location"], {"method": "nfc", "code": checkpoint.nfc_tag, "key": "n1", **answers}
    )
    assert done.status_code == 302
    assert round_.visits.get().method == "nfc"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["inspections:round_list", "inspections:today"])
def test_list_pages_take_the_same_queries_for_few_and_many_rounds(world, login, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    client = login(world.staff[Role.SECURITY])
    url = reverse(url_name)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 8):
        make_round(round_.plan, start=timezone.now() - timedelta(minutes=10 + i))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rounds" if url_name.endswith("today") else "rows"]) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_the_rounds_export_follows_the_filters_and_the_scope(world, login):
    import io

    from openpyxl import load_workbook

    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    make_round(round_.plan, start=timezone.now() - timedelta(days=2), status=RoundStatus.MISSED)
    pump_setup(world.other_estate)
    response = login(world.manager).get(reverse("inspections:round_export"), {"status": "missed"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "锦绣园" and rows[1][6] == "Missed"
