"""Demo repair tickets for `seed_demo`: a believable mix of states, made through the real
services (so timelines, deadlines and notifications are what staff would see)."""

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from estates.choices import Role
from estates.models import Occupancy, StaffMembership

from . import services
from .board_cache import estates_changed
from .choices import Category, Channel, FollowUpMethod, PauseReason, Priority
from .models import Ticket

REPORTS = [
    (Category.PLUMBING, "厨房水槽下水管漏水，地面有积水"),
    (Category.ELECTRICAL, "客厅插座没电，空气开关跳闸后合不上"),
    (Category.DOORS_WINDOWS, "卧室窗户关不严，把手松动"),
    (Category.PLUMBING, "卫生间马桶一直流水"),
    (Category.CIVIL, "阳台天花板有水渍，墙皮脱落"),
    (Category.HVAC, "地暖不热，分水器阀门可能坏了"),
    (Category.ELECTRICAL, "楼道感应灯不亮"),
    (Category.DOORS_WINDOWS, "入户门锁芯卡住，钥匙难以转动"),
]
COMMON = [
    (Category.ELEVATOR, "电梯运行时有异响，停靠不平层"),
    (Category.PUBLIC_FACILITY, "单元门禁刷卡无反应"),
    (Category.PUBLIC_FACILITY, "小区健身器材螺丝松动"),
]


def _png() -> ContentFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="demo.png")


def _desk_and_technicians(estate):
    """(customer service, manager, technicians) of the estate."""
    staff = {
        m.role: m.user
        for m in StaffMembership.objects.filter(estate=estate)
        .select_related("user")
        .order_by("user__username")
    }
    technicians = [
        m.user
        for m in StaffMembership.objects.filter(estate=estate, role=Role.TECHNICIAN)
        .select_related("user")
        .order_by("user__username")
    ]
    return staff.get(Role.CUSTOMER_SERVICE), staff.get(Role.MANAGER), technicians


def _report_at_home(n, *, estate, owners, residents, cs, rng):
    """Ticket `n`: reported by an owner in the portal while there are owners with a login,
    then recorded by customer service for a resident's call. Returns (ticket, owner's user)."""
    category, text = REPORTS[n % len(REPORTS)]
    if n < len(owners):
        occupancy = owners[n]
        data = services.ReportData(category=category, description=text, unit=occupancy.unit)
        user = occupancy.person.user
        return services.ticket_report_by_owner(actor=user, data=data, photos=[_png()]), user
    occupancy = residents[n % len(residents)]
    priority = Priority.EMERGENCY if n == 5 else Priority.NORMAL
    data = services.ReportData(
        category=category, description=text, unit=occupancy.unit, priority=priority
    )
    ticket = services.ticket_report_by_staff(
        actor=cs,
        estate=estate,
        data=data,
        reporter=occupancy.person,
        channel=rng.choice([Channel.PHONE, Channel.WALK_IN, Channel.WECHAT]),
    )
    return ticket, None


def _report_common_areas(estate, *, cs):
    for category, text in COMMON:
        equipment = estate.equipment.filter(
            category="elevator" if category == Category.ELEVATOR else "access_gate"
        ).first()
        data = services.ReportData(
            category=category,
            description=text,
            equipment=equipment,
            location="" if equipment else "小区中心花园",
        )
        yield services.ticket_report_by_staff(
            actor=cs, estate=estate, data=data, channel=Channel.STAFF
        )


def seed_tickets(estate, *, rng: random.Random) -> int:
    """Create demo tickets for `estate` unless it already has some. Returns how many."""
    if Ticket.objects.filter(estate=estate).exists():
        return 0
    cs, manager, technicians = _desk_and_technicians(estate)
    if not (cs and manager and technicians):
        return 0
    StaffMembership.objects.filter(estate=estate, user=technicians[0]).update(on_duty=True)
    owners = list(
        Occupancy.objects.current()
        .filter(unit__estate=estate, person__user__isnull=False)
        .select_related("person__user", "unit__estate")
    )
    residents = list(
        Occupancy.objects.current()
        .filter(unit__estate=estate)
        .select_related("person", "unit__building")[:40]
    )
    created = 0
    # How far each demo ticket goes: 0 reported ... 9 closed.
    stages = [0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 7, 8, 8, 9, 9, 9, 2, 1, 4, 9]
    for n, stage in enumerate(stages):
        ticket, owner_user = _report_at_home(
            n, estate=estate, owners=owners, residents=residents, cs=cs, rng=rng
        )
        created += 1
        _advance(
            ticket,
            stage,
            cs=cs,
            manager=manager,
            technician=technicians[n % len(technicians)],
            owner_user=owner_user,
            rng=rng,
        )
    for ticket in _report_common_areas(estate, cs=cs):
        _advance(
            ticket, 2, cs=cs, manager=manager, technician=technicians[-1], owner_user=None, rng=rng
        )
        created += 1
    # Make some deadlines already past, so the board shows overdue work after the first sweep.
    past = timezone.now() - timedelta(hours=3)
    Ticket.objects.filter(estate=estate, status="dispatched").update(
        onsite_due=past, reported_at=past - timedelta(hours=1)
    )
    estates_changed([estate.pk])
    return created


def _advance(ticket, stage, *, cs, manager, technician, owner_user, rng):
    steps = [
        lambda t: services.ticket_register(ticket_id=t.pk, actor=cs),
        lambda t: services.ticket_dispatch(ticket_id=t.pk, actor=cs, technician=technician),
        lambda t: services.ticket_accept(ticket_id=t.pk, actor=technician),
        lambda t: services.ticket_arrive(ticket_id=t.pk, actor=technician),
        lambda t: services.ticket_start_repair(ticket_id=t.pk, actor=technician),
        lambda t: services.ticket_complete(
            ticket_id=t.pk,
            actor=technician,
            work_done="已更换损坏部件并测试正常",
            materials=[services.MaterialLine("配件", Decimal("1"), Decimal("35.50"))],
            labour_hours=Decimal("1.5"),
            labour_amount=Decimal("50.00"),
            chargeable=ticket.unit_id is not None,
            after_photos=[_png()],
        ),
        lambda t: services.ticket_verify(ticket_id=t.pk, actor=cs, passed=True),
        lambda t: services.ticket_follow_up(
            ticket_id=t.pk,
            actor=cs,
            method=FollowUpMethod.CALL,
            rating=rng.choice([4, 5, 5, 3]),
            comment="业主表示满意",
        ),
        lambda t: services.ticket_close(ticket_id=t.pk, actor=manager),
    ]
    if stage == 5:  # one waits for parts instead of going on
        for step in steps[:5]:
            step(ticket)
        services.ticket_pause(
            ticket_id=ticket.pk, actor=technician, reason=PauseReason.PARTS, note="等待厂家配件"
        )
        return
    for step in steps[:stage]:
        step(ticket)
