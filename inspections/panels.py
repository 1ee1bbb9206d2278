"""The inspection history on an equipment's staff page (estates.panels): the latest answers
at its checkpoints and the findings with their repair tickets."""

from django.db.models import Q

from estates.permissions import has_perm

from . import permissions as P
from .models import Answer, Finding, UpkeepPlan, UpkeepTask

SHOWN = 20


def equipment_panel(request, equipment, **page):
    if not has_perm(request.user, P.VIEW, equipment.estate):
        return None
    answers = list(
        Answer.objects.filter(checkpoint__equipment=equipment)
        .select_related("item", "checkpoint", "by", "round")
        .order_by("-taken_at", "-id")[:SHOWN]
    )
    findings = list(
        Finding.objects.filter(checkpoint__equipment=equipment)
        .select_related("item", "checkpoint", "ticket")
        .order_by("-created_at", "-id")[:SHOWN]
    )
    checkpoints = list(equipment.checkpoints.order_by("name"))
    tasks = list(
        UpkeepTask.objects.filter(equipment=equipment)
        .select_related("plan", "assignee", "done_by")
        .order_by("-window_start", "-id")[:SHOWN]
    )
    plans = list(
        UpkeepPlan.objects.filter(estate_id=equipment.estate_id, is_active=True)
        .filter(Q(equipment=equipment) | Q(equipment__isnull=True, category=equipment.category))
        .order_by("name")
    )
    return {
        "template": "inspections/panels/equipment.html",
        "answers": answers,
        "findings": findings,
        "checkpoints": checkpoints,
        "upkeep_tasks": tasks,
        "upkeep_plans": plans,
    }


def unit_panel(request, unit, **page):
    """The inspection findings whose repair ticket is for this unit (none: no panel)."""
    estate = unit.building.estate
    if not has_perm(request.user, P.VIEW, estate):
        return None
    findings = list(
        Finding.objects.filter(estate=estate, ticket__unit=unit)
        .select_related("item", "checkpoint", "ticket")
        .order_by("-created_at", "-id")[:SHOWN]
    )
    if not findings:
        return None
    return {"template": "inspections/panels/unit.html", "findings": findings}
