"""An estate's complaint deadlines, and prevention actions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from estates.permissions import has_perm, require

from .. import permissions as P
from ..choices import Category
from ..models import DeadlineRule, PreventionAction


def deadline_rules_save(*, actor, estate, rules: dict):
    """rules: {category: (acknowledge hours, resolve days)}; the estate's table."""
    require(actor, P.CONFIGURE, estate)
    changes = {}
    with transaction.atomic():
        for category, (hours, days) in rules.items():
            if category not in Category.values:
                continue
            rule, created = DeadlineRule.objects.select_for_update().get_or_create(
                estate=estate,
                category=category,
                defaults={"acknowledge_hours": hours, "resolve_days": days},
            )
            before = None if created else f"{rule.acknowledge_hours}h/{rule.resolve_days}d"
            if not created and (rule.acknowledge_hours, rule.resolve_days) != (hours, days):
                rule.acknowledge_hours, rule.resolve_days = hours, days
                rule.full_clean()
                rule.save()
            after = f"{hours}h/{days}d"
            if before != after:
                changes[category] = [before, after]
        if changes:
            record_event(estate, actor=actor, verb="complaint_deadlines_saved", changes=changes)
    return changes


def prevention_action_add(*, actor, estate, category, description, owner, due_date,
                          complaint=None):  # fmt: skip
    require(actor, P.REPORT, estate)
    if not has_perm(owner, P.VIEW, estate):
        raise ValidationError({"owner": _("Choose someone of this estate.")})
    if complaint is not None and complaint.estate_id != estate.pk:
        raise ValidationError({"complaint": _("The complaint is of another estate.")})
    with transaction.atomic():
        action = PreventionAction.objects.create(
            estate=estate,
            category=category,
            description=description.strip(),
            owner=owner,
            due_date=due_date,
            complaint=complaint,
            created_by=actor,
        )
        if complaint is not None:
            record_event(complaint, actor=actor, verb="complaint_prevention_added",
                         note=description.strip())  # fmt: skip
    return action


def prevention_action_done(*, action_id, actor):
    with transaction.atomic():
        action = (
            PreventionAction.objects.for_user(actor, P.REPORT).select_for_update().get(pk=action_id)
        )
        if action.done_at is None:
            action.done_at = timezone.now()
            action.save(update_fields=["done_at", "updated_at"])
    return action
