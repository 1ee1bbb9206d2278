"""The staff repair board at a common laptop width (1366 × 768), in English: neither the
page nor the ticket table scrolls sideways, even across estates (an extra Estate column)
with the longest category, a technician, an overdue badge and a deadline in every row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from estates.choices import Role
from maintenance import services
from maintenance.choices import Category, Channel, Priority
from maintenance.models import Ticket

from ..factories import MembershipFactory, UserFactory
from .repair_helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Staff-Anju-2026!"
LAPTOP = {"width": 1366, "height": 768}


def _tickets(world, technician):
    desk = world.staff[Role.CUSTOMER_SERVICE]
    for n in range(6):
        estate, unit, actor = (
            (world.estate, world.unit, desk)
            if n % 2
            else (world.other_estate, world.other_unit, world.other_manager)
        )
        ticket = services.ticket_report_by_staff(
            actor=actor,
            estate=estate,
            data=services.ReportData(
                category=Category.HVAC,
                description="空调不制冷",
                unit=unit,
                priority=Priority.URGENT,
            ),
            channel=Channel.PHONE,
        )
        if estate == world.estate:
            services.ticket_register(ticket_id=ticket.pk, actor=desk)
            services.ticket_dispatch(ticket_id=ticket.pk, actor=desk, technician=technician)
    # Late: the overdue badge and the deadline side by side.
    Ticket.objects.update(completion_overdue=True, onsite_due=timezone.now() - timedelta(hours=3))


def test_english_board_fits_1366_pixels(world, new_context):
    technician = UserFactory(username="li.shifu", display_name="李师傅")
    MembershipFactory(user=technician, estate=world.estate, role=Role.TECHNICIAN)
    _tickets(world, technician)
    world.admin.set_password(PASSWORD)
    world.admin.save()

    page = new_context(viewport=LAPTOP).new_page()
    sign_in(page, world.admin.username, PASSWORD, "/staff/repairs/?status=open")
    assert page.evaluate("document.documentElement.lang") == "en"
    table = page.get_by_test_id("ticket-table")
    assert table.locator("tbody tr").count() == 6
    assert table.locator("th", has_text="Estate").count() == 1  # every estate: one more column
    assert table.locator("text=Heating and air conditioning").count() == 6
    assert table.get_by_test_id("overdue").count() == 6

    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    # The table sits in a .table-responsive box, which would scroll on its own instead.
    box = page.evaluate(
        """() => { const b = document.querySelector("[data-testid=ticket-table]").parentElement;
                   return {scroll: b.scrollWidth, client: b.clientWidth}; }"""
    )
    assert box["scroll"] <= box["client"], box
