"""maintenance.services: every transition is allowed only from the right state and for the
right role, lands on the timeline and tells the right people; money is rounded once;
duplicates are pointed out; a stale version or a second person at once changes nothing."""

import io
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone
from PIL import Image

from core.audit import timeline_for
from core.errors import DomainError, TransitionError
from core.models import Notification
from estates.choices import Role
from maintenance import services as svc
from maintenance.choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    FollowUpMethod,
    PauseReason,
    PhotoKind,
    Priority,
)
from maintenance.choices import Status as S
from maintenance.models import FollowUp, Ticket, TicketMaterial
from maintenance.services import base as svc_base

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- Helpers -----------------------------------------------------------------------------------


def png(name="after.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def verbs(ticket) -> list[str]:
    """Timeline verbs, oldest first."""
    return [e.verb for e in reversed(list(timeline_for(ticket)))]


def inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True)
    )


def report(world, *, category=Category.PLUMBING, priority=Priority.NORMAL, **extra) -> Ticket:
    data = svc.ReportData(
        category=category,
        description="厨房水管漏水",
        unit=extra.pop("unit", world.unit),
        priority=priority,
        **extra,
    )
    return svc.ticket_report_by_owner(actor=world.owner, data=data)


def snapshot(ticket) -> tuple:
    ticket.refresh_from_db()
    return (ticket.status, ticket.version, ticket.technician_id, len(verbs(ticket)))


@pytest.fixture
def cs(world):
    return world.staff[Role.CUSTOMER_SERVICE]


@pytest.fixture
def tech(world):
    """The estate's plumber (skills from the world fixture)."""
    return world.staff[Role.TECHNICIAN]


@pytest.fixture
def tech2(world):
    """A second technician of the estate, with skills of their own."""
    user = UserFactory(username="jxy-tech2", display_name="李师傅")
    MembershipFactory(
        user=user, estate=world.estate, role=Role.TECHNICIAN, skills=["electrical", "plumbing"]
    )
    return user


# How the desk (customer service) and the assigned technician move a ticket along.
PATH = [
    S.REGISTERED,
    S.DISPATCHED,
    S.ACCEPTED,
    S.ON_SITE,
    S.IN_REPAIR,
    S.COMPLETED,
    S.VERIFIED,
    S.FOLLOWED_UP,
    S.CLOSED,
]


def step(world, ticket, status):
    cs, tech, pk = world.staff[Role.CUSTOMER_SERVICE], world.staff[Role.TECHNICIAN], ticket.pk
    if status == S.REGISTERED:
        return svc.ticket_register(ticket_id=pk, actor=cs)
    if status == S.DISPATCHED:
        return svc.ticket_dispatch(ticket_id=pk, actor=cs, technician=tech)
    if status == S.ACCEPTED:
        return svc.ticket_accept(ticket_id=pk, actor=tech)
    if status == S.ON_SITE:
        return svc.ticket_arrive(ticket_id=pk, actor=tech)
    if status == S.IN_REPAIR:
        return svc.ticket_start_repair(ticket_id=pk, actor=tech)
    if status == S.COMPLETED:
        return svc.ticket_complete(
            ticket_id=pk, actor=tech, work_done="更换角阀", after_photos=[png()]
        )
    if status == S.VERIFIED:
        return svc.ticket_verify(ticket_id=pk, actor=cs, passed=True)
    if status == S.FOLLOWED_UP:
        return svc.ticket_follow_up(
            ticket_id=pk, actor=cs, method=FollowUpMethod.CALL, rating=5, comment="满意"
        )
    if status == S.CLOSED:
        return svc.ticket_close(ticket_id=pk, actor=cs)
    raise AssertionError(status)


def ticket_in(world, status, **report_kwargs) -> Ticket:
    """A fresh ticket brought to `status` through the services."""
    ticket = report(world, **report_kwargs)
    if status == S.REJECTED:
        svc.ticket_reject(ticket_id=ticket.pk, actor=world.staff[Role.CUSTOMER_SERVICE], reason="x")
    elif status == S.CANCELLED:
        svc.ticket_cancel(ticket_id=ticket.pk, actor=world.owner)
    elif status == S.PAUSED:
        for s in PATH[: PATH.index(S.IN_REPAIR) + 1]:
            step(world, ticket, s)
        svc.ticket_pause(
            ticket_id=ticket.pk, actor=world.staff[Role.TECHNICIAN], reason=PauseReason.PARTS
        )
    elif status != S.REPORTED:
        for s in PATH[: PATH.index(status) + 1]:
            step(world, ticket, s)
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


# --- The matrix: every action, who may do it, from which state ------------------------------

