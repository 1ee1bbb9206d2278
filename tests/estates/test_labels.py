"""QR labels: one piece of equipment, a sheet for the filtered register, a building's common
areas; scanning a common area's label opens the report form with the place filled in."""

import re

from django.urls import reverse

from estates.choices import EquipmentCategory, Role
from estates.views.printing import LABEL_SHEET_LIMIT

from ..factories import EquipmentFactory


def labels_in(html: str) -> int:
    return len(re.findall(r'data-testid="qr-label"', html))


def test_sheet_prints_the_filtered_register_of_my_estate_only(world, login):
    EquipmentFactory(
        estate=world.estate,
        code="JXY-CA-01",
        name="中心花园",
        category=EquipmentCategory.COMMON_AREA,
        building=None,
        location="南门内",
    )
    client = login(world.manager)
    html = client.get(reverse("staff:equipment_labels")).content.decode()
    assert labels_in(html) == 2  # the world's pump and the garden, not the other estate's
    assert world.other_equipment.code not in html
    assert "中心花园" in html and "南门内" in html and "Common area" in html
    assert html.count("<svg") == 2 and "data-print" in html

    only_areas = client.get(reverse("staff:equipment_labels"), {"category": "common_area"})
    html = only_areas.content.decode()
    assert labels_in(html) == 1 and "JXY-CA-01" in html
    assert world.equipment.code not in html
    # Back to the same filtered list.
    assert f"{reverse('staff:equipment_list')}?category=common_area" in html
    # The list offers the sheet with its filters.
    listing = client.get(reverse("staff:equipment_list"), {"category": "common_area"})
    assert f"{reverse('staff:equipment_labels')}?category=common_area" in listing.content.decode()


def test_single_label_of_a_common_area_encodes_its_scan_url(world, login):
    area = EquipmentFactory(
        estate=world.estate, code="JXY-CA-02", category=EquipmentCategory.COMMON_AREA
    )
    client = login(world.manager)
    html = client.get(
        reverse("staff:equipment_label", kwargs={"equipment_pk": area.pk})
    ).content.decode()
    assert labels_in(html) == 1
    scan = reverse("maintenance:scan_equipment", kwargs={"equipment_pk": area.pk})
    assert f"http://testserver{scan}" in html


def test_sheet_refuses_more_than_a_sheet_holds(world, login, monkeypatch):
    monkeypatch.setattr("estates.views.printing.LABEL_SHEET_LIMIT", 1)
    EquipmentFactory(estate=world.estate)
    html = login(world.manager).get(reverse("staff:equipment_labels")).content.decode()
    assert labels_in(html) == 0
    assert 'data-testid="too-many"' in html and "2 items match" in html
    assert LABEL_SHEET_LIMIT == 200


def test_sheet_needs_the_equipment_register(world, login):
    # Finance has no equipment register: no labels either.
    response = login(world.staff[Role.FINANCE]).get(reverse("staff:equipment_labels"))
    assert response.status_code == 403
    assert login(world.owner).get(reverse("staff:equipment_labels")).status_code == 403


def test_building_label_for_its_common_areas(world, login):
    client = login(world.manager)
    page = client.get(reverse("staff:building_detail", kwargs={"building_pk": world.building.pk}))
    label_url = reverse("staff:building_label", kwargs={"building_pk": world.building.pk})
    assert label_url in page.content.decode()
    html = client.get(label_url).content.decode()
    assert labels_in(html) == 1 and "3栋" in html and "Common areas" in html
    scan = reverse("maintenance:scan_building", kwargs={"building_pk": world.building.pk})
    assert f"http://testserver{scan}" in html
    other = reverse("staff:building_label", kwargs={"building_pk": world.other_building.pk})
    assert client.get(other).status_code == 404


def test_owner_scanning_a_common_area_gets_the_report_form_filled_in(world, login):
    area = EquipmentFactory(
        estate=world.estate, code="JXY-CA-03", name="地下车库", category="common_area"
    )
    client = login(world.owner)
    scan = client.get(reverse("maintenance:scan_equipment", kwargs={"equipment_pk": area.pk}))
    assert scan.status_code == 302
    page = client.get(scan["Location"])
    assert page.context["form"].initial["category"] == "public_facility"
    assert "JXY-CA-03" in page.content.decode() and "地下车库" in page.content.decode()
