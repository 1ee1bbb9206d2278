"""Rounds: generation (idempotent), recording checkpoints (scan proof, meters, replays,
conflicts), findings that open a repair ticket and close only when the item passes."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from core.errors import DomainError
from estates.choices import Role
from inspections import services
from inspections.choices import FindingStatus, ItemKind, RoundStatus, ScanMethod
from inspections.models import Answer, Finding, Round
from maintenance.choices import Channel
from maintenance.models import Ticket

from ..factories import EquipmentFactory, UserFactory
from .factories import CheckItemFactory, PlanFactory, make_round, pump_setup

SH = ZoneInfo("Asia/Shanghai")


def A(item, value, key=""):
    return services.AnswerData(item_id=item.pk, value=value, idempotency_key=key)


@pytest.mark.django_db
def test_generation_a_day_ahead_is_idempotent(world):
    plan = PlanFactory(route__estate=world.estate, times=["08:00", "20:00"])
    now = datetime(2026, 12, 2, 10, 0, tzinfo=SH)  # 08:00 today has closed at 10:00
    first = services.rounds_generate(now=now)
    again = services.rounds_generate(now=now)
    assert first["created"] == 3 and again["created"] == 0
    starts = sorted(r.window_start.astimezone(SH) for r in Round.objects.filter(plan=plan))
    assert [s.strftime("%d %H:%M") for s in starts] == ["02 20:00", "03 08:00", "03 20:00"]


@pytest.mark.django_db
def test_generation_skips_inactive_and_ended_plans(world):
    PlanFactory(route__estate=world.estate, is_active=False)
    PlanFactory(route__estate=world.estate, end_date=date(2026, 11, 30))
    now = datetime(2026, 12, 2, 7, 0, tzinfo=SH)
    assert services.rounds_generate(now=now)["created"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_create_each_round_once(world):
    for _ in range(5):
        PlanFactory(route__estate=world.estate, times=["09:00", "13:00", "17:00"])
    now = datetime(2026, 12, 2, 7, 0, tzinfo=SH)
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(services.rounds_generate(now=now)["created"])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Round.objects.count() == 5 * 6
    assert sum(results) == 30  # exact counts: each round was created by one of them


@pytest.mark.django_db
def test_an_abnormal_value_opens_a_ticket_linked_both_ways_and_closes_when_it_passes(world):
    inspector = world.staff[Role.SECURITY]
    equipment = EquipmentFactory(estate=world.estate, category="water_pump", name="2号生活水泵")
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, equipment=equipment)
    created, findings = services.checkpoint_record(
        round_id=round_.pk,
        checkpoint=checkpoint,
        actor=inspector,
        answers=[A(pressure, "0.72", "k1"), A(noise, "ok", "k2")],
    )
    assert [a.abnormal for a in created] == [True, False]
    (finding,) = findings
    ticket = finding.ticket
    assert ticket.channel == Channel.SYSTEM and ticket.equipment == equipment
    assert ticket.source_url == round_.get_absolute_url()
    assert "0.72" in ticket.description and "出水压力" in ticket.description
    round_.refresh_from_db()
    assert round_.status == RoundStatus.IN_PROGRESS and round_.assignee == inspector

    # Still abnormal on the next round: the same finding, no second ticket.
    second = make_round(round_.plan, start=timezone.now() - timedelta(minutes=5))
    services.checkpoint_record(
        round_id=second.pk, checkpoint=checkpoint, actor=inspector,
        answers=[A(pressure, "0.70"), A(noise, "ok")],
    )  # fmt: skip
    assert Ticket.objects.count() == 1
    assert Finding.objects.get().status == FindingStatus.OPEN
    # It passes: the finding closes, by that answer.
    third = make_round(round_.plan, start=timezone.now() - timedelta(minutes=1))
    passed, _ = services.checkpoint_record(
        round_id=third.pk, checkpoint=checkpoint, actor=inspector,
        answers=[A(pressure, "0.45"), A(noise, "ok")],
    )  # fmt: skip
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_by == passed[0]


@pytest.mark.django_db
def test_a_replayed_offline_submission_records_once(world):
    inspector = world.staff[Role.SECURITY]
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    taken = timezone.now() - timedelta(minutes=7)
    answers = [A(pressure, "0.8", "key-1"), A(noise, "abnormal", "key-2")]
    for _ in range(2):
        services.checkpoint_record(
            round_id=round_.pk, checkpoint=checkpoint, actor=inspector,
            answers=answers, taken_at=taken,
        )  # fmt: skip
    assert Answer.objects.count() == 2
    assert set(Answer.objects.values_list("taken_at", flat=True)) == {taken}
    assert Finding.objects.count() == 2 and Ticket.objects.count() == 2


@pytest.mark.django_db
def test_proof_by_scan_refuses_a_checkpoint_not_scanned(world):
    inspector = world.staff[Role.SECURITY]
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, require_scan=True)
    answers = [A(pressure, "0.4"), A(noise, "ok")]
    for method, code in [(ScanMethod.NONE, ""), (ScanMethod.TYPED, checkpoint.code),
                         (ScanMethod.QR, "WRONG")]:  # fmt: skip
        with pytest.raises(DomainError, match="needs proof"):
            services.checkpoint_record(
                round_id=round_.pk, checkpoint=checkpoint, actor=inspector,
                answers=answers, method=method, code=code,
            )  # fmt: skip
    assert Answer.objects.count() == 0
    services.checkpoint_record(
        round_id=round_.pk, checkpoint=checkpoint, actor=inspector,
        answers=answers, method=ScanMethod.QR, code=checkpoint.code,
    )  # fmt: skip
    visit = round_.visits.get()
    assert visit.method == ScanMethod.QR and visit.by == inspector


@pytest.mark.django_db
def test_a_meter_reading_must_not_go_down_and_required_items_are_required(world):
    inspector = world.staff[Role.SECURITY]
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    meter = CheckItemFactory(
        checkpoint=checkpoint, position=2, label="电表", kind=ItemKind.METER,
        unit="kWh", min_value=None, max_value=None,
    )  # fmt: skip
    services.checkpoint_record(
        round_id=round_.pk, checkpoint=checkpoint, actor=inspector,
        answers=[A(pressure, "0.4"), A(noise, "ok"), A(meter, "1200.5")],
    )  # fmt: skip
    nxt = make_round(round_.plan, start=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        services.checkpoint_record(
            round_id=nxt.pk, checkpoint=checkpoint, actor=inspector,
            answers=[A(pressure, "0.4"), A(meter, "1100")],
        )  # fmt: skip
    text = " ".join(exc.value.messages)
    assert "does not go down" in text and "运行声音: an answer is required" in text
    created, _ = services.checkpoint_record(
        round_id=nxt.pk, checkpoint=checkpoint, actor=inspector,
        answers=[A(pressure, "0.4"), A(noise, "ok"), A(meter, "1300")],
    )  # fmt: skip
    assert created[2].number == Decimal("1300")


@pytest.mark.django_db
def test_a_round_given_to_someone_else_meanwhile_refuses_visibly(world):
    inspector = world.staff[Role.SECURITY]
    other = UserFactory(username="jxy-security-2")
    from ..factories import MembershipFactory

    MembershipFactory(user=other, estate=world.estate, role=Role.SECURITY)
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    services.round_assign(round_id=round_.pk, assignee=other, actor=world.manager)
    with pytest.raises(services.RoundConflict, match="was given to"):
        services.checkpoint_record(
            round_id=round_.pk, checkpoint=checkpoint, actor=inspector,
            answers=[A(pressure, "0.4"), A(noise, "ok")],
        )  # fmt: skip
    # Customer service may look, not walk; finance has no business here.
    with pytest.raises(PermissionDenied):
        services.round_start(round_id=round_.pk, actor=world.staff[Role.CUSTOMER_SERVICE])
    with pytest.raises(Round.DoesNotExist):
        services.round_start(round_id=round_.pk, actor=world.other_manager)


@pytest.mark.django_db
def test_finishing_in_the_window_is_done_after_it_late(world):
    inspector = world.staff[Role.SECURITY]
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    with pytest.raises(DomainError, match="Still to do"):
        services.round_start(round_id=round_.pk, actor=inspector)
        services.round_finish(round_id=round_.pk, actor=inspector)
    services.checkpoint_record(
        round_id=round_.pk, checkpoint=checkpoint, actor=inspector,
        answers=[A(pressure, "0.4"), A(noise, "ok")],
    )  # fmt: skip
    assert services.round_finish(round_id=round_.pk, actor=inspector).status == RoundStatus.DONE
    late = make_round(
        round_.plan, start=timezone.now() - timedelta(hours=3), status=RoundStatus.IN_PROGRESS
    )
    services.checkpoint_record(
        round_id=late.pk, checkpoint=checkpoint, actor=inspector,
        answers=[A(pressure, "0.4"), A(noise, "ok")],
    )  # fmt: skip
    assert services.round_finish(round_id=late.pk, actor=inspector).status == RoundStatus.LATE


@pytest.mark.django_db
def test_changing_a_plans_times_withdraws_its_stale_rounds_not_started_ones(world):
    plan = PlanFactory(route__estate=world.estate, times=["08:00", "20:00"])
    now = timezone.now()
    services.rounds_generate(now=now)
    before = Round.objects.filter(plan=plan, window_start__gt=now).count()
    assert before >= 2
    data = {"times": ["10:00"]}
    services.plan_save(actor=world.manager, estate=world.estate, data=data, assignees=[],
                       plan=plan)  # fmt: skip
    services.rounds_generate(now=now)
    future = Round.objects.filter(plan=plan, window_start__gt=now)
    local_times = {r.window_start.astimezone(SH).strftime("%H:%M") for r in future}
    assert local_times == {"10:00"}
    # Stopping the plan withdraws what is left of it.
    services.plan_save(actor=world.manager, estate=world.estate, data={"is_active": False},
                       assignees=[], plan=plan)  # fmt: skip
    assert not Round.objects.filter(plan=plan, window_start__gt=now).exists()