# action -> (state it starts from, state it leads to, timeline verb)
ACTIONS = {
    "register": (S.REPORTED, S.REGISTERED, "ticket_registered"),
    "reject": (S.REPORTED, S.REJECTED, "ticket_rejected"),
    "cancel": (S.REPORTED, S.CANCELLED, "ticket_cancelled"),
    "dispatch": (S.REGISTERED, S.DISPATCHED, "ticket_dispatched"),
    "accept": (S.DISPATCHED, S.ACCEPTED, "ticket_accepted"),
    "arrive": (S.ACCEPTED, S.ON_SITE, "ticket_arrived"),
    "start": (S.ON_SITE, S.IN_REPAIR, "ticket_repair_started"),
    "pause": (S.IN_REPAIR, S.PAUSED, "ticket_paused"),
    "resume": (S.PAUSED, S.IN_REPAIR, "ticket_resumed"),
    "complete": (S.IN_REPAIR, S.COMPLETED, "ticket_completed"),
    "verify": (S.COMPLETED, S.VERIFIED, "ticket_verified"),
    "follow_up": (S.VERIFIED, S.FOLLOWED_UP, "ticket_followed_up"),
    "close": (S.FOLLOWED_UP, S.CLOSED, "ticket_closed"),
    "rate": (S.COMPLETED, S.FOLLOWED_UP, "ticket_rated"),
    "urge": (S.DISPATCHED, S.DISPATCHED, "ticket_urged"),
}

# The states each action may start from (anything else: TransitionError).
ALLOWED_FROM = {
    "register": {S.REPORTED},
    "reject": {S.REPORTED},
    "cancel": {S.REPORTED, S.REGISTERED},
    "dispatch": {S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.IN_REPAIR, S.PAUSED},
    "accept": {S.DISPATCHED},
    "arrive": {S.ACCEPTED},
    "start": {S.ON_SITE},
    "pause": {S.ACCEPTED, S.ON_SITE, S.IN_REPAIR},
    "resume": {S.PAUSED},
    "complete": {S.IN_REPAIR},
    "verify": {S.COMPLETED},
    "follow_up": {S.VERIFIED},
    "close": {S.FOLLOWED_UP},
    "rate": {S.COMPLETED, S.VERIFIED},
    "urge": set(OPEN_STATUSES),
}

DESK = {Role.MANAGER, Role.CUSTOMER_SERVICE, "admin"}
WORKERS = {Role.TECHNICIAN, Role.MANAGER, "admin"}  # the assigned technician, or a dispatcher
WHO_MAY = {
    "register": DESK,
    "reject": DESK,
    "cancel": DESK | {"owner"},
    "dispatch": DESK,
    "accept": WORKERS,
    "arrive": WORKERS,
    "start": WORKERS,
    "pause": WORKERS,
    "resume": WORKERS,
    "complete": WORKERS,
    "verify": DESK | {"owner"},
    "follow_up": DESK,
    "close": DESK,
    "rate": {"owner"},
    "urge": {"owner"},
}
# Actions where anyone without the staff permission is taken for an owner (portal path).
OWNER_PATH = {"cancel", "verify", "rate", "urge"}
ACTORS = [*Role.values, "tech2", "owner", "other_owner", "other_manager", "admin"]


def actor_of(world, key, tech2):
    return {
        "tech2": tech2,
        "owner": world.owner,
        "other_owner": world.other_owner,
        "other_manager": world.other_manager,
        "admin": world.admin,
    }.get(key) or world.staff[key]


def act(action, ticket, actor, world, *, version=None):
    kw = {"ticket_id": ticket.pk, "actor": actor}
    if version is not None:
        kw["version"] = version
    tech = world.staff[Role.TECHNICIAN]
    match action:
        case "register":
            return svc.ticket_register(**kw)
        case "reject":
            return svc.ticket_reject(**kw, reason="重复报修")
        case "cancel":
            return svc.ticket_cancel(**kw, reason="已自行修好")
        case "dispatch":
            return svc.ticket_dispatch(**kw, technician=tech)
        case "accept":
            return svc.ticket_accept(**kw)
        case "arrive":
            return svc.ticket_arrive(**kw)
        case "start":
            return svc.ticket_start_repair(**kw)
        case "pause":
            return svc.ticket_pause(**kw, reason=PauseReason.PARTS, note="等配件")
        case "resume":
            return svc.ticket_resume(**kw)
        case "complete":
            return svc.ticket_complete(**kw, work_done="更换角阀", after_photos=[png()])
        case "verify":
            return svc.ticket_verify(**kw, passed=True)
        case "follow_up":
            return svc.ticket_follow_up(**kw, method=FollowUpMethod.VISIT, rating=4)
        case "close":
            return svc.ticket_close(**kw)
        case "rate":
            return svc.ticket_rate(**kw, rating=5, comment="师傅很专业")
        case "urge":
            return svc.ticket_urge(ticket_id=ticket.pk, actor=actor)
    raise AssertionError(action)


def refusal(action, key):
    """What an actor who may not do `action` gets: 404 outside their scope, 403 inside."""
    if key in ("owner", "other_owner", "other_manager") or action in OWNER_PATH:
        return Ticket.DoesNotExist  # not in their scope at all: no leak that it exists
    return PermissionDenied


ALLOWED_CASES = [(a, who) for a in ACTIONS for who in ACTORS if who in WHO_MAY[a]]


@pytest.mark.parametrize("action,who", ALLOWED_CASES)
def test_allowed(world, tech2, action, who):
    start, end, verb = ACTIONS[action]
    ticket = ticket_in(world, start)
    version = ticket.version
    result = act(action, ticket, actor_of(world, who, tech2), world, version=None)
    ticket.refresh_from_db()
    assert result.pk == ticket.pk
    assert ticket.status == end
    assert verbs(ticket)[-1] == verb
    event = timeline_for(ticket)[0]
    assert event.actor == actor_of(world, who, tech2)
    if action == "urge":
        assert ticket.urge_count == 1  # no transition: the version stays
    else:
        assert ticket.version == version + 1
        assert event.changes["status"][1] == end  # a value, labelled in the reader's language


