"""An estate's complaint deadlines, and prevention actions."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from estates.permissions import has_perm, require

from .. import permissions as P
from ..choices import Category
from ..models import DeadlineRule, NonWorkingDay, PreventionAction, WorkingHours


def deadline_rules_save(*, actor, estate, rules: dict):
    """rules: {category: (acknowledge hours, resolve days[, in working hours])}; the
    estate's table."""
    require(actor, P.CONFIGURE, estate)
    changes = {}
    with transaction.atomic():
        for category, rule in rules.items():
            if category not in Category.values:
                continue
            hours, days, working = (*rule, False)[:3]
            row, created = DeadlineRule.objects.select_for_update().get_or_create(
                estate=estate,
                category=category,
                defaults={"acknowledge_hours": hours, "resolve_days": days,
                          "working_hours": working},
            )  # fmt: skip
            before = None if created else _label(row.acknowledge_hours, row.resolve_days,
                                                  row.working_hours)  # fmt: skip
            after = _label(hours, days, working)
            if not created and before != after:
                row.acknowledge_hours, row.resolve_days, row.working_hours = hours, days, working
                row.full_clean()
                row.save()
            if before != after:
                changes[category] = [before, after]
        if changes:
            record_event(estate, actor=actor, verb="complaint_deadlines_saved", changes=changes)
    return changes


def _label(hours, days, working) -> str:
    # 8wh/5wd: eight working hours, five working days.
    return f"{hours}wh/{days}wd" if working else f"{hours}h/{days}d"


def working_hours_save(*, actor, estate, time_zone, start, end, weekdays, holidays=()):
    """The estate's working hours (the deadlines counted in working hours) and its
    holidays (the set replaced by `holidays`)."""
    require(actor, P.CONFIGURE, estate)
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": _("Unknown time zone.")}) from exc
    if not start < end:
        raise ValidationError({"end": _("The working day ends after it starts.")})
    days = sorted({int(d) for d in weekdays})
    if not days or not set(days) <= set(range(1, 8)):
        raise ValidationError({"weekdays": _("Choose at least one working day.")})
    with transaction.atomic():
        row = WorkingHours.objects.select_for_update().filter(estate=estate).first()
        row = row or WorkingHours(estate=estate)
        before = [row.time_zone, f"{row.start:%H:%M}", f"{row.end:%H:%M}", row.weekdays]
        row.time_zone, row.start, row.end, row.weekdays = time_zone, start, end, days
        row.save()
        after = [time_zone, f"{start:%H:%M}", f"{end:%H:%M}", days]
        old_days = set(NonWorkingDay.objects.filter(estate=estate).values_list("day", flat=True))
        new_days = set(holidays)
        NonWorkingDay.objects.filter(estate=estate, day__in=old_days - new_days).delete()
        NonWorkingDay.objects.bulk_create(
            [NonWorkingDay(estate=estate, day=d) for d in sorted(new_days - old_days)]
        )
        changes = {}
        if before != after:
            changes["working_hours"] = [" ".join(map(str, before)), " ".join(map(str, after))]
        if old_days != new_days:
            changes["holidays"] = [len(old_days), len(new_days)]
        if changes:
            record_event(estate, actor=actor, verb="complaint_working_hours_saved",
                         changes=changes)  # fmt: skip
    return row


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
