"""The transition table (maintenance.transitions) drives the services, the staff ticket page,
the technician's phone page and the owner's ticket page: what it does not allow from a state
is refused with a TransitionError, its permission is checked in the ticket's own estate, and
the pages offer exactly its rows for the user and the state."""

import dataclasses
import io
import re

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.errors import TransitionError
from estates.choices import Role
from maintenance import permissions as P
from maintenance import services as svc
from maintenance import transitions as T
from maintenance.choices import PauseReason
from maintenance.choices import Status as S
from maintenance.models import Ticket

from ..factories import MembershipFactory, UserFactory
from .test_services import ticket_in

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, "PNG")
    return SimpleUploadedFile("after.png", buffer.getvalue(), content_type="image/png")


def arguments(world, row) -> dict:
    """What the row's service needs besides the ticket and the actor."""
    return {
        "reject": {"reason": "不属于维修范围"},
        "dispatch": {"technician": world.staff[Role.TECHNICIAN]},
        "pause": {"reason": PauseReason.PARTS},
        "complete": {"work_done": "更换角阀", "after_photos": [png()]},
        "verify": {"passed": True},
        "follow-up": {"method": "call", "rating": 5},
        "rate": {"rating": 5},
    }.get(row.slug, {})


def actor_for(world, row):
    # The manager holds every staff permission (and dispatches, so may do a technician's
    # step); the owner reported the tickets.
    return world.manager if row.who == T.STAFF else world.owner


@pytest.fixture
def one_per_status(world):
    return {status: ticket_in(world, status) for status in S.values}


def test_every_row_names_a_service_and_a_form_that_exist():
    assert {t.slug for t in T.TICKET if t.who == T.STAFF} == set(T.STAFF_ACTIONS)
    for row in T.TICKET:
        assert callable(row.service_function), row
        assert issubclass(row.form_class, forms.Form), row
        assert hasattr(row.form_class, "service_kwargs"), row
        assert row.from_states and set(row.from_states) <= set(S.values), row
        assert (row.permission is None) == (row.who == T.OWNER), row


def test_an_action_not_allowed_from_a_state_raises_transition_error(world, one_per_status):
    refused = 0
    for row in T.TICKET:
        actor = actor_for(world, row)
        for status, ticket in one_per_status.items():
            if status in row.from_states:
                continue
            before = Ticket.objects.values_list("status", "version").get(pk=ticket.pk)
            with pytest.raises(TransitionError):
                row.service_function(ticket_id=ticket.pk, actor=actor, **arguments(world, row))
            assert Ticket.objects.values_list("status", "version").get(pk=ticket.pk) == before
            refused += 1
    assert refused > 150  # every row, from every state it does not list


def test_the_services_read_their_states_from_the_table(world, monkeypatch):
    cs = world.staff[Role.CUSTOMER_SERVICE]
    ticket = ticket_in(world, S.REPORTED)
    verified = ticket_in(world, S.VERIFIED)
    narrowed = dataclasses.replace(T.STAFF_ACTIONS["register"], from_states=(S.REGISTERED,))
    monkeypatch.setitem(T.STAFF_ACTIONS, "register", narrowed)
    with pytest.raises(TransitionError):
        svc.ticket_register(ticket_id=ticket.pk, actor=cs)

    # Widened: closing straight from "verified" (the follow-up skipped) goes through.
    widened = dataclasses.replace(T.STAFF_ACTIONS["close"], from_states=(S.VERIFIED, S.FOLLOWED_UP))
    monkeypatch.setitem(T.STAFF_ACTIONS, "close", widened)
    assert svc.ticket_close(ticket_id=verified.pk, actor=cs).status == S.CLOSED


def test_the_services_read_the_permission_from_the_table(world, monkeypatch):
    cs = world.staff[Role.CUSTOMER_SERVICE]
    ticket = ticket_in(world, S.REPORTED)
    stricter = dataclasses.replace(T.STAFF_ACTIONS["register"], permission=P.CONFIGURE)
    monkeypatch.setitem(T.STAFF_ACTIONS, "register", stricter)
    with pytest.raises(PermissionDenied):
        svc.ticket_register(ticket_id=ticket.pk, actor=cs)
    assert svc.ticket_register(ticket_id=ticket.pk, actor=world.manager).status == S.REGISTERED