@pytest.mark.parametrize("action", list(ACTIONS))
def test_refused_roles_change_nothing(world, tech2, action):
    start, _end, _verb = ACTIONS[action]
    ticket = ticket_in(world, start)
    before = snapshot(ticket)
    refused = [who for who in ACTORS if who not in WHO_MAY[action]]
    assert refused
    for who in refused:
        with pytest.raises(refusal(action, who)):
            act(action, ticket, actor_of(world, who, tech2), world)
        assert snapshot(ticket) == before, who


ALL_STATES = [
    S.REPORTED,
    *PATH,
    S.PAUSED,
    S.REJECTED,
    S.CANCELLED,
]


@pytest.mark.parametrize("state", ALL_STATES)
def test_wrong_state_is_a_transition_error(world, state):
    ticket = ticket_in(world, state)
    before = snapshot(ticket)
    checked = 0
    for action in ACTIONS:
        if state in ALLOWED_FROM[action]:
            continue
        who = next(iter(sorted(WHO_MAY[action] - {"admin"}, key=str)))
        actor = world.owner if who == "owner" else world.staff[who]
        if action in ("accept", "arrive", "start", "pause", "resume", "complete"):
            actor = world.staff[Role.TECHNICIAN]
        with pytest.raises(TransitionError):
            act(action, ticket, actor, world)
        assert snapshot(ticket) == before, action
        checked += 1
    assert checked >= len(ACTIONS) - 4


# --- The whole path: timeline, notifications ---------------------------------------------------


def test_full_path_timeline_and_notifications(world, cs, tech):
    ticket = report(world)
    assert ticket.status == S.REPORTED and ticket.channel == Channel.PORTAL
    assert ticket.reporter == world.owner_person and ticket.number.startswith("JXY-")
    assert ticket.response_due and ticket.onsite_due and ticket.completion_due
    assert inbox(cs) == [f"New repair request {ticket.number}"]

    for status in PATH[:5]:
        step(world, ticket, status)
    assert inbox(tech) == [f"New job {ticket.number}"]
    assert inbox(world.owner) == [f"A technician is on the way for {ticket.number}"]

    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.OWNER, note="业主不在家")
    svc.ticket_resume(ticket_id=ticket.pk, actor=tech)
    for status in PATH[5:]:
        step(world, ticket, status)
    ticket.refresh_from_db()
    assert inbox(world.owner) == [
        f"A technician is on the way for {ticket.number}",
        f"Repair {ticket.number} waits for you",
        f"Repair {ticket.number} is done: please check and rate it",
        f"Repair {ticket.number} was checked: how did we do?",  # verified by the desk
    ]
    assert verbs(ticket) == [
        "ticket_reported",
        "ticket_registered",
        "ticket_dispatched",
        "ticket_accepted",
        "ticket_arrived",
        "ticket_repair_started",
        "ticket_paused",
        "ticket_resumed",
        "ticket_completed",
        "ticket_verified",
        "ticket_followed_up",
        "ticket_closed",
    ]
    assert ticket.status == S.CLOSED and ticket.rating == 5
    for milestone in ("registered", "dispatched", "accepted", "arrived", "completed"):
        assert getattr(ticket, f"{milestone}_at") is not None, milestone
    assert ticket.verified_at and ticket.followed_up_at and ticket.closed_at
    paused = [e for e in timeline_for(ticket) if e.verb == "ticket_paused"][0]
    assert "Waiting for the owner" in paused.note and "业主不在家" in paused.note
    assert FollowUp.objects.get(ticket=ticket).rating == 5
    # Each event names its actor.
    actors = {e.verb: e.actor for e in timeline_for(ticket)}
    assert actors["ticket_reported"] == world.owner
    assert actors["ticket_dispatched"] == cs
    assert actors["ticket_completed"] == tech


def test_staff_records_a_call_and_keeps_the_channel(world, cs):
    data = svc.ReportData(category=Category.ELECTRICAL, description="楼道灯不亮", location="3栋2楼")
    ticket = svc.ticket_report_by_staff(
        actor=cs, estate=world.estate, data=data, channel=Channel.PHONE, reporter=None
    )
    assert ticket.channel == Channel.PHONE and ticket.created_by == cs
    assert verbs(ticket) == ["ticket_reported"]
    with pytest.raises(PermissionDenied):
        svc.ticket_report_by_staff(
            actor=world.staff[Role.FINANCE], estate=world.estate, data=data, channel=Channel.PHONE
        )
    with pytest.raises(PermissionDenied):
        svc.ticket_report_by_staff(
            actor=world.other_manager, estate=world.estate, data=data, channel=Channel.PHONE
        )
    elsewhere = svc.ReportData(
        category=Category.PLUMBING, description="漏水", unit=world.other_unit
    )
    with pytest.raises(DomainError):
        svc.ticket_report_by_staff(
            actor=cs, estate=world.estate, data=elsewhere, channel=Channel.PHONE
        )


def test_owner_reports_only_their_own_unit(world):
    data = svc.ReportData(category=Category.PLUMBING, description="漏水", unit=world.other_unit)
    with pytest.raises(PermissionDenied):
        svc.ticket_report_by_owner(actor=world.owner, data=data)
    assert not Ticket.objects.exists()


