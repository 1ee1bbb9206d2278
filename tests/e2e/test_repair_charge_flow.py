"""A chargeable repair end to end in real browsers: the technician, on a phone, quotes
from the estate's price list and sends it; "start" is refused until the owner accepts;
the owner signs on the technician's phone; after the work the final amount differs and
must be explained; the owner pays it at once online and the ticket shows it paid."""

import re

import pytest
from playwright.sync_api import expect

from billing.models import RepairCharge
from estates.choices import Role
from maintenance import services as msvc
from maintenance.choices import Status

from ..billing.repair_helpers import price_list
from ..maintenance.test_services import png, ticket_in
from .conftest import PHONE
from .repair_helpers import sign_in
from .test_repair_flow import fits_the_phone, sign_on_the_pad

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Anju-2026!"  # tests/factories.py UserFactory


def test_quote_signature_final_amount_and_payment(world, new_context):
    technician = world.staff[Role.TECHNICIAN]
    labour, valve = price_list(world)
    ticket = ticket_in(world, Status.ON_SITE)
    ticket_path = f"/staff/repairs/{ticket.pk}/"

    tech = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(tech, technician.username, PASSWORD, ticket_path)
    panel = tech.get_by_test_id("repair-charge-panel")
    for item, quantity in ((labour, "1"), (valve, "2")):
        form = panel.get_by_test_id("quote-add-line")
        form.locator("select[name=price_item]").select_option(str(item.pk))
        form.locator("input[name=quantity]").fill(quantity)
        with tech.expect_navigation():
            form.locator("button").click()
        expect(tech.get_by_text("Line added to the quote.")).to_be_visible()
    expect(panel.get_by_test_id("quote-total")).to_have_text("¥60.20")  # 35.50 + 2 × 12.35
    fits_the_phone(tech)
    with tech.expect_navigation():
        panel.get_by_role("button", name="Send to the owner").click()
    expect(panel.get_by_test_id("quote-status")).to_have_text("Waiting for the owner")

    # Chargeable work does not start before the owner's yes: the page says why.
    expect(panel.get_by_test_id("start-blocked")).to_be_visible()
    with tech.expect_navigation():
        tech.locator("#action-start button").click()
    expect(tech.get_by_text("the owner has not accepted the quote yet").first).to_be_visible()
    expect(tech.get_by_test_id("status")).to_have_text("On site")

    # The owner signs on the technician's phone.
    with tech.expect_navigation():
        panel.get_by_test_id("quote-sign-link").click()
    expect(tech.get_by_test_id("quote-total")).to_have_text("¥60.20")
    fits_the_phone(tech)
    form = tech.get_by_test_id("quote-sign-form")
    form.locator("input[name=signer_name]").fill("王小明")
    sign_on_the_pad(tech, tech.get_by_test_id("signature-pad").locator("canvas"))
    with tech.expect_navigation():
        form.locator("button.btn-success").click()
    expect(tech.get_by_test_id("quote-status")).to_have_text("Accepted")
    with tech.expect_navigation():
        tech.locator("#action-start button").click()
    expect(tech.get_by_test_id("status")).to_have_text("In repair")

    # Done (the completion form is covered by test_repair_flow); the final amount differs.
    msvc.ticket_complete(
        ticket_id=ticket.pk, actor=technician, work_done="更换角阀两个", after_photos=[png()]
    )
    tech.reload()
    with tech.expect_navigation():
        tech.get_by_test_id("charge-link").click()
    tech.locator("input[name=amount]").fill("72.55")
    tech.locator("input[name=settlement][value=now]").check()
    with tech.expect_navigation():
        tech.locator("form button.btn-success").click()
    expect(tech.locator(".invalid-feedback, .text-danger").first).to_contain_text(
        "explain the difference"
    )
    tech.locator("textarea[name=explanation]").fill("多换了一个角阀")
    with tech.expect_navigation():
        tech.locator("form button.btn-success").click()
    expect(tech.get_by_test_id("charge-state")).to_have_text("Unpaid")
    charge = RepairCharge.objects.get(ticket=ticket)
    assert charge.bill_id is not None

    # The owner pays at once on their phone; the ticket shows it paid.
    owner = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(owner, world.owner.username, PASSWORD, f"/portal/repairs/{ticket.pk}/")
    owner_panel = owner.get_by_test_id("repair-owner-panel")
    expect(owner_panel.get_by_test_id("repair-charge")).to_contain_text("¥72.55")
    expect(owner_panel).to_contain_text("多换了一个角阀")
    fits_the_phone(owner)
    with owner.expect_navigation():
        owner_panel.get_by_test_id("charge-pay").click()
    expect(owner.get_by_test_id("sandbox-amount")).to_have_text("¥72.55")
    with owner.expect_navigation():
        owner.get_by_test_id("sandbox-pay").click()
    expect(owner.get_by_test_id("bill-open")).to_have_text("¥0.00")
    expect(owner.get_by_test_id("repair-line")).to_contain_text(ticket.number)
    owner.goto(f"/portal/repairs/{ticket.pk}/")
    expect(owner.get_by_test_id("charge-state")).to_have_text("Paid")
    tech.reload()
    expect(tech.get_by_test_id("charge-state")).to_have_text("Paid")
    assert re.search(r"/staff/repairs/\d+/", tech.url)
    assert tech.context.bad_responses == [] and owner.context.bad_responses == []
