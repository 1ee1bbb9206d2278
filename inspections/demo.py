"""Demo inspections for `seed_demo`: pump room and fire checkpoints, a route and a daily
plan per estate, made through the services; idempotent (an estate with checkpoints already
is left alone)."""

from decimal import Decimal

from django.utils import timezone

from estates.choices import EquipmentCategory, Role
from estates.models import Equipment, StaffMembership

from . import services
from .choices import ItemKind, Recurrence
from .models import CheckItem, Checkpoint

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
    return len(checkpoints) + 2 + created