def test_emergency_calls_the_on_duty_technician_and_the_manager(world, tech, tech2, cs):
    tech2.memberships.update(on_duty=True)
    ticket = report(world, priority=Priority.EMERGENCY, category=Category.ELEVATOR)
    title = f"Emergency repair {ticket.number}"
    assert inbox(tech2) == [title]
    assert inbox(world.manager) == [title]
    assert inbox(tech) == []  # not on duty
    assert inbox(cs) == []
    assert inbox(world.other_manager) == []


def test_a_disabled_login_gets_no_emergency_and_no_job(world, tech, tech2, cs):
    """The on-duty technician whose account was switched off is skipped: the emergency
    goes to the technicians who can act, and nobody can dispatch to that account."""
    tech2.memberships.update(on_duty=True)
    tech2.is_active = False
    tech2.save(update_fields=["is_active"])
    ticket = report(world, priority=Priority.EMERGENCY, category=Category.ELEVATOR)
    assert inbox(tech2) == []
    assert inbox(tech) == [f"Emergency repair {ticket.number}"]
    svc.ticket_register(ticket_id=ticket.pk, actor=cs)
    with pytest.raises(DomainError):
        svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech2)


# --- Register, reject, cancel ------------------------------------------------------------------


def test_register_with_another_priority_moves_the_deadlines(world, cs):
    ticket = report(world)
    before = ticket.onsite_due
    svc.ticket_register(ticket_id=ticket.pk, actor=cs, priority=Priority.URGENT, note="有积水")
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT and ticket.registered_at
    assert ticket.onsite_due < before
    event = timeline_for(ticket)[0]
    assert event.changes["priority"] == [Priority.NORMAL, Priority.URGENT]
    assert event.note == "有积水"


def test_reject_needs_a_reason_and_tells_the_owner(world, cs):
    ticket = report(world)
    with pytest.raises(ValidationError):
        svc.ticket_reject(ticket_id=ticket.pk, actor=cs, reason="  ")
    assert snapshot(ticket)[0] == S.REPORTED
    svc.ticket_reject(ticket_id=ticket.pk, actor=cs, reason="属于开发商保修范围")
    ticket.refresh_from_db()
    assert ticket.status == S.REJECTED and ticket.closed_at
    assert ticket.reject_reason == "属于开发商保修范围"
    assert inbox(world.owner) == [f"Your repair request {ticket.number} was not accepted"]


def test_owner_cancels_before_dispatch_only(world, cs):
    registered = ticket_in(world, S.REGISTERED)
    svc.ticket_cancel(ticket_id=registered.pk, actor=world.owner, reason="自己修好了")
    registered.refresh_from_db()
    assert registered.status == S.CANCELLED and registered.closed_at
    assert timeline_for(registered)[0].actor == world.owner

    dispatched = ticket_in(world, S.DISPATCHED)
    with pytest.raises(TransitionError):
        svc.ticket_cancel(ticket_id=dispatched.pk, actor=world.owner)
    with pytest.raises(TransitionError):
        svc.ticket_cancel(ticket_id=dispatched.pk, actor=cs)
    with pytest.raises(Ticket.DoesNotExist):
        svc.ticket_cancel(ticket_id=ticket_in(world, S.REPORTED).pk, actor=world.other_owner)


# --- Dispatch and reassignment -----------------------------------------------------------------


def test_reassignment_needs_a_reason_and_keeps_it(world, cs, tech, tech2):
    ticket = ticket_in(world, S.ACCEPTED)
    with pytest.raises(ValidationError):
        svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech2, reason=" ")
    with pytest.raises(DomainError):
        svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech, reason="再派")
    assert snapshot(ticket)[:3] == (S.ACCEPTED, ticket.version, tech.pk)

    svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech2, reason="王师傅请假")
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.technician == tech2
    assert ticket.accepted_at is None
    event = timeline_for(ticket)[0]
    assert event.verb == "ticket_reassigned" and event.note == "王师傅请假"
    assert event.changes["technician"] == [str(tech), str(tech2)]
    assert inbox(tech2) == [f"New job {ticket.number}"]
    assert inbox(tech)[-1] == f"Job {ticket.number} was given to someone else"
    # The owner hears who comes now.
    assert inbox(world.owner) == [
        f"A technician is on the way for {ticket.number}",
        f"Another technician takes over {ticket.number}",
    ]


def test_a_job_changes_hands_in_repair_and_keeps_the_first_arrival(world, cs, tech, tech2):
    ticket = ticket_in(world, S.IN_REPAIR)
    first_arrival = ticket.arrived_at
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech2, reason="需要电工")
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.technician == tech2
    svc.ticket_accept(ticket_id=ticket.pk, actor=tech2)
    svc.ticket_arrive(ticket_id=ticket.pk, actor=tech2)
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE and ticket.arrived_at == first_arrival  # deadline met then
    assert verbs(ticket)[-4:] == [
        "ticket_repair_started",
        "ticket_reassigned",
        "ticket_accepted",
        "ticket_arrived",
    ]
    # The first technician can no longer work on it.
    with pytest.raises(PermissionDenied):
        svc.ticket_start_repair(ticket_id=ticket.pk, actor=tech)