def test_the_permission_is_checked_in_the_tickets_own_estate(world, login):
    """Customer service in another estate, technician here: may not register a ticket here,
    and its page does not offer it (not "has the permission somewhere")."""
    user = UserFactory(username="two-hats")
    MembershipFactory(user=user, estate=world.other_estate, role=Role.CUSTOMER_SERVICE)
    MembershipFactory(user=user, estate=world.estate, role=Role.TECHNICIAN)
    ticket = ticket_in(world, S.REPORTED)
    with pytest.raises(PermissionDenied):
        svc.ticket_register(ticket_id=ticket.pk, actor=user)
    with pytest.raises(PermissionDenied):
        svc.ticket_reject(ticket_id=ticket.pk, actor=user, reason="x")
    assert T.available(user, ticket) == []
    assert staff_buttons(login(user), ticket) == set()
    response = login(user).post(
        reverse("maintenance:ticket_action", kwargs={"ticket_pk": ticket.pk, "action": "register"}),
        {"version": ticket.version, "priority": "normal", "category": "plumbing"},
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == S.REPORTED


# --- The pages show the table's rows -----------------------------------------------------------


def staff_buttons(client, ticket) -> set[str]:
    html = client.get(ticket.get_absolute_url()).content.decode()
    section = re.search(r'<section data-testid="actions">(.*?)</section>', html, re.S).group(1)
    return set(re.findall(r'id="action-[^"]+" data-action="([^"]+)"', section))


def owner_buttons(client, ticket) -> set[str]:
    html = client.get(reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk}))
    html = html.content.decode()
    section = re.search(r'<section class="my-3" data-testid="actions">(.*?)</section>', html, re.S)
    return set(re.findall(r'data-action="([^"]+)"', section.group(1))) if section else set()


def test_the_staff_page_shows_exactly_the_tables_actions(world, login, one_per_status):
    roles = [Role.MANAGER, Role.CUSTOMER_SERVICE, Role.TECHNICIAN, Role.FINANCE]
    for role in roles:
        user = world.staff[role]
        client = login(user)
        for ticket in one_per_status.values():
            ticket = Ticket.objects.select_related("estate").get(pk=ticket.pk)
            shown = staff_buttons(client, ticket)
            assert shown == {t.slug for t in T.available(user, ticket, T.STAFF)}, (role, ticket)
    # Not vacuous: the desk and the assigned technician at their steps.
    desk = login(world.staff[Role.CUSTOMER_SERVICE])  # one client: log in before each use
    assert staff_buttons(desk, one_per_status[S.REPORTED]) == {"register", "reject", "cancel"}
    assert staff_buttons(desk, one_per_status[S.COMPLETED]) == {"verify"}
    assert staff_buttons(desk, one_per_status[S.CLOSED]) == set()
    tech = login(world.staff[Role.TECHNICIAN])
    assert staff_buttons(tech, one_per_status[S.IN_REPAIR]) == {"pause", "complete"}
    assert staff_buttons(tech, one_per_status[S.REPORTED]) == set()


def test_the_staff_page_follows_a_change_of_the_table(world, login, monkeypatch):
    ticket = ticket_in(world, S.REPORTED)
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    assert "reject" in staff_buttons(client, ticket)
    monkeypatch.setitem(
        T.STAFF_ACTIONS,
        "reject",
        dataclasses.replace(T.STAFF_ACTIONS["reject"], from_states=(S.REGISTERED,)),
    )
    assert staff_buttons(client, ticket) == {"register", "cancel"}


def test_my_jobs_shows_the_tables_technician_steps(world, login, one_per_status):
    tech = world.staff[Role.TECHNICIAN]
    html = login(tech).get(reverse("maintenance:my_jobs")).content.decode()
    for status in (S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.IN_REPAIR, S.PAUSED):
        ticket = one_per_status[status]
        card = re.search(rf'<article [^>]*data-ticket="{ticket.pk}".*?</article>', html, re.S)
        assert card is not None, status
        shown = set(re.findall(r'data-action="([^"]+)"', card.group(0)))
        wanted = {t.slug for t in T.available(tech, ticket) if t.assigned_only}
        assert shown == wanted, (status, shown, wanted)


def test_the_owner_page_shows_exactly_the_tables_actions(world, login, one_per_status):
    client = login(world.owner)
    for ticket in one_per_status.values():
        ticket = Ticket.objects.select_related("estate").get(pk=ticket.pk)
        wanted = {t.slug for t in T.available(world.owner, ticket, T.OWNER)}
        assert owner_buttons(client, ticket) == wanted, ticket.status
    assert owner_buttons(client, one_per_status[S.REPORTED]) == {"urge", "cancel"}
    assert owner_buttons(client, one_per_status[S.COMPLETED]) == {"verify", "rate"}
    assert owner_buttons(client, one_per_status[S.VERIFIED]) == {"rate"}
    assert owner_buttons(client, one_per_status[S.CLOSED]) == set()


def test_the_owner_page_follows_a_change_of_the_table(world, login, monkeypatch):
    ticket = ticket_in(world, S.DISPATCHED)
    client = login(world.owner)
    assert owner_buttons(client, ticket) == {"urge"}
    monkeypatch.setitem(
        T.OWNER_ACTIONS,
        "urge",
        dataclasses.replace(T.OWNER_ACTIONS["urge"], from_states=(S.REPORTED,)),
    )
    assert owner_buttons(client, ticket) == set()
    response = client.post(reverse("repairs:urge", kwargs={"ticket_pk": ticket.pk}))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.urge_count == 0
