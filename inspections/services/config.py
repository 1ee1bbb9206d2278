"""Setting inspections up: checkpoints and their items, routes, plans (with the timeline)."""

from django.db import transaction
from django.utils import timezone

from core import texts
from core.audit import diff, record_event, snapshot
from estates.permissions import require

from .. import permissions as P
from ..choices import RoundStatus
from ..models import CheckItem, CheckItemTemplate, Checkpoint, Plan, Round, Route, RouteStop
from ..recurrence import local_zone, plan_windows

CHECKPOINT_FIELDS = ("name", "place", "equipment", "nfc_tag", "require_scan", "is_active")
ROUTE_FIELDS = ("name", "enforce_order", "is_active")
PLAN_FIELDS = (
    "name",
    "route",
    "recurrence",
    "times",
    "interval_days",
    "weekdays",
    "month_day",
    "window_minutes",
    "start_date",
    "end_date",
    "assignee_role",
    "skip_holidays",
    "is_active",
)


def items_from_templates(checkpoint) -> list[CheckItem]:
    """A new checkpoint on a piece of equipment gets its category's checklist."""
    if checkpoint.equipment_id is None:
        return []
    templates = CheckItemTemplate.objects.filter(category=checkpoint.equipment.category)
    return CheckItem.objects.bulk_create(
        [
            CheckItem(
                checkpoint=checkpoint,
                **{
                    f: getattr(t, f)
                    for f in (
                        "position",
                        "label",
                        "kind",
                        "unit",
                        "min_value",
                        "max_value",
                        "choices",
                        "abnormal_choices",
                        "required",
                    )
                },
            )
            for t in templates.order_by("position", "id")
        ]
    )


def _save(obj, fields, data, actor, created):
    before = {} if created else snapshot(obj, fields)
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    obj.full_clean()
    obj.save()
    changes = diff(before, snapshot(obj, fields))
    record_event(obj, actor=actor, verb="created" if created else "updated", changes=changes)
    return obj


def checkpoint_save(*, actor, estate, data: dict, checkpoint=None, items_formset=None):
    """Create or change a checkpoint; a new one on equipment starts with its category's
    checklist unless items are given."""
    require(actor, P.CONFIGURE, estate)
    created = checkpoint is None
    with transaction.atomic():
        if created:
            checkpoint = Checkpoint(estate=estate)
        else:
            checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
        _save(checkpoint, CHECKPOINT_FIELDS, data, actor, created)
        if items_formset is not None:
            items_formset.instance = checkpoint
            items_formset.save()
        if created and not checkpoint.items.exists():
            items_from_templates(checkpoint)
    return checkpoint


def route_save(*, actor, estate, data: dict, checkpoints: list, route=None):
    """Create or change a route; `checkpoints` in the order they are walked."""
    require(actor, P.CONFIGURE, estate)
    created = route is None
    with transaction.atomic():
        route = (
            Route(estate=estate) if created else Route.objects.select_for_update().get(pk=route.pk)
        )
        _save(route, ROUTE_FIELDS, data, actor, created)
        old = list(route.stops.values_list("checkpoint_id", flat=True))
        new = [c.pk for c in checkpoints]
        if old != new:
            route.stops.all().delete()
            RouteStop.objects.bulk_create(
                [
                    RouteStop(route=route, checkpoint=c, position=i)
                    for i, c in enumerate(checkpoints)
                ]
            )
            if not created:
                names = ", ".join(c.name for c in checkpoints)
                note = texts.gettext("Checkpoints in order: %(names)s", names=names)
                record_event(route, actor=actor, verb="updated", note=note)
    return route


def plan_save(*, actor, estate, data: dict, assignees, plan=None):
    """Create or change a plan. Rounds already scheduled that the changed plan no longer has
    (another time, a day now skipped, the plan ended or stopped) are withdrawn, if nobody
    has started them; the next generation adds the new ones."""
    require(actor, P.CONFIGURE, estate)
    created = plan is None
    with transaction.atomic():
        plan = Plan(estate=estate) if created else Plan.objects.select_for_update().get(pk=plan.pk)
        _save(plan, PLAN_FIELDS, data, actor, created)
        plan.assignees.set(assignees)
        if not created:
            _withdraw_stale_rounds(plan)
    return plan


def _withdraw_stale_rounds(plan) -> int:
    now = timezone.now()
    pending = Round.objects.filter(
        plan=plan, status=RoundStatus.SCHEDULED, started_at__isnull=True, window_start__gt=now
    ).exclude(answers__isnull=False)
    last = pending.order_by("-window_start").values_list("window_start", flat=True).first()
    if last is None:
        return 0
    keep = set()
    if plan.is_active:
        zone = local_zone()
        first_day = timezone.localtime(now, zone).date()
        last_day = timezone.localtime(last, zone).date()
        keep = {w.start for w in plan_windows(plan, first_day, last_day)}
    stale = [r.pk for r in pending.only("pk", "window_start") if r.window_start not in keep]
    Round.objects.filter(pk__in=stale).delete()
    return len(stale)