def test_a_paused_job_changing_hands_ends_the_pause_and_its_clock(world, cs, tech, tech2):
    ticket = ticket_in(world, S.IN_REPAIR)
    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.OWNER)
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - timedelta(minutes=90))
    ticket.refresh_from_db()
    due = ticket.completion_due
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech2, reason="换人")
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and not ticket.pause_reason and not ticket.paused_from
    assert ticket.paused_since is None and ticket.paused_seconds >= 90 * 60
    assert ticket.completion_due - due >= timedelta(minutes=90)


def test_owner_not_home_before_arrival_pauses_the_on_site_clock(world, tech):
    ticket = ticket_in(world, S.ACCEPTED)
    onsite_due = ticket.onsite_due
    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.OWNER, note="敲门无人")
    ticket.refresh_from_db()
    assert ticket.status == S.PAUSED and ticket.paused_from == S.ACCEPTED
    assert inbox(world.owner)[-1] == f"Repair {ticket.number} waits for you"
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - timedelta(minutes=45))
    svc.ticket_resume(ticket_id=ticket.pk, actor=tech)
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED  # back to the step it left: next, arrive
    assert ticket.onsite_due - onsite_due >= timedelta(minutes=45)
    assert ticket.paused_from == "" and ticket.pause_reason == ""
    svc.ticket_arrive(ticket_id=ticket.pk, actor=tech)
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE


def test_the_units_owners_hear_about_a_ticket_someone_else_reported(world, cs, tech):
    """Customer service records a call without the caller's mobile: the unit's owner with a
    portal account still hears about it, once, however many ways they are linked."""
    data = svc.ReportData(category=Category.PLUMBING, description="厨房漏水", unit=world.unit)
    ticket = svc.ticket_report_by_staff(
        actor=cs, estate=world.estate, data=data, channel=Channel.PHONE, reporter=None
    )
    svc.ticket_register(ticket_id=ticket.pk, actor=cs)
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech)
    assert inbox(world.owner) == [f"A technician is on the way for {ticket.number}"]
    assert inbox(world.other_owner) == []  # another estate's owner hears nothing

    reported = svc.ticket_report_by_staff(
        actor=cs, estate=world.estate, data=data, channel=Channel.PHONE,
        reporter=world.owner_person,
    )  # fmt: skip
    svc.ticket_cancel(ticket_id=reported.pk, actor=cs, reason="业主来电取消")
    assert inbox(world.owner)[-1] == f"Your repair request {reported.number} was cancelled"
    assert len(inbox(world.owner)) == 2  # reporter and owner: one message


def test_dispatch_only_to_a_technician_of_the_estate(world, cs):
    ticket = ticket_in(world, S.REGISTERED)
    outsider = UserFactory(username="chy-tech")
    MembershipFactory(user=outsider, estate=world.other_estate, role=Role.TECHNICIAN)
    for user in (world.staff[Role.SECURITY], outsider):
        with pytest.raises(DomainError):
            svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=user)
    assert snapshot(ticket)[0] == S.REGISTERED


def test_another_estates_manager_cannot_act(world, tech):
    reported = ticket_in(world, S.REPORTED)
    with pytest.raises(Ticket.DoesNotExist):
        svc.ticket_register(ticket_id=reported.pk, actor=world.other_manager)
    registered = ticket_in(world, S.REGISTERED)
    with pytest.raises(Ticket.DoesNotExist):
        svc.ticket_dispatch(ticket_id=registered.pk, actor=world.other_manager, technician=tech)
    assert snapshot(registered)[0] == S.REGISTERED


def test_a_manager_of_both_estates_acts_in_each(world):
    MembershipFactory(user=world.other_manager, estate=world.estate, role=Role.CUSTOMER_SERVICE)
    ticket = ticket_in(world, S.REPORTED)
    svc.ticket_register(ticket_id=ticket.pk, actor=world.other_manager)
    assert snapshot(ticket)[0] == S.REGISTERED


# --- The technician's steps --------------------------------------------------------------------


def test_only_the_assigned_technician_works_the_ticket(world, tech, tech2):
    ticket = ticket_in(world, S.DISPATCHED)
    with pytest.raises(PermissionDenied):
        svc.ticket_accept(ticket_id=ticket.pk, actor=tech2)
    svc.ticket_accept(ticket_id=ticket.pk, actor=tech)
    assert snapshot(ticket)[0] == S.ACCEPTED


def test_pause_needs_a_known_reason(world, tech):
    ticket = ticket_in(world, S.IN_REPAIR)
    with pytest.raises(ValidationError):
        svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason="lunch")
    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.PARTS)
    ticket.refresh_from_db()
    assert ticket.status == S.PAUSED and ticket.pause_reason == PauseReason.PARTS
    assert ticket.paused_since is not None
    svc.ticket_resume(ticket_id=ticket.pk, actor=tech)
    ticket.refresh_from_db()
    assert ticket.status == S.IN_REPAIR and ticket.pause_reason == ""
    assert ticket.paused_since is None and ticket.paused_seconds == 0


# --- Completion and money ----------------------------------------------------------------------


