"""Deadlines (SLA): response, on site and completion, per estate, priority and category.

An estate starts from the preset of its service level and may adjust rules (SlaPolicy).
The clock stops while a ticket waits for the owner: resuming pushes the unmet deadlines
back by the time spent waiting.
"""

from dataclasses import dataclass
from datetime import timedelta

from estates.choices import ServiceLevel

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
    delta = timedelta(seconds=seconds)
    if ticket.registered_at is None and ticket.response_due:
        ticket.response_due += delta
    if ticket.arrived_at is None and ticket.onsite_due:
        ticket.onsite_due += delta
    if ticket.completed_at is None and ticket.completion_due:
        ticket.completion_due += delta


def sla_apply_preset(*, estate, actor) -> int:
    """Write the preset of the estate's service level as editable rules (replacing them)."""
    from django.db import transaction

    from core.audit import record_event
    from estates.permissions import require

    from . import permissions as P
    from .models import SlaPolicy

    require(actor, P.CONFIGURE, estate)
    preset = PRESETS.get(estate.service_level, PRESETS[ServiceLevel.LEVEL_2])
    with transaction.atomic():
        SlaPolicy.objects.filter(estate=estate).delete()
        SlaPolicy.objects.bulk_create(
            SlaPolicy(
                estate=estate,
                priority=priority,
                category="",
                response_minutes=m.response,
                onsite_minutes=m.onsite,
                completion_minutes=m.completion,
            )
            for priority, m in preset.items()
        )
        record_event(
            estate, actor=actor, verb="sla_preset", note=str(estate.get_service_level_display())
        )
    return len(preset)


def sla_rules_save(*, estate, actor, rows) -> int:
    """Replace the estate's rules by `rows` (dicts: priority, category ("" for every
    category), response_minutes, onsite_minutes, completion_minutes). Checked first; an
    empty list leaves the estate on its service level's preset."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from core.audit import record_event
    from estates.permissions import require

    from . import permissions as P
    from .choices import Category
    from .models import SlaPolicy

    require(actor, P.CONFIGURE, estate)
    errors, seen, rules = [], set(), []
    for n, row in enumerate(rows, start=1):
        priority, category = row.get("priority"), row.get("category") or ""
        if priority not in Priority.values or (category and category not in Category.values):
            errors.append(_("Rule %(n)d: choose a priority and a category.") % {"n": n})
            continue
        try:
            response, onsite, completion = (
                int(row[key])
                for key in ("response_minutes", "onsite_minutes", "completion_minutes")
            )
        except (KeyError, TypeError, ValueError):
            errors.append(_("Rule %(n)d: give the three deadlines in minutes.") % {"n": n})
            continue
        if min(response, onsite, completion) < 1:
            errors.append(_("Rule %(n)d: every deadline is at least one minute.") % {"n": n})
        elif not response <= onsite <= completion:
            errors.append(
                _(
                    "Rule %(n)d: respond first, then be on site, then complete: no deadline "
                    "may be sooner than the one before it."
                )
                % {"n": n}
            )
        if (priority, category) in seen:
            errors.append(
                _("Rule %(n)d: there is already a rule for this priority and category.") % {"n": n}
            )
        seen.add((priority, category))
        rules.append(
            SlaPolicy(
                estate=estate,
                priority=priority,
                category=category,
                response_minutes=response,
                onsite_minutes=onsite,
                completion_minutes=completion,
            )
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = SlaPolicy.objects.filter(estate=estate).count()
        SlaPolicy.objects.filter(estate=estate).delete()
        SlaPolicy.objects.bulk_create(rules)
        record_event(
            estate,
            actor=actor,
            verb="sla_rules_saved",
            note=f"{before} → {len(rules)}",
        )
    return len(rules)


def urge_interval_save(*, estate, actor, minutes) -> int:
    """Set how long the estate's owners wait between two urges (催单) of one ticket."""
    from estates.models import Estate
    from estates.services import update_audited

    from . import permissions as P

    updated = update_audited(
        Estate,
        pk=estate.pk,
        actor=actor,
        data={"urge_interval_minutes": minutes},
        fields=["urge_interval_minutes"],
        perm=P.CONFIGURE,
        estate_of=lambda e: e,
        verb="urge_interval_set",
    )
    estate.urge_interval_minutes = updated.urge_interval_minutes
    return updated.urge_interval_minutes
