"""Equipment maintenance: plans per equipment or category generate tasks with the shared
engine (once), the technician records the work, a supervisor accepts or sends it back, and
overdue tasks are told once."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.errors import DomainError, TransitionError
from core.models import AuditEvent, Notification
from estates.choices import EquipmentStatus, Role
from estates.selectors import SESSION_KEY
from inspections import services
from inspections.choices import UpkeepRecurrence, UpkeepStatus
from inspections.models import UpkeepPlan, UpkeepTask
from inspections.recurrence import local_zone, plan_dates
from inspections.upkeep_sweep import upkeep_sweep

from ..factories import EquipmentFactory
from .factories import UpkeepPlanFactory, make_task

ZONE = local_zone()


def png(name="work.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _at(d: date, hour=6):
    return datetime(d.year, d.month, d.day, hour, tzinfo=ZONE)


@pytest.mark.django_db
def test_a_category_plan_makes_one_task_per_piece_once(world):
    second = EquipmentFactory(estate=world.estate, category="elevator", code="LIFT-2")
    EquipmentFactory(estate=world.estate, category="elevator", status=EquipmentStatus.SCRAPPED)
    EquipmentFactory(estate=world.estate, category="water_pump")
    EquipmentFactory(estate=world.other_estate, category="elevator")  # another estate's
    plan = UpkeepPlanFactory(estate=world.estate, category="elevator", start_date=date(2026, 3, 1))
    now = _at(date(2026, 3, 1))
    first = services.upkeep_generate(now=now, days_ahead=20)
    # 1 and 16 March, for the two lifts in service.
    assert first == {"plans": 1, "created": 4}
    assert services.upkeep_generate(now=now, days_ahead=20)["created"] == 0
    tasks = UpkeepTask.objects.filter(plan=plan)
    assert set(tasks.values_list("equipment_id", flat=True)) == {world.equipment.pk, second.pk}
    days = sorted({timezone.localtime(t.window_start, ZONE).date() for t in tasks})
    assert days == [date(2026, 3, 1), date(2026, 3, 16)]
    task = tasks.first()
    assert task.window_end - task.window_start == timedelta(days=3)
    assert task.role == Role.TECHNICIAN and task.status == UpkeepStatus.SCHEDULED


@pytest.mark.django_db
def test_the_engine_is_shared_a_round_plan_still_generates_once(world):
    from .factories import CheckpointFactory, PlanFactory, route_with

    route = route_with(world.estate, [CheckpointFactory(estate=world.estate)])
    PlanFactory(route=route, start_date=date(2026, 3, 1))
    now = _at(date(2026, 3, 1), 0)
    assert services.rounds_generate(now=now)["created"] == 2
    assert services.rounds_generate(now=now)["created"] == 0


def test_twice_a_year_counts_from_the_start_day():
    plan = UpkeepPlan(
        recurrence=UpkeepRecurrence.EVERY_N_MONTHS,
        interval_months=6,
        start_date=date(2025, 8, 31),
        estate_id=1,
    )
    got = plan_dates(plan, date(2026, 1, 1), date(2027, 12, 31), set())
    assert got == [date(2026, 2, 28), date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31)]


def _done(**kw):
    values = {"work_done": "更换钢丝绳润滑，检查制动器", "parts": (("润滑油", Decimal("2")),)}
    values.update(kw)
    return services.Completion(**values)


@pytest.mark.django_db
def test_done_then_accepted_by_the_manager(world):
    plan = UpkeepPlanFactory(estate=world.estate, equipment=world.equipment, needs_acceptance=True)
    task = make_task(plan, world.equipment)
    tech, manager = world.staff[Role.TECHNICIAN], world.manager
    services.upkeep_complete(task_id=task.pk, actor=tech, done=_done())
    with pytest.raises(PermissionDenied):  # not a technician's to accept
        services.upkeep_review(task_id=task.pk, actor=tech, accept=True)
    task.refresh_from_db()
    assert task.status == UpkeepStatus.DONE and task.done_by == tech and task.assignee == tech
    assert [(p.name, p.quantity) for p in task.parts.all()] == [("润滑油", Decimal("2.00"))]
    assert Notification.objects.filter(recipient=manager, url=task.get_absolute_url()).exists()
    services.upkeep_review(task_id=task.pk, actor=manager, accept=True)
    task.refresh_from_db()
    assert task.status == UpkeepStatus.ACCEPTED and task.accepted_by == manager
    verbs = list(AuditEvent.objects.filter(object_id=task.pk).values_list("verb", flat=True))
    assert "upkeep_done" in verbs and "upkeep_accepted" in verbs
    with pytest.raises(TransitionError):
        services.upkeep_review(task_id=task.pk, actor=manager, accept=True)


@pytest.mark.django_db
def test_sent_back_with_a_reason_then_redone(world):
    plan = UpkeepPlanFactory(estate=world.estate, equipment=world.equipment, needs_acceptance=True)
    task = make_task(plan, world.equipment)
    tech, manager = world.staff[Role.TECHNICIAN], world.manager
    services.upkeep_complete(task_id=task.pk, actor=tech, done=_done())
    with pytest.raises(DomainError):
        services.upkeep_review(task_id=task.pk, actor=manager, accept=False, note=" ")
    services.upkeep_review(task_id=task.pk, actor=manager, accept=False, note="制动器未调整")
    task.refresh_from_db()
    assert task.status == UpkeepStatus.SENT_BACK and task.review_note == "制动器未调整"
    assert Notification.objects.filter(recipient=tech, url=task.get_absolute_url()).exists()
    services.upkeep_complete(task_id=task.pk, actor=tech, done=_done(parts=()))
    task.refresh_from_db()
    assert task.status == UpkeepStatus.DONE and task.parts.count() == 0


@pytest.mark.django_db
def test_without_acceptance_done_is_final_and_outsourced_needs_a_contractor(world):
    plan = UpkeepPlanFactory(estate=world.estate, equipment=world.equipment)
    task = make_task(plan, world.equipment)
    tech = world.staff[Role.TECHNICIAN]
    with pytest.raises(DomainError):
        services.upkeep_complete(task_id=task.pk, actor=tech, done=_done(outsourced=True))
    services.upkeep_complete(
        task_id=task.pk, actor=tech, done=_done(outsourced=True, contractor="奥的斯维保")
    )
    task.refresh_from_db()
    assert task.contractor == "奥的斯维保"
    with pytest.raises(TransitionError):
        services.upkeep_review(task_id=task.pk, actor=world.manager, accept=True)


@pytest.mark.django_db
def test_an_overdue_task_is_told_once(world):
    plan = UpkeepPlanFactory(estate=world.estate, equipment=world.equipment)
    now = timezone.now()
    overdue = make_task(plan, world.equipment, start=now - timedelta(days=4))
    make_task(plan, world.equipment, start=now - timedelta(days=1))  # not due yet
    done = make_task(
        plan, world.equipment, start=now - timedelta(days=10), status=UpkeepStatus.DONE
    )
    first = upkeep_sweep(now)
    assert first["overdue"] == 1
    assert upkeep_sweep(now) == {"overdue": 0, "notifications": 0}
    told = Notification.objects.filter(url=overdue.get_absolute_url())
    recipients = set(told.values_list("recipient_id", flat=True))
    assert recipients == {world.staff[Role.TECHNICIAN].pk, world.manager.pk}
    assert first["notifications"] == 2
    assert not Notification.objects.filter(url=done.get_absolute_url()).exists()


@pytest.mark.django_db
def test_the_task_page_shows_the_warranty_and_records_the_work_with_photos(world, login):
    world.equipment.supplier, world.equipment.warranty_end = "奥的斯电梯", date(2030, 6, 30)
    world.equipment.save()
    plan = UpkeepPlanFactory(estate=world.estate, equipment=world.equipment)
    task = make_task(plan, world.equipment)
    client = login(world.staff[Role.TECHNICIAN])
    page = client.get(task.get_absolute_url()).content.decode()
    assert "奥的斯电梯" in page and "2030" in page and 'data-testid="complete-form"' in page
    url = reverse(
        "inspections:upkeep_task_step",
        kwargs={"upkeep_task_pk": task.pk, "upkeep_step": "complete"},
    )
    response = client.post(
        url,
        {
            "work_done": "保养完成",
            "parts_text": "润滑油, 2\n保险丝",
            "photos": [png(), png("b.png")],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == UpkeepStatus.DONE
    assert sorted(p.name for p in task.parts.all()) == ["保险丝", "润滑油"]
    photo = task.photos.first()
    assert task.photos.count() == 2 and photo.content_type == "image/png"
    served = client.get(
        reverse(
            "inspections:upkeep_photo",
            kwargs={"upkeep_task_pk": task.pk, "upkeep_photo_pk": photo.pk},
        )
    )
    assert served.status_code == 200
    # The equipment's page lists the maintenance in its history panel.
    page = login(world.manager).get(world.equipment.get_absolute_url()).content.decode()
    assert 'data-testid="upkeep-history"' in page and plan.name in page


@pytest.mark.django_db
def test_the_plan_page_creates_a_category_plan_and_schedules_its_tasks(world, login):
    client = login(world.manager)
    session = client.session
    session[SESSION_KEY] = world.estate.pk
    session.save()
    response = client.post(
        reverse("inspections:upkeep_plan_create"),
        {
            "name": "消防泵月度试运行",
            "category": "elevator",
            "recurrence": UpkeepRecurrence.MONTHLY_DAY,
            "times_text": "09:00",
            "interval_days": 15,
            "interval_months": 6,
            "month_day": timezone.localdate().day,
            "window_days": 3,
            "start_date": timezone.localdate().isoformat(),
            "assignee_role": Role.TECHNICIAN,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = UpkeepPlan.objects.get(name="消防泵月度试运行")
    assert plan.tasks.filter(equipment=world.equipment).count() == 1
    both = client.post(
        reverse("inspections:upkeep_plan_create"),
        {"name": "x", "category": "elevator", "equipment": world.equipment.pk},
    )
    assert "Choose one piece of equipment or a category." in both.content.decode()