def test_complete_rounds_each_line_once_and_adds_labour(world, tech):
    ticket = ticket_in(world, S.IN_REPAIR)
    svc.ticket_complete(
        ticket_id=ticket.pk,
        actor=tech,
        work_done="更换角阀和软管",
        materials=[
            svc.MaterialLine(name="角阀", quantity=Decimal("3"), unit_price=Decimal("12.345")),
        ],
        labour_hours=Decimal("1.5"),
        labour_amount=Decimal("50"),
        chargeable=True,
        after_photos=[png()],
        signature=png("signature.png"),
    )
    ticket.refresh_from_db()
    line = TicketMaterial.objects.get(ticket=ticket)
    # The unit price is kept in whole cents (12.345 -> 12.35, half up) and the line is
    # priced from it, so the work order adds up: 3 x 12.35 = 37.05 (not 37.035 -> 37.04).
    assert line.unit_price == Decimal("12.35")
    assert line.amount == Decimal("37.05") == line.quantity * line.unit_price
    assert ticket.labour_amount == Decimal("50.00")
    assert ticket.amount == Decimal("87.05")
    assert ticket.chargeable is True and ticket.labour_hours == Decimal("1.50")
    assert ticket.status == S.COMPLETED and ticket.completed_at
    assert timeline_for(ticket)[0].changes["amount"] == [None, "87.05"]
    kinds = sorted(ticket.photos.values_list("kind", flat=True))
    assert kinds == sorted([PhotoKind.AFTER, PhotoKind.SIGNATURE])
    assert inbox(world.owner)[-1] == f"Repair {ticket.number} is done: please check and rate it"


def test_several_lines_and_half_cents(world, tech):
    ticket = ticket_in(world, S.IN_REPAIR)
    svc.ticket_complete(
        ticket_id=ticket.pk,
        actor=tech,
        work_done="更换开关",
        materials=[
            svc.MaterialLine(name="开关", quantity=Decimal("1"), unit_price=Decimal("0.005")),
            svc.MaterialLine(name="电线", quantity=Decimal("2.5"), unit_price=Decimal("3.33")),
        ],
        labour_amount=Decimal("0"),
        after_photos=[png()],
    )
    ticket.refresh_from_db()
    amounts = sorted(TicketMaterial.objects.filter(ticket=ticket).values_list("amount", flat=True))
    assert amounts == [Decimal("0.01"), Decimal("8.33")]  # 0.005 -> 0.01; 8.325 -> 8.33
    assert ticket.amount == Decimal("8.34")
    assert ticket.chargeable is False  # a common-part repair is a cost


@pytest.mark.parametrize(
    "materials,labour",
    [
        ([svc.MaterialLine(name="角阀", quantity=Decimal("-1"), unit_price=Decimal("12"))], "0"),
        ([svc.MaterialLine(name="角阀", quantity=Decimal("0"), unit_price=Decimal("12"))], "0"),
        ([svc.MaterialLine(name="角阀", quantity=Decimal("1"), unit_price=Decimal("-12"))], "0"),
        ([], "-50"),
        ([svc.MaterialLine(name="角阀", quantity=Decimal("3"), unit_price=Decimal("20"))], "-10"),
    ],
    ids=[
        "negative-quantity",
        "zero-quantity",
        "negative-price",
        "negative-labour",
        "negative-labour-within-a-positive-total",
    ],
)
def test_negative_amounts_are_refused_and_nothing_is_saved(world, tech, materials, labour):
    ticket = ticket_in(world, S.IN_REPAIR)
    before = snapshot(ticket)
    with pytest.raises(ValidationError):
        svc.ticket_complete(
            ticket_id=ticket.pk,
            actor=tech,
            work_done="更换角阀",
            materials=materials,
            labour_amount=Decimal(labour),
            after_photos=[png()],
        )
    assert snapshot(ticket) == before
    assert not TicketMaterial.objects.filter(ticket=ticket).exists()
    assert not ticket.photos.filter(kind=PhotoKind.AFTER).exists()
    assert ticket.amount == Decimal("0")


def test_complete_needs_the_work_and_a_photo(world, tech):
    ticket = ticket_in(world, S.IN_REPAIR)
    with pytest.raises(ValidationError):
        svc.ticket_complete(ticket_id=ticket.pk, actor=tech, work_done=" ", after_photos=[png()])
    with pytest.raises(ValidationError):
        svc.ticket_complete(ticket_id=ticket.pk, actor=tech, work_done="修好了", after_photos=[])
    assert snapshot(ticket)[0] == S.IN_REPAIR


# --- Verify, follow up, rate, close, urge ------------------------------------------------------


def test_failed_check_reopens_with_the_reason(world, cs, tech):
    ticket = ticket_in(world, S.COMPLETED)
    with pytest.raises(ValidationError):
        svc.ticket_verify(ticket_id=ticket.pk, actor=cs, passed=False, reason="")
    svc.ticket_verify(ticket_id=ticket.pk, actor=cs, passed=False, reason="仍在滴水")
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.technician == tech
    assert ticket.completed_at is None and ticket.accepted_at is None
    event = timeline_for(ticket)[0]
    assert event.verb == "ticket_reopened" and event.note == "仍在滴水"
    assert inbox(tech)[-1] == f"Job {ticket.number} reopened"
    # The technician takes it up again.
    for status in (S.ACCEPTED, S.ON_SITE):
        step(world, ticket, status)
    with pytest.raises(TransitionError):
        step(world, ticket, S.ON_SITE)


