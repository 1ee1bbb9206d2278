"""Pages a browser really renders under the Content-Security-Policy: their scripts run (the
estate switcher submits, the print and confirm buttons work) and none logs a violation
(checked for every page by the new_context fixture)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .repair_helpers import bad_responses, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Staff-Anju-2026!"


def test_staff_pages_under_the_csp(world, page):
    manager = world.manager
    manager.set_password(PASSWORD)
    manager.save()
    sign_in(page, manager.username, PASSWORD, reverse("staff:dashboard"))
    # The estate switcher submits on change (a data-autosubmit select, no onchange).
    with page.expect_navigation():
        page.locator("[data-testid=estate-switch] select").select_option(str(world.estate.pk))
    expect(page.locator("[data-testid=estate-switch] select")).to_have_value(str(world.estate.pk))

    from estates.choices import Role
    from maintenance import services

    ticket = services.ticket_report_by_staff(  # so the board has a row, the ticket page forms
        actor=world.staff[Role.CUSTOMER_SERVICE],
        estate=world.estate,
        data=services.ReportData(category="plumbing", description="漏水", unit=world.unit),
        channel="phone",
    )
    urls = [
        reverse("staff:dashboard"),
        reverse("staff:unit_list"),
        reverse("staff:equipment_list"),
        world.equipment.get_absolute_url(),
        reverse("staff:equipment_label", kwargs={"equipment_pk": world.equipment.pk}),
        reverse("staff:import_list"),
        reverse("maintenance:ticket_board"),
        ticket.get_absolute_url(),
        reverse("maintenance:ticket_create"),
        reverse("maintenance:sla_settings"),
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]

    # An import's progress bar gets its width from data-progress (no style attribute).
    from estates.choices import ImportStatus
    from estates.models import ImportBatch

    batch = ImportBatch.objects.create(
        estate=world.estate,
        kind="units",
        file="imports/x.csv",
        original_name="x.csv",
        created_by=manager,
        status=ImportStatus.APPLYING,
        progress=40,
        row_count=10,
    )
    page.goto(batch.get_absolute_url())
    bar = page.locator("[data-progress]")
    expect(bar).to_have_text("40%")
    ratio = bar.evaluate("b => b.getBoundingClientRect().width / b.parentNode.clientWidth")
    assert 0.38 < ratio < 0.42, ratio
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)

    # The preset button asks first (data-confirm): dismissed, nothing is posted.
    page.goto(reverse("maintenance:sla_settings"))
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("apply-preset").get_by_role("button").click()
    assert asked and "Replace all rules" in asked[0]
    expect(page).to_have_url(reverse("maintenance:sla_settings"))

    # The label page prints with a data-print button (window.print stubbed out).
    page.goto(reverse("staff:equipment_label", kwargs={"equipment_pk": world.equipment.pk}))
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_test_id("print-label").click()
    assert page.evaluate("window.printed") is True
    assert bad_responses(page) == []


def test_admin_pages_under_the_csp(world, page):
    from django.utils import timezone

    from maintenance.models import Ticket

    from ..factories import UserFactory

    UserFactory(username="root", is_superuser=True, is_staff=True, password=PASSWORD)
    ticket = Ticket.objects.create(
        estate=world.estate,
        unit=world.unit,
        category="plumbing",
        description="漏水",
        reported_at=timezone.now(),
    )
    sign_in(page, "root", PASSWORD, "/admin/")
    for url in (
        "/admin/",
        "/admin/maintenance/ticket/",
        f"/admin/maintenance/ticket/{ticket.pk}/change/",
        "/admin/core/user/add/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
    assert bad_responses(page) == []
