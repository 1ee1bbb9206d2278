"""An inspection round without signal, in a real browser on a phone-sized screen: the
inspector opens today's rounds while online, the browser goes offline (Playwright's offline
mode), the round and its checkpoint still open (service worker), an out-of-range pressure
and a photo are recorded and wait on the phone (IndexedDB); back online they are sent once,
and a repair ticket linked to the round appears on the repair board."""

import re

import pytest
from playwright.sync_api import expect

from estates.choices import Role
from inspections.choices import ItemKind
from inspections.models import Answer, AnswerPhoto
from maintenance.models import Ticket

from ..factories import EquipmentFactory
from ..inspections.factories import CheckItemFactory, pump_setup
from .conftest import PHONE
from .helpers import wider_than_viewport
from .repair_helpers import png_file, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Inspector-Anju-2026!"


def test_a_round_recorded_offline_is_sent_once_and_opens_a_ticket(world, new_context, tmp_path):
    inspector = world.staff[Role.SECURITY]
    inspector.set_password(PASSWORD)
    inspector.save()
    pump = EquipmentFactory(estate=world.estate, category="water_pump", name="2号生活水泵")
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, equipment=pump)
    photo_item = CheckItemFactory(
        checkpoint=checkpoint, position=2, label="水泵房照片", kind=ItemKind.PHOTO,
        unit="", min_value=None, max_value=None,
    )  # fmt: skip

    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    sign_in(phone, inspector.username, PASSWORD, "/staff/inspections/today/")
    expect(phone.get_by_test_id("today-round")).to_have_count(1)
    # The service worker controls the page and today's pages are stored for later.
    phone.wait_for_function(
        "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
    )
    phone.wait_for_selector("[data-offline-ready='1']", state="attached")
    assert [w for w in wider_than_viewport(phone) if not w["in_navbar"]] == []

    context.set_offline(True)
    phone.get_by_test_id("today-round").locator("a").click()
    expect(phone).to_have_url(re.compile(rf"/staff/inspections/rounds/{round_.pk}/$"))
    expect(phone.get_by_test_id("offline-banner")).to_be_visible()
    phone.get_by_test_id("stop").locator("a").click()
    form = phone.get_by_test_id("answers-form")
    form.locator(f"[name=item_{pressure.pk}]").fill("0.85")
    form.locator(f"label[for=id_item_{noise.pk}_0]").click()
    form.locator(f"[name=item_{photo_item.pk}]").set_input_files(
        str(png_file(tmp_path, "pump.png"))
    )
    form.get_by_test_id("record").click()
    # Back on the round: the checkpoint waits on the phone, nothing reached the server.
    expect(phone).to_have_url(re.compile(rf"/staff/inspections/rounds/{round_.pk}/$"))
    expect(phone.get_by_test_id("outbox")).to_be_visible()
    expect(phone.locator("[data-outbox-count]")).to_have_text("1")
    expect(phone.locator("[data-testid=stop][data-pending]")).to_have_count(1)
    assert Answer.objects.count() == 0

    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.get_by_test_id("outbox")).to_be_hidden()
    # Sent again (the button, a second online event): nothing is recorded twice.
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(500)
    assert Answer.objects.filter(round=round_).count() == 3
    assert AnswerPhoto.objects.count() == 1
    abnormal = Answer.objects.get(item=pressure)
    assert abnormal.abnormal and abnormal.by == inspector
    ticket = Ticket.objects.get()
    assert ticket.source_url == round_.get_absolute_url()

    phone.reload()
    expect(phone.get_by_test_id("finding-ticket")).to_contain_text(ticket.number)
    board = new_context().new_page()
    manager = world.manager
    manager.set_password(PASSWORD)
    manager.save()
    sign_in(board, manager.username, PASSWORD, "/staff/repairs/")
    expect(board.get_by_text(ticket.number)).to_be_visible()
    board.goto(ticket.get_absolute_url())
    expect(board.get_by_test_id("source").locator("a")).to_have_attribute(
        "href", round_.get_absolute_url()
    )
