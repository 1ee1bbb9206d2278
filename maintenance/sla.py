"""Deadlines (SLA): response, on site and completion, per estate, priority and category.

An estate starts from the preset of its service level and may adjust rules (SlaPolicy).
The clock stops while a ticket waits for the owner: resuming pushes the unmet deadlines
back by the time spent waiting. Only computations live here; the writes (rules, presets,
the urge interval) are services (maintenance.services.settings).
"""

from dataclasses import dataclass
from datetime import timedelta

from estates.choices import ServiceLevel

from . import deadlines
from .choices import Priority

H = 60  # minutes in an hour


@dataclass(frozen=True)
class Minutes:
    response: int
    onsite: int
    completion: int


# Service-level presets: emergencies on site within 30 minutes at levels 1 and 2; other
# tickets at the agreed time when the owner gave one, else within the onsite minutes.
PRESETS: dict[str, dict[str, Minutes]] = {
    ServiceLevel.LEVEL_1: {
        Priority.EMERGENCY: Minutes(10, 30, 4 * H),
        Priority.URGENT: Minutes(30, 2 * H, 24 * H),
        Priority.NORMAL: Minutes(60, 24 * H, 72 * H),
    },
    ServiceLevel.LEVEL_2: {
        Priority.EMERGENCY: Minutes(15, 30, 8 * H),
        Priority.URGENT: Minutes(60, 4 * H, 48 * H),
        Priority.NORMAL: Minutes(2 * H, 24 * H, 72 * H),
    },
    ServiceLevel.LEVEL_3: {
        Priority.EMERGENCY: Minutes(30, 60, 12 * H),
        Priority.URGENT: Minutes(2 * H, 8 * H, 72 * H),
        Priority.NORMAL: Minutes(4 * H, 48 * H, 120 * H),
    },
}

WARN_BEFORE = timedelta(minutes=15)  # warn this long before a deadline passes


def minutes_for(estate, *, category: str, priority: str) -> Minutes:
    """The estate's rule for this category and priority, else its rule for the priority,
    else the preset of its service level."""
    from .models import SlaPolicy

    rules = {
        rule.category: rule
        for rule in SlaPolicy.objects.filter(
            estate=estate, priority=priority, category__in=[category, ""]
        )
    }
    rule = rules.get(category) or rules.get("")
    if rule is not None:
        return Minutes(rule.response_minutes, rule.onsite_minutes, rule.completion_minutes)
    level = PRESETS.get(estate.service_level, PRESETS[ServiceLevel.LEVEL_2])
    return level[priority]


def set_initial_deadlines(ticket) -> None:
    minutes = minutes_for(ticket.estate, category=ticket.category, priority=ticket.priority)
    start = ticket.reported_at
    ticket.response_due = start + timedelta(minutes=minutes.response)
    if ticket.priority != Priority.EMERGENCY and ticket.preferred_to:
        ticket.onsite_due = max(ticket.preferred_to, start + timedelta(minutes=minutes.response))
    else:
        ticket.onsite_due = start + timedelta(minutes=minutes.onsite)
    # The repair itself takes the category's time after arrival: a window that ends late
    # moves completion with it, never onto the on-site deadline.
    repair = timedelta(minutes=minutes.completion - minutes.onsite)
    ticket.completion_due = max(
        start + timedelta(minutes=minutes.completion), ticket.onsite_due + repair
    )


def push_back_unmet(ticket, seconds: int) -> None:
    """Move the deadlines not yet met by `seconds` (time spent waiting for the owner)."""
    deadlines.push_back_unmet(ticket, timedelta(seconds=seconds))
