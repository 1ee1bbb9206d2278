"""The estate's repair settings: its deadline rules (or its service level's preset) and how
long owners wait between two urges."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from estates.choices import ServiceLevel
from estates.models import Estate
from estates.permissions import require
from estates.services import update_audited

from .. import permissions as P
from .. import sla
from ..choices import Category, Priority
from ..models import SlaPolicy


def sla_apply_preset(*, estate, actor) -> int:
    """Write the preset of the estate's service level as editable rules (replacing them)."""
    require(actor, P.CONFIGURE, estate)
    preset = sla.PRESETS.get(estate.service_level, sla.PRESETS[ServiceLevel.LEVEL_2])
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
            estate,
            actor=actor,
            verb="sla_preset",
            note=texts.compose("%(level)s", level=texts.choice(ServiceLevel, estate.service_level)),
        )
    return len(preset)


def sla_rules_save(*, estate, actor, rows) -> int:
    """Replace the estate's rules by `rows` (dicts: priority, category ("" for every
    category), response_minutes, onsite_minutes, completion_minutes). Checked first; an
    empty list leaves the estate on its service level's preset."""
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
