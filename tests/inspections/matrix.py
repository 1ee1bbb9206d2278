"""The inspections URLs in the role × URL matrix (tests/test_url_scoping.py): a checkpoint,
route, plan and round in estate A and in estate B, an answer with a photo on each round.
Every person who does rounds in an estate is named in its plan, so a round is theirs."""

from datetime import date
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from estates.choices import Role
from inspections import permissions as P
from inspections.models import Answer, AnswerPhoto, Holiday, UpkeepPhoto

from ..url_rules import A, B, Public, Staff
from .factories import (
    CheckItemFactory,
    CheckpointFactory,
    PlanFactory,
    UpkeepPlanFactory,
    make_round,
    make_task,
    route_with,
)

RULES = {
    "inspections:round_list": Staff(P.VIEW, "any"),
    "inspections:today": Staff(P.DO_ROUNDS, "any"),
    "inspections:round_export": Staff(P.VIEW, "any"),
    "inspections:sync": Staff(P.DO_ROUNDS, "any"),
    "inspections:sw": Public(),
    "inspections:monthly_report_pdf": Staff(P.VIEW, "current", unchosen="redirect"),
    "inspections:daily_report_pdf": Staff(P.VIEW, "current", unchosen="redirect"),
    "inspections:statistics": Staff(P.VIEW, "any"),
    "inspections:round_detail": Staff(P.VIEW),
    "inspections:round_step": Staff(P.DO_ROUNDS),  # step=start
    "inspections:round_scan": Staff(P.DO_ROUNDS),
    "inspections:round_checkpoint": Staff(P.DO_ROUNDS),
    "inspections:answer_photo": Staff(P.VIEW),
    "inspections:checkpoint_scan": Staff(P.VIEW),
    "inspections:checkpoint_list": Staff(P.VIEW, "any"),
    "inspections:checkpoint_create": Staff(P.CONFIGURE, "current"),
    "inspections:checkpoint_labels": Staff(P.VIEW, "any"),
    "inspections:checkpoint_detail": Staff(P.VIEW),
    "inspections:checkpoint_edit": Staff(P.CONFIGURE),
    "inspections:checkpoint_label": Staff(P.VIEW),
    "inspections:route_list": Staff(P.VIEW, "any"),
    "inspections:route_create": Staff(P.CONFIGURE, "current"),
    "inspections:route_detail": Staff(P.VIEW),
    "inspections:route_edit": Staff(P.CONFIGURE),
    "inspections:holiday_list": Staff(P.CONFIGURE, "current"),
    "inspections:holiday_delete": Staff(P.CONFIGURE),
    "inspections:template_list": Staff(None, "admin"),
    "inspections:template_edit": Staff(None, "admin"),
    "inspections:plan_list": Staff(P.VIEW, "any"),
    "inspections:plan_create": Staff(P.CONFIGURE, "current"),
    "inspections:plan_detail": Staff(P.VIEW),
    "inspections:plan_edit": Staff(P.CONFIGURE),
    "inspections:upkeep_task_list": Staff(P.VIEW, "any"),
    "inspections:upkeep_plan_list": Staff(P.VIEW, "any"),
    "inspections:upkeep_plan_create": Staff(P.CONFIGURE, "current"),
    "inspections:upkeep_plan_detail": Staff(P.VIEW),
    "inspections:upkeep_plan_edit": Staff(P.CONFIGURE),
    "inspections:upkeep_task_detail": Staff(P.VIEW),
    "inspections:upkeep_task_step": Staff(P.DO_ROUNDS),  # complete (empty: a message)
    "inspections:upkeep_photo": Staff(P.VIEW),
}
PLAIN_KWARGS = {
    "step": "start",
    "upkeep_step": "complete",
    "day": 5,
    "equipment_category": "water_pump",
}
REDIRECTORS = {"inspections:checkpoint_scan"}


def _doers(world, side):
    users = []
    for actor in world.actors.values():
        if actor.user is None or not actor.roles or side not in actor.roles:
            continue
        if actor.roles[side] in (Role.SECURITY, Role.TECHNICIAN):
            users.append(actor.user)
    return users


def build(world):
    checkpoints, routes, plans, rounds, answers, codes = {}, {}, {}, {}, {}, {}
    holidays = {}
    upkeep_plans, tasks, photos = {}, {}, {}
    for side in (A, B):
        estate = world.estate[side]
        checkpoint = CheckpointFactory(estate=estate, equipment=world.equipment[side])
        item = CheckItemFactory(checkpoint=checkpoint)
        route = route_with(estate, [checkpoint])
        plan = PlanFactory(route=route, assignee_role="")
        plan.assignees.set(_doers(world, side))
        round_ = make_round(plan)
        answer = Answer.objects.create(
            round=round_,
            checkpoint=checkpoint,
            item=item,
            value="0.4",
            taken_at=timezone.now(),
            by=world.membership[side].user,
            idempotency_key=f"matrix-{side}",
        )
        AnswerPhoto.objects.create(
            answer=answer,
            content_type="image/png",
            file=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png"),
        )
        checkpoints[side], routes[side], plans[side] = checkpoint, route, plan
        rounds[side], answers[side] = round_, answer
        codes[side] = SimpleNamespace(pk=checkpoint.code)
        upkeep_plans[side] = UpkeepPlanFactory(
            estate=estate, equipment=world.equipment[side], assignee_role=""
        )
        upkeep_plans[side].assignees.set(_doers(world, side))
        tasks[side] = make_task(upkeep_plans[side], world.equipment[side])
        photos[side] = UpkeepPhoto.objects.create(
            task=tasks[side],
            content_type="image/png",
            file=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png"),
        )
        holidays[side] = Holiday.objects.create(estate=estate, date=date(2026, 10, 1), name="国庆")
    world.extra.update(
        checkpoint_pk=checkpoints,
        route_pk=routes,
        plan_pk=plans,
        round_pk=rounds,
        answer_pk=answers,
        code=codes,
        holiday_pk=holidays,
        upkeep_plan_pk=upkeep_plans,
        upkeep_task_pk=tasks,
        upkeep_photo_pk=photos,
    )
