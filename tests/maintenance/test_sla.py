"""maintenance.sla: deadlines from the estate's service level preset, its own rules (a
category rule before a generic one), the owner's preferred window, and pauses for the owner
(the clock stops) but not for parts."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.audit import timeline_for
from estates.choices import Role, ServiceLevel
from maintenance import services as svc
from maintenance import sla
from maintenance.choices import Category, PauseReason, Priority
from maintenance.choices import Status as S
from maintenance.models import SlaPolicy, Ticket

from .test_services import report, ticket_in

pytestmark = pytest.mark.django_db

M = timedelta(minutes=1)


def dues(ticket) -> tuple:
    """The three deadlines, as offsets from the report."""
    start = ticket.reported_at
    return (
        ticket.response_due - start,
        ticket.onsite_due - start,
        ticket.completion_due - start,
    )


def rule(estate, priority, category="", *, minutes=(5, 60, 600)) -> SlaPolicy:
    response, onsite, completion = minutes
    return SlaPolicy.objects.create(
        estate=estate,
        priority=priority,
        category=category,
        response_minutes=response,
        onsite_minutes=onsite,
        completion_minutes=completion,
    )


@pytest.mark.parametrize(
    "level,priority,expected",
    [
        (ServiceLevel.LEVEL_1, Priority.EMERGENCY, (10, 30, 4 * 60)),
        (ServiceLevel.LEVEL_1, Priority.NORMAL, (60, 24 * 60, 72 * 60)),
        (ServiceLevel.LEVEL_2, Priority.EMERGENCY, (15, 30, 8 * 60)),
        (ServiceLevel.LEVEL_2, Priority.URGENT, (60, 4 * 60, 48 * 60)),
        (ServiceLevel.LEVEL_3, Priority.EMERGENCY, (30, 60, 12 * 60)),
        (ServiceLevel.LEVEL_3, Priority.NORMAL, (4 * 60, 48 * 60, 120 * 60)),
    ],
)
def test_presets_by_service_level(world, level, priority, expected):
    world.estate.service_level = level
    world.estate.save(update_fields=["service_level"])
    minutes = sla.minutes_for(world.estate, category=Category.PLUMBING, priority=priority)
    assert (minutes.response, minutes.onsite, minutes.completion) == expected
    ticket = report(world, priority=priority)
    assert dues(ticket) == tuple(m * M for m in expected)


def test_every_level_and_priority_has_a_preset():
    for level in ServiceLevel.values:
        for priority in Priority.values:
            m = sla.PRESETS[level][priority]
            assert 0 < m.response <= m.onsite <= m.completion
    # Emergencies on site within 30 minutes at the two higher levels.
    assert sla.PRESETS[ServiceLevel.LEVEL_1][Priority.EMERGENCY].onsite == 30
    assert sla.PRESETS[ServiceLevel.LEVEL_2][Priority.EMERGENCY].onsite == 30


def test_an_estate_rule_overrides_the_preset(world):
    rule(world.estate, Priority.NORMAL, minutes=(5, 60, 600))
    assert dues(report(world)) == (5 * M, 60 * M, 600 * M)
    # Another priority, and another estate, still follow the preset.
    urgent = sla.minutes_for(world.estate, category=Category.PLUMBING, priority=Priority.URGENT)
    assert urgent == sla.PRESETS[ServiceLevel.LEVEL_2][Priority.URGENT]
    other = sla.minutes_for(world.other_estate, category=Category.PLUMBING, priority="normal")
    assert other == sla.PRESETS[ServiceLevel.LEVEL_2][Priority.NORMAL]


def test_a_category_rule_beats_the_generic_rule(world):
    rule(world.estate, Priority.NORMAL, minutes=(5, 60, 600))
    rule(world.estate, Priority.NORMAL, Category.PLUMBING, minutes=(3, 20, 90))
    assert dues(report(world, category=Category.PLUMBING)) == (3 * M, 20 * M, 90 * M)
    assert dues(report(world, category=Category.ELECTRICAL)) == (5 * M, 60 * M, 600 * M)
    # A category rule alone: other categories fall back to the preset.
    SlaPolicy.objects.filter(category="").delete()
    preset = sla.PRESETS[ServiceLevel.LEVEL_2][Priority.NORMAL]
    assert sla.minutes_for(world.estate, category=Category.HVAC, priority="normal") == preset


def test_preferred_window_sets_the_on_site_deadline(world):
    now = timezone.now()
    window = (now + timedelta(days=1), now + timedelta(days=1, hours=3))
    ticket = report(world, preferred_from=window[0], preferred_to=window[1])
    assert ticket.onsite_due == window[1]
    assert ticket.response_due - ticket.reported_at == 120 * M  # unchanged
    # Level 2, normal: on site 24 h, complete 72 h, so 48 h to repair after the window.
    assert ticket.completion_due == window[1] + 48 * 60 * M

    # An early window keeps the rule's completion time.
    soon = (now + timedelta(hours=1), now + timedelta(hours=3))
    early = report(world, preferred_from=soon[0], preferred_to=soon[1], unit=world.unit)
    assert early.onsite_due == soon[1]
    assert early.completion_due == early.reported_at + 72 * 60 * M

    # A window later than the completion deadline moves completion with it, keeping the
    # repair time after arrival (normal, level 2: on site 24 h, complete 72 h: 48 h to repair).
    late = (now + timedelta(days=5), now + timedelta(days=5, hours=2))
    far = report(world, preferred_from=late[0], preferred_to=late[1], unit=world.unit)
    assert far.onsite_due == late[1]
    assert far.completion_due == late[1] + 48 * 60 * M


def test_a_late_window_leaves_the_category_rule_repair_time(world):
    """An estate rule for the category: completion is still its repair time after the
    window's end, not the end of the window itself."""
    SlaPolicy.objects.create(
        estate=world.estate,
        priority=Priority.NORMAL,
        category=Category.PLUMBING,
        response_minutes=30,
        onsite_minutes=4 * 60,
        completion_minutes=10 * 60,
    )
    now = timezone.now()
    end = now + timedelta(days=5)
    ticket = report(world, preferred_from=end - timedelta(hours=2), preferred_to=end)
    assert ticket.onsite_due == end
    assert ticket.completion_due == end + 6 * 60 * M
    assert ticket.completion_due > ticket.onsite_due


