"""Reads the staff repair pages share: counts per status, the emergencies box, technician
choices and dispatch suggestions, a technician's open jobs, an estate's effective deadlines.
Querysets passed in are already scoped to the user."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from estates.choices import Role, ServiceLevel
from estates.models import StaffMembership

from . import sla
from .choices import DONE_STATUSES, OPEN_STATUSES, Category, Priority, Status
from .deadlines import DUE_FIELDS, MET_FIELDS, OVERDUE_FIELDS, OVERDUE_Q
from .models import SlaPolicy, Ticket

# Which technician skills fit a ticket category (estates.choices.Skill values).
CATEGORY_SKILLS: dict[str, tuple[str, ...]] = {
    Category.PLUMBING: ("plumbing",),
    Category.ELECTRICAL: ("electrical",),
    Category.DOORS_WINDOWS: ("doors_windows",),
    Category.ELEVATOR: ("elevator",),
    Category.HVAC: ("hvac",),
    Category.CIVIL: ("civil",),
    Category.PUBLIC_FACILITY: ("civil", "electrical"),
}

# The columns the board's rows show (joins: the unit and its building, the building, the equipment,
# the technician). Not the estate: its name comes from the estates the request loaded.
BOARD_VALUES = (
    "id",
    "estate_id",
    "number",
    "unit_id",
    "unit__entrance",
    "unit__number",
    "unit__building__name",
    "building_id",
    "building__name",
    "equipment_id",
    "equipment__code",
    "equipment__name",
    "location",
    "category",
    "priority",
    "status",
    "pause_reason",
    "technician_id",
    "technician__username",
    "technician__display_name",
    "technician__first_name",
    "technician__last_name",
    "reported_at",
    *MET_FIELDS,
    *DUE_FIELDS,
    *OVERDUE_FIELDS,
)

# A technician's jobs: what is still theirs to do.
TECHNICIAN_STATUSES = [
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.ON_SITE,
    Status.IN_REPAIR,
    Status.PAUSED,
]


def board_tickets(queryset):
    """The board's rows as dicts of BOARD_VALUES (shown by maintenance.views.board_rows):
    a page of model instances, with their related rows, costs more to build than to query."""
    return queryset.values(*BOARD_VALUES)


# Counted on the board: the steps people still act on. Closed, rejected and cancelled
# tickets are nearly all of a big table and nobody works from their number, so they are
# not counted (the list's own total is bounded).
COUNTED_STATUSES = [*OPEN_STATUSES, *DONE_STATUSES]


def status_counts(queryset) -> dict:
    """{status: n for the open and done statuses, "open": n, "overdue": n}.

    Two index-only reads: per status over the board index's range of those statuses, and
    the overdue ones from their own small partial index (ticket_open_overdue_idx)."""
    per_status = (
        queryset.filter(status__in=COUNTED_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
    )
    counts = {status: 0 for status in COUNTED_STATUSES}
    counts.update(per_status)
    counts["open"] = sum(counts[status] for status in OPEN_STATUSES)
    counts["overdue"] = queryset.filter(OVERDUE_Q, status__in=OPEN_STATUSES).order_by().count()
    return counts


def open_emergencies(queryset, limit: int = 20) -> list:
    """Open emergency tickets, oldest first (the longest wait on top), as board rows."""
    return list(
        board_tickets(queryset)
        .filter(status__in=OPEN_STATUSES, priority=Priority.EMERGENCY)
        .order_by("reported_at", "id")[:limit]
    )


def technician_choices(user, estate=None) -> list[tuple[int, str]]:
    """(user id, name) of the active technicians in the user's scope (in `estate`, if given).
    Plain tuples, one query."""
    memberships = StaffMembership.objects.for_user(user).active().filter(role=Role.TECHNICIAN)
    if estate is not None:
        memberships = memberships.filter(estate=estate)
    rows = memberships.values_list("user_id", "user__display_name", "user__username").distinct()
    names = {pk: display or username for pk, display, username in rows}
    return sorted(names.items(), key=lambda item: (item[1], item[0]))


def _open_load():
    return Coalesce(
        Subquery(
            Ticket.objects.filter(technician_id=OuterRef("user_id"), status__in=OPEN_STATUSES)
            .order_by()
            .values("technician_id")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def suggest_technicians(ticket) -> list[StaffMembership]:
    """The estate's active technicians, best first: a skill that fits the category, then
    the fewest open jobs, then the on-duty one, then by name. Each carries `.load` (open
    tickets assigned now) and `.skill_match`."""
    wanted = set(CATEGORY_SKILLS.get(ticket.category, ()))
    memberships = list(
        StaffMembership.objects.active()
        .filter(estate_id=ticket.estate_id, role=Role.TECHNICIAN)
        .select_related("user")
        .annotate(load=_open_load())
    )
    for m in memberships:
        m.skill_match = bool(wanted.intersection(m.skills or []))
        m.is_current = m.user_id == ticket.technician_id
    memberships.sort(
        key=lambda m: (not m.skill_match, m.load, not m.on_duty, str(m.user), m.user_id)
    )
    return memberships


def my_open_jobs(user, limit: int = 100) -> list:
    """The technician's tickets still to work on: emergencies first, then the nearest
    completion deadline."""
    emergency_first = Case(
        When(priority=Priority.EMERGENCY, then=Value(0)),
        When(priority=Priority.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Ticket.objects.for_user(user)
        .filter(technician=user, status__in=TECHNICIAN_STATUSES)
        .select_related("estate", "unit__building", "building", "equipment")
        .annotate(rank=emergency_first)
        .order_by("rank", "completion_due", "reported_at", "id")[:limit]
    )


@dataclass
class EffectiveRule:
    priority: str
    priority_label: str
    category: str
    category_label: str
    response: int
    onsite: int
    completion: int
    from_preset: bool


def effective_deadlines(estate) -> list[EffectiveRule]:
    """What applies in the estate: its rules, and the preset for a priority without a
    general rule. General rules first, in priority order, then category rules."""
    rules = list(SlaPolicy.objects.filter(estate=estate))
    preset = sla.PRESETS.get(estate.service_level, sla.PRESETS[ServiceLevel.LEVEL_2])
    priorities = dict(Priority.choices)
    categories = dict(Category.choices)
    order = {p: i for i, p in enumerate(Priority.values)}
    general = {r.priority: r for r in rules if not r.category}
    rows = []
    for priority in Priority.values:
        rule = general.get(priority)
        if rule is not None:
            minutes = sla.Minutes(
                rule.response_minutes, rule.onsite_minutes, rule.completion_minutes
            )
        else:
            minutes = preset[priority]
        rows.append(
            EffectiveRule(
                priority=priority,
                priority_label=str(priorities[priority]),
                category="",
                category_label="",
                response=minutes.response,
                onsite=minutes.onsite,
                completion=minutes.completion,
                from_preset=rule is None,
            )
        )
    specific = sorted(
        (r for r in rules if r.category), key=lambda r: (order.get(r.priority, 9), r.category)
    )
    for r in specific:
        rows.append(
            EffectiveRule(
                priority=r.priority,
                priority_label=str(priorities.get(r.priority, r.priority)),
                category=r.category,
                category_label=str(categories.get(r.category, r.category)),
                response=r.response_minutes,
                onsite=r.onsite_minutes,
                completion=r.completion_minutes,
                from_preset=False,
            )
        )
    return rows
