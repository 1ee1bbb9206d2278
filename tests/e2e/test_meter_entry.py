"""Reading meters on a phone: a technician walks a building's meters, types the values, is
warned about a value lower than the last one, confirms it, and every reading is saved; one
row saved on its own (htmx); the page fits 360 px and the browser blocked nothing (CSP)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import MeterReading
from estates.choices import Role

from ..billing.factories import MeterFactory, reading
from ..factories import UnitFactory
from .helpers import assert_page_healthy, wider_than_viewport
from .repair_helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Anju-2026!"  # tests/factories.py UserFactory


def test_a_technician_reads_a_buildings_meters_on_a_phone(world, phone_page):
    first = MeterFactory(unit=world.unit, serial_number="W-1")
    second = MeterFactory(unit=UnitFactory(building=world.building, floor=7), serial_number="W-2")
    for meter in (first, second):
        reading(meter, "2026-10", "30")
    page = phone_page
    technician = world.staff[Role.TECHNICIAN]
    sign_in(page, technician.username, PASSWORD, "/staff/")
    page.goto(f"/staff/billing/meters/buildings/{world.building.pk}/read/?period=2026-11")
    assert_page_healthy(page)
    page.locator(f"#value-{first.pk}").fill("29")
    page.locator(f"#value-{second.pk}").fill("41.5")
    with page.expect_navigation():
        page.get_by_test_id("save-readings").click()
    row = page.get_by_test_id("meter-W-1")
    expect(row).to_contain_text("Lower than the last reading")
    assert MeterReading.objects.get(meter=second, period="2026-11").value == Decimal("41.5")
    assert not MeterReading.objects.filter(meter=first, period="2026-11").exists()
    assert [e for e in wider_than_viewport(page) if not e["in_navbar"]] == []
    row.get_by_label("The value is right: save it").check()
    with page.expect_navigation():
        page.get_by_test_id("save-readings").click()
    expect(page.get_by_test_id("meter-W-1")).to_contain_text("29.00")
    saved = MeterReading.objects.get(meter=first, period="2026-11")
    assert (saved.value, saved.confirmed_warnings) == (Decimal("29"), ["lower"])
    # one row on its own (htmx): a correction of W-2, answered in place
    page.locator(f"#value-{second.pk}").fill("42")
    page.get_by_test_id("save-row-W-2").click()
    expect(page.get_by_test_id("meter-W-2").get_by_test_id("row-saved")).to_be_visible()
    assert MeterReading.objects.get(meter=second, period="2026-11").value == Decimal("42")
