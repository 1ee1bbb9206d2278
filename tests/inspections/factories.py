"""Factories of inspections: a checkpoint with items, a route, a plan, a round."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from estates.choices import Role
from inspections.choices import ItemKind, Recurrence, RoundStatus, UpkeepRecurrence
from inspections.models import (
    CheckItem,
    Checkpoint,
    Plan,
    Round,
    Route,
    RouteStop,
    UpkeepPlan,
    UpkeepTask,
)

from ..factories import EstateFactory


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkpoint

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"B1水泵房 {n}")
    place = "B1"


class CheckItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckItem

    checkpoint = factory.SubFactory(CheckpointFactory)
    label = "出水压力"
    kind = ItemKind.NUMBER
    unit = "MPa"
    min_value = Decimal("0.30")
    max_value = Decimal("0.60")


class RouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Route

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"设备巡检路线 {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    estate = factory.SelfAttribute("route.estate")
    route = factory.SubFactory(RouteFactory)
    name = factory.Sequence(lambda n: f"每日巡检 {n}")
    recurrence = Recurrence.DAILY
    times = ["09:00"]
    window_minutes = 120
    start_date = date(2026, 1, 1)
    assignee_role = Role.SECURITY


def route_with(estate, checkpoints, **kw) -> Route:
    route = RouteFactory(estate=estate, **kw)
    for i, c in enumerate(checkpoints):
        RouteStop.objects.create(route=route, checkpoint=c, position=i)
    return route


def pump_setup(estate, *, require_scan=False, equipment=None):
    """A checkpoint with a pressure item (0.3–0.6 MPa) and an OK/abnormal item, on a route
    and a daily plan for security staff, with one round open now."""
    checkpoint = CheckpointFactory(estate=estate, require_scan=require_scan, equipment=equipment)
    pressure = CheckItemFactory(checkpoint=checkpoint)
    noise = CheckItemFactory(
        checkpoint=checkpoint, position=1, label="运行声音", kind=ItemKind.OK_ABNORMAL,
        unit="", min_value=None, max_value=None,
    )  # fmt: skip
    route = route_with(estate, [checkpoint])
    plan = PlanFactory(route=route)
    round_ = make_round(plan)
    return checkpoint, pressure, noise, round_


def make_round(plan, *, start=None, minutes=120, **fields) -> Round:
    start = start or timezone.now() - timedelta(minutes=10)
    values = {
        "estate": plan.estate,
        "plan": plan,
        "route": plan.route,
        "window_start": start,
        "window_end": start + timedelta(minutes=minutes),
        "role": plan.assignee_role,
        "status": RoundStatus.SCHEDULED,
    }
    return Round.objects.create(**{**values, **fields})


class UpkeepPlanFactory(factory.django.DjangoModelFactory):
    """Lift maintenance every 15 days, from 1 Jan 2026, by the estate's technicians."""

    class Meta:
        model = UpkeepPlan

    name = factory.Sequence(lambda n: f"电梯保养 {n}")
    recurrence = UpkeepRecurrence.EVERY_N_DAYS
    times = ["09:00"]
    interval_days = 15
    window_days = 3
    start_date = date(2026, 1, 1)
    assignee_role = Role.TECHNICIAN


def make_task(plan, equipment, *, start=None, days=3, **fields) -> UpkeepTask:
    start = start or timezone.now() - timedelta(hours=1)
    values = {
        "estate": plan.estate,
        "plan": plan,
        "equipment": equipment,
        "window_start": start,
        "window_end": start + timedelta(days=days),
        "role": plan.assignee_role,
        "needs_acceptance": plan.needs_acceptance,
    }
    values.update(fields)
    return UpkeepTask.objects.create(**values)