def test_owner_checks_the_work_in_the_portal(world):
    ticket = ticket_in(world, S.COMPLETED)
    svc.ticket_verify(ticket_id=ticket.pk, actor=world.owner, passed=False, reason="还漏")
    assert snapshot(ticket)[0] == S.DISPATCHED
    assert timeline_for(ticket)[0].actor == world.owner
    with pytest.raises(Ticket.DoesNotExist):
        svc.ticket_verify(
            ticket_id=ticket_in(world, S.COMPLETED).pk, actor=world.other_owner, passed=True
        )


def test_follow_up_rating_is_1_to_5(world, cs):
    ticket = ticket_in(world, S.VERIFIED)
    for bad in (0, 6):
        with pytest.raises(ValidationError):
            svc.ticket_follow_up(
                ticket_id=ticket.pk, actor=cs, method=FollowUpMethod.CALL, rating=bad
            )
    assert snapshot(ticket)[0] == S.VERIFIED and not FollowUp.objects.exists()
    svc.ticket_follow_up(
        ticket_id=ticket.pk, actor=cs, method=FollowUpMethod.CALL, rating=3, comment="一般"
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (S.FOLLOWED_UP, 3, "一般")
    assert FollowUp.objects.get(ticket=ticket).by == cs


def test_owner_rating_verifies_and_a_low_one_alerts_the_desk(world, cs):
    ticket = ticket_in(world, S.COMPLETED)
    with pytest.raises(ValidationError):
        svc.ticket_rate(ticket_id=ticket.pk, actor=world.owner, rating=9)
    svc.ticket_rate(ticket_id=ticket.pk, actor=world.owner, rating=2, comment="来得太晚")
    ticket.refresh_from_db()
    assert ticket.status == S.FOLLOWED_UP and ticket.verified_at and ticket.followed_up_at
    assert FollowUp.objects.get(ticket=ticket).method == FollowUpMethod.PORTAL
    alert = f"Low rating for {ticket.number}"
    assert inbox(world.manager)[-1] == alert and inbox(cs)[-1] == alert
    assert alert not in inbox(world.other_manager)
    # A good rating alerts nobody.
    happy = ticket_in(world, S.VERIFIED)
    svc.ticket_rate(ticket_id=happy.pk, actor=world.owner, rating=5)
    assert f"Low rating for {happy.number}" not in inbox(world.manager)


def test_urge_at_most_once_per_interval(world, cs, tech):
    ticket = ticket_in(world, S.DISPATCHED)
    svc.ticket_urge(ticket_id=ticket.pk, actor=world.owner)
    title = f"The owner urges {ticket.number}"
    assert inbox(tech)[-1] == title and inbox(cs)[-1] == title
    with pytest.raises(DomainError, match="urge again in"):
        svc.ticket_urge(ticket_id=ticket.pk, actor=world.owner)
    ticket.refresh_from_db()
    assert ticket.urge_count == 1
    Ticket.objects.filter(pk=ticket.pk).update(
        last_urged_at=timezone.now() - svc.urge_interval(ticket.estate) - timedelta(seconds=1)
    )
    svc.ticket_urge(ticket_id=ticket.pk, actor=world.owner)
    ticket.refresh_from_db()
    assert ticket.urge_count == 2
    assert verbs(ticket).count("ticket_urged") == 2
    with pytest.raises(Ticket.DoesNotExist):
        svc.ticket_urge(ticket_id=ticket.pk, actor=world.other_owner)
    closed = ticket_in(world, S.CLOSED)
    with pytest.raises(TransitionError):
        svc.ticket_urge(ticket_id=closed.pk, actor=world.owner)


# --- Duplicates ------------------------------------------------------------------------------


def test_a_second_open_ticket_at_the_same_place_is_pointed_out(world, cs):
    first = report(world)
    second = report(world)
    other_category = report(world, category=Category.ELECTRICAL)
    assert second.duplicate_of == first
    assert first.duplicate_of is None and other_category.duplicate_of is None
    svc.ticket_reject(ticket_id=second.pk, actor=cs, reason="重复")
    svc.ticket_cancel(ticket_id=first.pk, actor=world.owner)
    # Nothing open there any more: a new report is not a duplicate.
    assert report(world).duplicate_of is None


def test_equipment_duplicates(world, cs):
    data = svc.ReportData(
        category=Category.ELEVATOR, description="电梯异响", equipment=world.equipment
    )
    first = svc.ticket_report_by_staff(actor=cs, estate=world.estate, data=data, channel=Channel.QR)
    second = svc.ticket_report_by_staff(
        actor=cs, estate=world.estate, data=data, channel=Channel.QR
    )
    assert second.duplicate_of == first


def test_common_parts_of_a_building_and_a_corrected_category(world, cs):
    """A report naming only a building matches another one of that building's common parts;
    when registration corrects the category, the likely duplicate is looked for again."""
    lobby = svc.ReportData(category=Category.ELECTRICAL, description="大堂灯不亮")
    lobby.building = world.building
    first = svc.ticket_report_by_staff(
        actor=cs, estate=world.estate, data=lobby, channel=Channel.PHONE
    )
    again = svc.ticket_report_by_staff(
        actor=cs, estate=world.estate, data=lobby, channel=Channel.WECHAT
    )
    assert again.duplicate_of == first
    elsewhere = svc.ReportData(category=Category.ELECTRICAL, description="灯不亮")
    elsewhere.building = world.other_building
    assert (
        svc.ticket_report_by_staff(
            actor=world.other_manager,
            estate=world.other_estate,
            data=elsewhere,
            channel=Channel.PHONE,
        ).duplicate_of
        is None
    )

    leak = report(world)  # plumbing, in the owner's unit
    filed_wrong = report(world, category=Category.OTHER)
    assert filed_wrong.duplicate_of is None
    svc.ticket_register(ticket_id=filed_wrong.pk, actor=cs, category=Category.PLUMBING)
    filed_wrong.refresh_from_db()
    assert filed_wrong.duplicate_of == leak


# --- Versions and concurrency -----------------------------------------------------------------


def test_stale_version_changes_nothing(world, cs, tech, tech2):
    ticket = ticket_in(world, S.REGISTERED)
    seen = ticket.version
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=cs, technician=tech, version=seen)
    before = snapshot(ticket)
    notes = Notification.objects.count()
    with pytest.raises(TransitionError, match="Someone else changed this ticket"):
        svc.ticket_dispatch(
            ticket_id=ticket.pk, actor=world.manager, technician=tech2, reason="x", version=seen
        )
    assert snapshot(ticket) == before
    assert Notification.objects.count() == notes
    # The right version works.
    svc.ticket_accept(ticket_id=ticket.pk, actor=tech, version=before[1])
    assert snapshot(ticket)[0] == S.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_two_dispatches_at_once_only_one_wins(world, cs, tech, tech2, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every writer)")
    ticket = ticket_in(world, S.REGISTERED)
    version = ticket.version
    record_event = svc_base.record_event

    def slow_record_event(obj, **kwargs):
        # Hold the row lock a while, so the other dispatch surely reads the ticket while
        # this one is in flight: without the lock both would see the same version.
        time.sleep(0.3)
        return record_event(obj, **kwargs)

    monkeypatch.setattr(svc_base, "record_event", slow_record_event)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def dispatch(name, actor, technician):
        try:
            barrier.wait(timeout=10)
            svc.ticket_dispatch(
                ticket_id=ticket.pk, actor=actor, technician=technician, version=version
            )
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=dispatch, args=("cs", cs, tech)),
        threading.Thread(target=dispatch, args=("manager", world.manager, tech2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["cs", "manager"]
    winners = [name for name, r in results.items() if r == "ok"]
    losers = [r for r in results.values() if r != "ok"]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], TransitionError), results
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.version == version + 1
    assert ticket.technician == (tech if winners == ["cs"] else tech2)
    dispatch_events = [v for v in verbs(ticket) if v in ("ticket_dispatched", "ticket_reassigned")]
    assert dispatch_events == ["ticket_dispatched"]
    assert len(inbox(world.owner)) == 1  # told once


