"""The complaints panel on a repair ticket's staff page (maintenance/panels.py): the
complaints linked to the ticket, and for a repair rated low or urged repeatedly the
one-click "make a complaint", checked in the ticket's estate."""

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.choices import Channel
from complaints.models import Complaint
from estates.choices import Role
from estates.models import StaffMembership
from maintenance.models import Ticket

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def ticket_of(estate, unit, number, **kw):
    now = timezone.now()
    return Ticket.objects.create(
        estate=estate, unit=unit, category="plumbing", channel="portal", description="漏水",
        reported_at=now, response_due=now, onsite_due=now, completion_due=now, number=number,
        **kw,
    )  # fmt: skip


def page(client, ticket):
    return client.get(reverse("maintenance:ticket_detail", kwargs={"ticket_pk": ticket.pk}))


def make(client, ticket):
    url = reverse("complaints:complaint_from_ticket", kwargs={"ticket_pk": ticket.pk})
    return client.post(url, {"from": "ticket"})


def test_a_low_rated_repair_becomes_a_complaint_from_its_page(world, login):
    ticket = ticket_of(world.estate, world.unit, "JXY-1", rating=1, reporter=world.owner_person)
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    html = page(client, ticket).content.decode()
    assert 'data-testid="make-complaint"' in html
    response = make(client, ticket)
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    assert c.ticket == ticket and c.channel == Channel.REPAIR
    assert c.complainant == world.owner_person
    html = page(client, ticket).content.decode()
    assert 'data-testid="make-complaint"' not in html and c.number in html
    # a second click makes no second complaint: the message comes back on the ticket page
    response = make(client, ticket)
    assert response["Location"] == reverse("maintenance:ticket_detail",
                                           kwargs={"ticket_pk": ticket.pk})  # fmt: skip
    assert Complaint.objects.count() == 1


def test_an_urged_repair_offers_the_button_a_fine_one_does_not(world, login):
    urged = ticket_of(world.estate, world.unit, "JXY-2", urge_count=2)
    fine = ticket_of(world.estate, world.unit, "JXY-3", rating=5)
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    assert 'data-testid="make-complaint"' in page(client, urged).content.decode()
    html = page(client, fine).content.decode()
    assert 'data-testid="ticket-complaints-panel"' not in html  # nothing linked, nothing to do
    make(client, fine)
    assert not Complaint.objects.exists()


def test_a_complaint_that_opened_the_ticket_is_shown_on_it(world, login):
    ticket = ticket_of(world.estate, world.unit, "JXY-4")
    c = ComplaintFactory(unit=world.unit, ticket=ticket)
    html = page(login(world.manager), ticket).content.decode()
    assert 'data-testid="linked-complaints"' in html and c.number in html
    assert 'data-testid="make-complaint"' not in html


def test_only_handlers_of_the_tickets_estate_get_the_button(world, login):
    ticket = ticket_of(world.estate, world.unit, "JXY-5", rating=1)
    # the technician sees the ticket but handles no complaints: no panel, and a 403
    technician = login(world.staff[Role.TECHNICIAN])
    assert 'data-testid="make-complaint"' not in page(technician, ticket).content.decode()
    assert make(technician, ticket).status_code == 403
    # customer service of the other estate: the ticket does not exist for them
    other = StaffMembership.objects.filter(estate=world.other_estate, role=Role.MANAGER).first()
    other_client = login(other.user if other else world.other_manager)
    assert page(other_client, ticket).status_code == 404
    assert make(other_client, ticket).status_code == 404
    assert not Complaint.objects.exists()


def test_the_panel_keeps_anonymous_complaints_from_who_may_not_see_the_name(world, login):
    ticket = ticket_of(world.estate, world.unit, "JXY-6")
    c = ComplaintFactory(unit=world.unit, ticket=ticket, anonymous=True)
    assert c.number in page(login(world.manager), ticket).content.decode()
    clerk = login(world.staff[Role.CUSTOMER_SERVICE])
    assert c.number not in page(clerk, ticket).content.decode()
