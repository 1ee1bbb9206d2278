"""Demo complaints for `seed_demo` (idempotent: an estate that has some gets none)."""

from datetime import timedelta

from django.utils import timezone

from estates.models import Occupancy

from .choices import Category, Cause, Channel, Kind, Status
from .models import Complaint
from .services.intake import default_responsible

TEXTS = {
    Category.NOISE: "楼上装修噪音太大，晚上十点后还在施工。",
    Category.CLEANLINESS: "单元门口垃圾桶满了两天没人清理。",
    Category.PARKING: "地下车库我的车位经常被外来车辆占用。",
    Category.SERVICE_ATTITUDE: "前台客服接电话态度不耐烦。",
    Category.SECURITY: "小区东门晚上门禁经常不关。",
    Category.GREENING: "建议在儿童游乐区多种一些树遮阴。",
}


def seed_complaints(estate, *, rng) -> int:
    if Complaint.objects.filter(estate=estate).exists():
        return 0
    occupancies = list(
        Occupancy.objects.current()
        .filter(unit__estate=estate)
        .select_related("person", "unit")[:40]
    )
    if not occupancies:
        return 0
    responsible = default_responsible(estate)
    now = timezone.now()
    rows = []
    categories = list(TEXTS)
    for i in range(24):
        occ = rng.choice(occupancies)
        category = rng.choice(categories)
        filed = now - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23))
        status = rng.choice([Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS,
                             Status.RESOLVED, Status.CLOSED, Status.CLOSED])  # fmt: skip
        done = status in (Status.RESOLVED, Status.CLOSED)
        rows.append(
            Complaint(
                estate=estate,
                kind=Kind.SUGGESTION if category == Category.GREENING else Kind.COMPLAINT,
                channel=rng.choice([Channel.PORTAL, Channel.PHONE, Channel.WECHAT]),
                category=category,
                unit=occ.unit,
                building_id=occ.unit.building_id,
                description=TEXTS[category],
                complainant=occ.person,
                contact_name=occ.person.name,
                contact_phone=occ.person.mobile,
                anonymous=i % 7 == 0,
                responsible=responsible,
                status=status,
                filed_at=filed,
                acknowledge_due=filed + timedelta(hours=4),
                resolve_due=filed + timedelta(days=3),
                acknowledged_at=filed + timedelta(hours=1) if status != Status.NEW else None,
                resolved_at=filed + timedelta(days=1) if done else None,
                closed_at=filed + timedelta(days=2) if status == Status.CLOSED else None,
                resolution="已上门沟通处理。" if done else "",
                cause=rng.choice(Cause.values) if done else "",
                rating=rng.randint(3, 5) if status == Status.CLOSED else None,
                acknowledge_escalated=status == Status.NEW and filed < now - timedelta(hours=4),
                acknowledge_warned=status == Status.NEW and filed < now - timedelta(hours=4),
                resolve_escalated=not done and filed < now - timedelta(days=3),
                resolve_warned=not done and filed < now - timedelta(days=3),
            )
        )
    Complaint.objects.bulk_create(rows)
    return len(rows) + _seed_notices(estate, now)


def _seed_notices(estate, now) -> int:
    from estates.models import Building

    from .models import Notice

    notices = [
        Notice.objects.create(
            estate=estate,
            title="小区停水通知",
            body="因市政管网维修，本周六 9:00-12:00 全小区停水，请提前储水。",
            publish_at=now - timedelta(days=1),
            expires_at=now + timedelta(days=5),
        ),
        Notice.objects.create(
            estate=estate,
            title="电梯年检",
            body="下周二上午电梯年检，期间电梯暂停使用，给您带来不便敬请谅解。",
            publish_at=now - timedelta(hours=2),
        ),
    ]
    building = Building.objects.filter(estate=estate).order_by("name").first()
    if building is not None:
        notices[1].buildings.set([building])
    return len(notices)