def test_the_other_estates_ticket_is_out_of_scope(world):
    """A ticket of the other estate does not exist for this estate's staff."""
    data = svc.ReportData(category=Category.PLUMBING, description="漏水", unit=world.other_unit)
    theirs = svc.ticket_report_by_owner(actor=world.other_owner, data=data)
    for role in (Role.MANAGER, Role.CUSTOMER_SERVICE):
        with pytest.raises(Ticket.DoesNotExist):
            svc.ticket_register(ticket_id=theirs.pk, actor=world.staff[role])
    svc.ticket_register(ticket_id=theirs.pk, actor=world.other_manager)
    assert snapshot(theirs)[0] == S.REGISTERED


def test_another_module_opens_a_ticket_that_links_back(world, client):
    data = svc.ReportData(
        category=Category.ELEVATOR, description="巡检：2号电梯异响", building=world.building
    )
    ticket = svc.ticket_open_from(
        estate=world.estate,
        data=data,
        source_label="巡检记录 #12",
        source_url="/staff/inspections/12/",
    )
    assert ticket.channel == Channel.SYSTEM and ticket.status == S.REPORTED
    assert ticket.created_by is None and ticket.number.startswith("JXY-")
    assert verbs(ticket) == ["ticket_reported"]
    assert inbox(world.staff[Role.CUSTOMER_SERVICE]) == [f"New repair request {ticket.number}"]
    client.force_login(world.manager)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert '<a href="/staff/inspections/12/">巡检记录 #12</a>' in page
    # Only a path of this site can be linked.
    for bad in ("https://evil.example/x", "//evil.example/x", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            svc.ticket_open_from(estate=world.estate, data=data, source_label="x", source_url=bad)
    assert Ticket.objects.count() == 1


def test_a_pause_told_in_chinese_reads_in_english_and_the_other_way_round(world, tech):
    from django.utils import translation

    ticket = ticket_in(world, S.ACCEPTED)
    with translation.override("zh-hans"):  # the technician's phone speaks Chinese
        svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.OWNER, note="敲门无人")
    note = Notification.objects.filter(recipient=world.owner).latest("id")
    event = timeline_for(ticket, verbs=["ticket_paused"])[0]
    with translation.override("en"):
        assert str(note.title) == f"Repair {ticket.number} waits for you"
        assert str(event.note) == "Waiting for the owner 敲门无人"
    with translation.override("zh-hans"):
        assert str(note.title) == f"报修 {ticket.number} 等待您的配合"
        assert str(event.note) == f"{PauseReason.OWNER.label} 敲门无人"
        assert "Waiting" not in str(event.note)
