"""The meter pages: the phone entry of a building (warnings inline, a confirm box, an error
keeps the row unsaved), the meter form, the ways in (billing home, a unit's account, the
building page, the nav), another estate's objects are 404s, and the pages in Chinese."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.choices import AllocationRule, FeeKind, RunStatus
from billing.models import BillRun, Meter, MeterReading
from core.models import AuditEvent
from estates.choices import Role

from ..factories import UnitFactory
from .factories import FeeItemFactory, MeterFactory, reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def technician(world):
    return world.staff[Role.TECHNICIAN]


@pytest.fixture
def meters(world):
    first = MeterFactory(unit=world.unit, serial_number="W-1")
    second = MeterFactory(unit=UnitFactory(building=world.building, floor=5), serial_number="W-2")
    for meter in (first, second):
        for period, value in (("2026-08", 10), ("2026-09", 20), ("2026-10", 30)):
            reading(meter, period, value)
    return first, second


def entry_url(world, **query):
    url = reverse("billing:meter_entry", kwargs={"building_pk": world.building.pk})
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_entry_page_lists_the_meters_with_last_and_usual(world, technician, meters, login):
    page = login(technician).get(entry_url(world, period="2026-11")).content.decode()
    assert page.index("W-1") < page.index("W-2")  # floor 3 before floor 5
    assert "30.00 (2026-10)" in page and "10.00" in page
    one_floor = login(technician).get(entry_url(world, period="2026-11", floor=5))
    assert "W-1" not in one_floor.content.decode() and "W-2" in one_floor.content.decode()


def test_saving_shows_warnings_inline_and_saves_the_rest(world, technician, meters, login):
    client = login(technician)
    first, second = meters
    url = entry_url(world, period="2026-11")
    response = client.post(
        url, {"period": "2026-11", f"value-{first.pk}": "29", f"value-{second.pk}": "41"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lower than the last reading" in page
    assert f'name="confirm-{first.pk}" value="lower"' in page
    assert not MeterReading.objects.filter(meter=first, period="2026-11").exists()
    saved = MeterReading.objects.get(meter=second, period="2026-11")
    assert (saved.value, saved.source, saved.read_by) == (Decimal("41"), "phone", technician)
    # confirmed: saved, with the warning it was saved despite
    response = client.post(
        url, {"period": "2026-11", f"value-{first.pk}": "29", f"confirm-{first.pk}": "lower"}
    )
    assert response.status_code == 302
    confirmed = MeterReading.objects.get(meter=first, period="2026-11")
    assert confirmed.confirmed_warnings == ["lower"]
    assert AuditEvent.objects.filter(verb="meter_read", object_id=first.pk).exists()


def test_an_error_keeps_the_row_unsaved_and_shows_it(world, technician, meters, login):
    first, _second = meters
    response = login(technician).post(
        entry_url(world), {"period": "2026-11", f"value-{first.pk}": "-5"}
    )
    assert "cannot be negative" in response.content.decode()
    assert not MeterReading.objects.filter(meter=first, period="2026-11").exists()


def test_a_correction_while_open_and_nothing_once_issued(world, technician, meters, login):
    first, _second = meters
    client = login(technician)
    client.post(entry_url(world), {"period": "2026-11", f"value-{first.pk}": "41"})
    client.post(entry_url(world), {"period": "2026-11", f"value-{first.pk}": "42"})
    assert MeterReading.objects.get(meter=first, period="2026-11").value == Decimal("42")
    assert AuditEvent.objects.filter(verb="meter_reading_corrected").count() == 1
    BillRun.objects.create(estate=world.estate, period="2026-11", status=RunStatus.ISSUED)
    response = client.post(entry_url(world), {"period": "2026-11", f"value-{first.pk}": "43"})
    assert "issued" in response.content.decode()
    assert MeterReading.objects.get(meter=first, period="2026-11").value == Decimal("42")


def test_another_estates_building_and_meter_are_404(world, technician, login):
    other = MeterFactory(unit=world.other_unit)
    client = login(technician)
    url = reverse("billing:meter_entry", kwargs={"building_pk": world.other_building.pk})
    assert client.get(url).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 404
    # customer service may see bills, not read meters: 403 in its own estate
    mine = MeterFactory(unit=world.unit)
    assert login(world.staff[Role.CUSTOMER_SERVICE]).get(mine.get_absolute_url()).status_code == 403


def test_the_meter_form_unit_and_shared(world, login):
    client = login(world.staff[Role.FINANCE])
    water = FeeItemFactory(name="水费", kind=FeeKind.WATER)
    shared = FeeItemFactory(name="公摊水费", kind=FeeKind.SHARED)
    url = reverse("billing:meter_create")
    data = {
        "unit": world.unit.pk,
        "kind": "water",
        "fee_item": water.pk,
        "serial_number": "W-100",
        "multiplier": "1",
        "initial_value": "0",
        "allocation": AllocationRule.BY_AREA,  # ignored for a unit meter
        "installed_on": "2026-01-01",
        "is_active": "on",
    }
    response = client.post(url, data)
    meter = Meter.objects.get(serial_number="W-100")
    assert response["Location"] == meter.get_absolute_url()
    assert (meter.building, meter.allocation) == (world.building, "")
    # the same unit and fee item again: refused next to the form
    response = client.post(url, {**data, "serial_number": "W-101"})
    assert "already has an active meter" in response.content.decode()
    # a shared meter needs a rule
    shared_data = {**data, "unit": "", "fee_item": shared.pk, "serial_number": "S-1"}
    shared_data["allocation"] = ""
    response = client.post(url, shared_data)
    assert "needs an allocation rule" in response.content.decode()
    shared_data.update({"allocation": AllocationRule.EQUALLY, "building": world.building.pk})
    client.post(url, shared_data)
    assert Meter.objects.get(serial_number="S-1").is_shared
    # removing the old meter (a replacement): inactive
    edit = reverse("billing:meter_edit", kwargs={"meter_pk": meter.pk})
    client.post(edit, {**data, "removed_on": "2026-11-15", "is_active": "on"})
    meter.refresh_from_db()
    assert (meter.removed_on, meter.is_active) == (dt.date(2026, 11, 15), False)


def test_the_ways_in(world, meters, login):
    finance = login(world.staff[Role.FINANCE])
    home = finance.get(reverse("billing:home")).content.decode()
    assert reverse("billing:meter_list") in home
    account = finance.get(reverse("billing:account_detail", args=[world.unit.pk])).content.decode()
    assert meters[0].get_absolute_url() in account and "30.00" in account
    building = finance.get(reverse("staff:building_detail", args=[world.building.pk]))
    assert reverse("billing:meter_entry", args=[world.building.pk]) in building.content.decode()
    listing = finance.get(reverse("billing:meter_list") + "?kind=water").content.decode()
    assert "W-1" in listing and reverse("billing:meter_entry", args=[world.building.pk]) in listing
    assert "W-1" not in finance.get(reverse("billing:meter_list") + "?q=W-2").content.decode()
    detail = finance.get(meters[0].get_absolute_url()).content.decode()
    assert "2026-10" in detail and "2026-08" in detail


def test_the_usage_page_computes(world, meters, login):
    finance = login(world.staff[Role.FINANCE])
    reading(meters[0], "2026-11", "42")
    response = finance.post(reverse("billing:meter_usage_compute"), {"period": "2026-11"})
    assert response.status_code == 302
    page = finance.get(response["Location"]).content.decode()
    assert "12.00" in page


def test_the_pages_in_chinese(world, technician, meters, login):
    client = login(technician)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(entry_url(world, period="2026-11")).content.decode()
    assert "抄表" in page
    first, _second = meters
    page = client.post(entry_url(world), {"period": "2026-11", f"value-{first.pk}": "1"})
    assert "低于上次读数" in page.content.decode()


def test_one_reading_on_the_meters_page_of_an_estate_wide_shared_meter(world, technician, login):
    shared = MeterFactory(
        unit=None,
        estate=world.estate,
        building=None,
        fee_item=FeeItemFactory(name="公摊水费", kind=FeeKind.SHARED),
        allocation=AllocationRule.EQUALLY,
    )
    client = login(technician)
    url = reverse("billing:meter_read", kwargs={"meter_pk": shared.pk})
    assert client.post(url, {"period": "2026-11", "value": "x"}).status_code == 200
    reading(shared, "2026-10", "500")
    page = client.post(url, {"period": "2026-11", "value": "400"}).content.decode()
    assert "Lower than the last reading" in page
    response = client.post(url, {"period": "2026-11", "value": "400", "confirm": "lower"})
    assert response["Location"] == shared.get_absolute_url()
    saved = MeterReading.objects.get(meter=shared, period="2026-11")
    assert (saved.value, saved.source) == (Decimal("400"), "manual")


def test_htmx_saves_one_row_and_answers_with_it(world, technician, meters, login):
    first, second = meters
    client = login(technician)
    url = entry_url(world)
    data = {"period": "2026-11", "row": first.pk, f"value-{first.pk}": "29"}
    response = client.post(url, data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith("<li") and "Lower than the last reading" in html and "W-2" not in html
    assert not MeterReading.objects.filter(meter=first, period="2026-11").exists()
    data[f"confirm-{first.pk}"] = "lower"
    html = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="row-saved"' in html and "29.00" in html
    assert MeterReading.objects.get(meter=first, period="2026-11").confirmed_warnings == ["lower"]
    other = {"period": "2026-11", "row": MeterFactory(unit=world.other_unit).pk}
    assert client.post(url, other, headers={"HX-Request": "true"}).status_code == 404