def test_an_emergency_ignores_the_window(world):
    now = timezone.now()
    ticket = report(
        world,
        priority=Priority.EMERGENCY,
        preferred_from=now + timedelta(days=1),
        preferred_to=now + timedelta(days=1, hours=3),
    )
    assert ticket.onsite_due == ticket.reported_at + 30 * M


def test_the_on_site_deadline_is_never_before_the_response_deadline(world):
    now = timezone.now()
    ticket = report(world, preferred_from=now, preferred_to=now + 10 * M)
    assert ticket.onsite_due == ticket.response_due


def test_a_pause_for_the_owner_pushes_unmet_deadlines_back(world):
    tech = world.staff[Role.TECHNICIAN]
    ticket = ticket_in(world, S.IN_REPAIR)
    before = (ticket.response_due, ticket.onsite_due, ticket.completion_due)
    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.OWNER)
    # Two hours waiting for the owner (set in the past rather than waiting).
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - timedelta(hours=2))
    ticket.refresh_from_db()
    later = ticket.paused_since + timedelta(hours=2, minutes=30)
    assert ticket.pause_delta(later) == timedelta(hours=2, minutes=30)  # the clock stopped

    svc.ticket_resume(ticket_id=ticket.pk, actor=tech)
    ticket.refresh_from_db()
    waited = timedelta(seconds=ticket.paused_seconds)
    assert timedelta(hours=2) <= waited < timedelta(hours=2, seconds=5)
    # Response and on-site were met before the pause: they stay; completion moves.
    assert (ticket.response_due, ticket.onsite_due) == before[:2]
    assert ticket.completion_due == before[2] + waited
    assert ticket.pause_delta(timezone.now()) == waited  # no longer paused: nothing adds up
    event = timeline_for(ticket)[0]
    assert event.verb == "ticket_resumed"

    # A second wait adds up.
    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.OWNER)
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - timedelta(hours=1))
    svc.ticket_resume(ticket_id=ticket.pk, actor=tech)
    ticket.refresh_from_db()
    second = timedelta(seconds=ticket.paused_seconds) - waited
    assert timedelta(hours=1) <= second < timedelta(hours=1, seconds=5)
    assert ticket.completion_due == before[2] + waited + second


