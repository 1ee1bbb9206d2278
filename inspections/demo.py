"""Demo inspections for `seed_demo`: pump room and fire checkpoints, a route and a daily
plan per estate, made through the services; idempotent (an estate with checkpoints already
is left alone)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from estates.choices import EquipmentCategory, Role
from estates.models import Equipment, StaffMembership

from . import services
from .choices import ItemKind, Recurrence
from .models import CheckItem, Checkpoint, Round

TEMPLATES = {
    EquipmentCategory.WATER_PUMP: [
        ("出水压力", ItemKind.NUMBER, "MPa", Decimal("0.30"), Decimal("0.60")),
        ("运行声音正常", ItemKind.OK_ABNORMAL, "", None, None),
        ("电表读数", ItemKind.METER, "kWh", None, None),
    ],
    EquipmentCategory.FIRE: [
        ("消防栓压力", ItemKind.NUMBER, "MPa", Decimal("0.10"), Decimal("0.50")),
        ("设备完好无遮挡", ItemKind.OK_ABNORMAL, "", None, None),
    ],
}


def ensure_templates() -> None:
    from .models import CheckItemTemplate

    for category, items in TEMPLATES.items():
        if CheckItemTemplate.objects.filter(category=category).exists():
            continue
        CheckItemTemplate.objects.bulk_create(
            CheckItemTemplate(
                category=category, position=i, label=label, kind=kind, unit=unit,
                min_value=low, max_value=high,
            )
            for i, (label, kind, unit, low, high) in enumerate(items)
        )  # fmt: skip


def seed_inspections(estate, *, rng) -> int:
    if Checkpoint.objects.filter(estate=estate).exists():
        return 0
    manager = (
        StaffMembership.objects.filter(estate=estate, role=Role.MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if manager is None:
        return 0
    actor = manager.user
    ensure_templates()
    checkpoints = []
    for equipment in Equipment.objects.filter(estate=estate, category__in=list(TEMPLATES)).order_by(
        "code"
    )[:4]:
        checkpoints.append(
            services.checkpoint_save(
                actor=actor,
                estate=estate,
                data={"name": f"{equipment.name}", "place": equipment.location,
                      "equipment": equipment, "require_scan": True},
            )
        )  # fmt: skip
    gate = services.checkpoint_save(
        actor=actor, estate=estate, data={"name": "小区东门岗亭", "place": "东门"}
    )
    CheckItem.objects.create(checkpoint=gate, label="门禁与道闸正常", kind=ItemKind.OK_ABNORMAL)
    CheckItem.objects.create(
        checkpoint=gate, position=1, label="值班记录", kind=ItemKind.TEXT, required=False
    )
    checkpoints.append(gate)
    route = services.route_save(
        actor=actor,
        estate=estate,
        data={"name": "日常设备巡检路线", "enforce_order": False},
        checkpoints=checkpoints,
    )
    plan = services.plan_save(
        actor=actor,
        estate=estate,
        data={
            "name": "设备房每日巡检",
            "route": route,
            "recurrence": Recurrence.DAILY,
            "times": ["09:00", "15:00"],
            "window_minutes": 120,
            "start_date": timezone.localdate(),
            "assignee_role": Role.SECURITY,
        },
        assignees=[],
    )
    created = services.rounds_generate(plans=type(plan).objects.filter(pk=plan.pk))["created"]
    _walked_earlier(plan, checkpoints, estate, rng)
    return len(checkpoints) + 2 + created


def _walked_earlier(plan, checkpoints, estate, rng) -> None:
    """A round walked a moment ago by the estate's inspector: one pump's pressure out of
    range (a finding, and its repair ticket on the board)."""
    inspector = (
        StaffMembership.objects.filter(estate=estate, role=Role.SECURITY)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if inspector is None:
        return
    start = timezone.now() - timedelta(minutes=40)
    round_ = Round.objects.create(
        estate=estate, plan=plan, route=plan.route, window_start=start,
        window_end=start + timedelta(hours=2), role=plan.assignee_role,
    )  # fmt: skip
    abnormal_done = False
    for checkpoint in checkpoints:
        answers = []
        for item in checkpoint.items.all():
            if item.kind == ItemKind.OK_ABNORMAL:
                value = "ok"
            elif item.kind == ItemKind.NUMBER and item.max_value is not None:
                if item.label == "出水压力" and not abnormal_done:
                    value, abnormal_done = str(item.max_value + Decimal("0.15")), True
                else:
                    value = str((item.min_value + item.max_value) / 2)
            elif item.kind == ItemKind.METER:
                value = str(rng.randint(1000, 5000))
            else:
                value = ""
            answers.append(services.AnswerData(item_id=item.pk, value=value))
        services.checkpoint_record(
            round_id=round_.pk, checkpoint=checkpoint, actor=inspector.user, answers=answers,
            method="qr", code=checkpoint.code, taken_at=start + timedelta(minutes=15),
        )  # fmt: skip
    services.round_finish(round_id=round_.pk, actor=inspector.user)
