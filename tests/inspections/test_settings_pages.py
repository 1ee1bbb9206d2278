"""Holidays of the chosen estate, checklists per equipment category (company administrators)
and editing a checkpoint's items: on staff pages, on the timeline, errors next to fields."""

from datetime import date

import pytest
from django.urls import reverse

from core.audit import timeline_for
from inspections.models import CheckItemTemplate, Holiday

from .factories import CheckItemFactory, CheckpointFactory


def _choose(client, estate):
    client.post(reverse("staff:estate_switch"), {"estate": estate.pk, "next": "/"})


@pytest.mark.django_db
def test_a_manager_adds_and_removes_a_holiday_of_the_estate_only(world, login):
    client = login(world.manager)
    _choose(client, world.estate)
    url = reverse("inspections:holiday_list")
    # A manager cannot declare a holiday for every estate: the field is not offered.
    response = client.post(url, {"date": "2026-10-01", "name": "国庆节", "company_wide": "on"})
    holiday = Holiday.objects.get()
    assert response.status_code == 302 and holiday.estate == world.estate
    again = client.post(url, {"date": "2026-10-01", "name": "又一次"})
    assert "That day is a holiday already." in again.context["form"].errors["date"]
    client.post(reverse("inspections:holiday_delete", kwargs={"holiday_pk": holiday.pk}))
    assert not Holiday.objects.exists()
    other = Holiday.objects.create(estate=world.other_estate, date=date(2026, 5, 1), name="x")
    gone = client.post(reverse("inspections:holiday_delete", kwargs={"holiday_pk": other.pk}))
    assert gone.status_code == 404 and Holiday.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_company_admins_keep_the_checklist_of_a_category(world, login):
    client = login(world.admin)
    url = reverse("inspections:template_edit", kwargs={"equipment_category": "fire"})
    data = {
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
        "items-0-position": "0", "items-0-label": "压力表", "items-0-kind": "number",
        "items-0-unit": "MPa", "items-0-min_value": "0.6", "items-0-max_value": "0.2",
    }  # fmt: skip
    bad = client.post(url, data)
    assert bad.status_code == 200
    assert bad.context["items"].forms[0].errors["max_value"]
    data["items-0-max_value"] = "1.0"
    assert client.post(url, data).status_code == 302
    assert list(CheckItemTemplate.objects.values_list("category", "label")) == [("fire", "压力表")]
    assert login(world.manager).get(url).status_code == 403


@pytest.mark.django_db
def test_editing_a_checkpoint_changes_its_items_and_is_on_its_timeline(world, login):
    checkpoint = CheckpointFactory(estate=world.estate, name="东门岗亭")
    item = CheckItemFactory(checkpoint=checkpoint)
    client = login(world.manager)
    data = {
        "name": "东门岗亭（新）", "place": "东门", "is_active": "on",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "1",
        "items-0-id": item.pk, "items-0-position": "0", "items-0-label": "出水压力",
        "items-0-kind": "number", "items-0-min_value": "0.3", "items-0-max_value": "0.6",
        "items-0-required": "on",
        "items-1-position": "1", "items-1-label": "道闸", "items-1-kind": "choice",
        "items-1-choices_text": "正常，卡顿，损坏", "items-1-abnormal_text": "损坏",
    }  # fmt: skip
    url = reverse("inspections:checkpoint_edit", kwargs={"checkpoint_pk": checkpoint.pk})
    response = client.post(url, data)
    assert response.status_code == 302
    checkpoint.refresh_from_db()
    gate = checkpoint.items.get(label="道闸")
    assert gate.choices == ["正常", "卡顿", "损坏"] and gate.abnormal_choices == ["损坏"]
    assert [e.verb for e in timeline_for(checkpoint)] == ["updated"]
    assert login(world.staff["security"]).get(url).status_code == 403