def test_a_pause_for_parts_does_not_stop_the_clock(world):
    tech = world.staff[Role.TECHNICIAN]
    ticket = ticket_in(world, S.IN_REPAIR)
    before = ticket.completion_due
    svc.ticket_pause(ticket_id=ticket.pk, actor=tech, reason=PauseReason.PARTS)
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - timedelta(hours=2))
    ticket.refresh_from_db()
    assert ticket.pause_delta(timezone.now()) == timedelta(0)
    svc.ticket_resume(ticket_id=ticket.pk, actor=tech)
    ticket.refresh_from_db()
    assert ticket.completion_due == before and ticket.paused_seconds == 0


def test_push_back_moves_only_what_is_not_met():
    now = timezone.now()
    ticket = Ticket(
        reported_at=now,
        response_due=now + 10 * M,
        onsite_due=now + 30 * M,
        completion_due=now + 60 * M,
    )
    sla.push_back_unmet(ticket, 600)
    assert (ticket.response_due, ticket.onsite_due, ticket.completion_due) == (
        now + 20 * M,
        now + 40 * M,
        now + 70 * M,
    )
    ticket.registered_at = ticket.arrived_at = now
    sla.push_back_unmet(ticket, 60)
    assert (ticket.response_due, ticket.onsite_due) == (now + 20 * M, now + 40 * M)
    assert ticket.completion_due == now + 71 * M


def test_apply_preset_writes_editable_rules(world):
    world.estate.service_level = ServiceLevel.LEVEL_1
    world.estate.save(update_fields=["service_level"])
    rule(world.estate, Priority.NORMAL, Category.PLUMBING, minutes=(1, 2, 3))
    with pytest.raises(PermissionDenied):
        svc.sla_apply_preset(estate=world.estate, actor=world.staff[Role.TECHNICIAN])
    with pytest.raises(PermissionDenied):
        svc.sla_apply_preset(estate=world.estate, actor=world.other_manager)
    assert svc.sla_apply_preset(estate=world.estate, actor=world.manager) == 3
    rules = SlaPolicy.objects.filter(estate=world.estate)
    assert {(r.priority, r.category) for r in rules} == {(p, "") for p in Priority.values}
    for r in rules:
        preset = sla.PRESETS[ServiceLevel.LEVEL_1][r.priority]
        assert (r.response_minutes, r.onsite_minutes, r.completion_minutes) == (
            preset.response,
            preset.onsite,
            preset.completion,
        )
    assert timeline_for(world.estate)[0].verb == "sla_preset"
    assert not SlaPolicy.objects.filter(estate=world.other_estate).exists()


def test_the_deadline_map_names_every_deadline_field_of_a_ticket():
    """One map (maintenance.deadlines) for the sweep, the report, the services and the pages:
    it covers every *_due and *_overdue field of a ticket, each with a milestone field."""
    from maintenance.choices import Deadline
    from maintenance.deadlines import DEADLINES

    names = {f.name for f in Ticket._meta.get_fields()}
    assert set(DEADLINES) == set(Deadline)
    assert {d.due for d in DEADLINES.values()} == {n for n in names if n.endswith("_due")}
    assert {d.overdue for d in DEADLINES.values()} == {n for n in names if n.endswith("_overdue")}
    assert {d.met for d in DEADLINES.values()} <= names
