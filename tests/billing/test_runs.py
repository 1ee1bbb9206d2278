"""Fee standards and bill runs: versions in force, applicability, proration by move-in
date, the preview against last month, issuing (charges, owners told) and idempotency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from billing import services
from billing.choices import BillStatus, EntryKind, FeeKind, Method, RunStatus
from billing.models import Bill, BillLine, BillRun, LedgerEntry, Usage
from billing.selectors import run_preview, standards_in_force
from core.errors import DomainError, TransitionError
from core.models import Notification
from estates.choices import Role, UnitKind

from ..factories import BuildingFactory, OccupancyFactory, PersonFactory, UnitFactory
from .factories import FeeItemFactory, issued_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(world):
    return world.staff[Role.FINANCE]


@pytest.fixture
def standards(world, finance):
    prop = FeeItemFactory(name="物业费", kind=FeeKind.PROPERTY)
    garbage = FeeItemFactory(name="垃圾处理费", kind=FeeKind.GARBAGE)
    water = FeeItemFactory(name="水费", kind=FeeKind.WATER)
    first = dt.date(2026, 1, 1)
    made = {
        "property": services.standard_create(
            estate=world.estate,
            fee_item=prop,
            method=Method.PER_AREA,
            price=Decimal("2.80"),
            effective_from=first,
            actor=finance,
            unit_kinds=[UnitKind.RESIDENTIAL],
        ),
        "garbage": services.standard_create(
            estate=world.estate,
            fee_item=garbage,
            method=Method.FIXED,
            price=Decimal("10"),
            effective_from=first,
            actor=finance,
        ),
        "water": services.standard_create(
            estate=world.estate,
            fee_item=water,
            method=Method.METERED,
            price=Decimal("3.50"),
            effective_from=first,
            actor=finance,
            tiers=[(Decimal("15"), Decimal("3.50")), (None, Decimal("4.55"))],
        ),
    }
    return made


def test_a_change_is_a_new_version_and_the_one_in_force_depends_on_the_day(
    world, finance, standards
):
    old = standards["property"]
    new = services.standard_revise(
        standard=old,
        actor=finance,
        reason="物价调整",
        method=Method.PER_AREA,
        price=Decimal("3.10"),
        effective_from=dt.date(2026, 12, 1),
        unit_kinds=[UnitKind.RESIDENTIAL],
    )
    old.refresh_from_db()
    assert old.price == Decimal("2.80")  # never edited
    assert (new.version, new.previous_id, new.reason) == (2, old.pk, "物价调整")
    in_nov = {s.fee_item.name: s for s in standards_in_force(world.estate, dt.date(2026, 11, 30))}
    in_dec = {s.fee_item.name: s for s in standards_in_force(world.estate, dt.date(2026, 12, 1))}
    assert in_nov["物业费"].pk == old.pk and in_dec["物业费"].pk == new.pk
    with pytest.raises(DomainError):  # a second version from the old one: stale
        services.standard_revise(
            standard=old,
            actor=finance,
            reason="x",
            method=Method.PER_AREA,
            price=Decimal("1"),
            effective_from=dt.date(2027, 1, 1),
        )
    with pytest.raises(DomainError):  # a change needs its reason
        services.standard_revise(
            standard=new,
            actor=finance,
            reason=" ",
            method=Method.PER_AREA,
            price=Decimal("1"),
            effective_from=dt.date(2027, 1, 1),
        )


def test_customer_service_may_not_set_standards(world):
    with pytest.raises(PermissionDenied):
        services.standard_create(
            estate=world.estate,
            fee_item=FeeItemFactory(),
            method=Method.FIXED,
            price=Decimal("1"),
            effective_from=dt.date(2026, 1, 1),
            actor=world.staff[Role.CUSTOMER_SERVICE],
        )


def _run(world, finance, period="2026-11"):
    run = services.bill_run_start(estate=world.estate, period=period, actor=finance)
    run.refresh_from_db()  # computed by the (eager) task after the commit
    return run


def test_run_computes_prorated_drafts_with_explanations(
    world, finance, standards, django_capture_on_commit_callbacks
):
    # A second unit whose owner moved in on 14 November: 17 of 30 days.
    late = UnitFactory(building=world.building, area=Decimal("100.00"))
    OccupancyFactory(
        unit=late,
        person=PersonFactory(registered_estate=world.estate),
        start_date=dt.date(2026, 11, 14),
    )
    parking = UnitFactory(building=world.building, kind=UnitKind.PARKING, area=Decimal("12"))
    OccupancyFactory(unit=parking, person=world.owner_person)
    Usage.objects.create(
        unit=world.unit,
        fee_item=standards["water"].fee_item,
        period="2026-11",
        quantity=Decimal("20"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.bill_run_start(estate=world.estate, period="2026-11", actor=finance)
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED
    assert run.unit_count == 3 and run.computed_count == 3
    mine = Bill.objects.get(unit=world.unit, period="2026-11")
    amounts = {line.fee_item.name: line.amount for line in mine.lines.select_related("fee_item")}
    # 89.50 × 2.80 = 250.60; 10.00; water 15 × 3.50 + 5 × 4.55 = 75.25
    assert amounts == {
        "物业费": Decimal("250.60"),
        "垃圾处理费": Decimal("10.00"),
        "水费": Decimal("75.25"),
    }
    assert mine.total == Decimal("335.85") and mine.status == BillStatus.DRAFT
    later = Bill.objects.get(unit=late)
    late_lines = {line.fee_item.name: line for line in later.lines.select_related("fee_item")}
    assert late_lines["物业费"].amount == Decimal("158.67")  # 100 × 2.80 × 17/30 = 158.666…
    assert str(late_lines["物业费"].explanation) == "100.00 m² × ¥2.80 × 17/30 days"
    assert late_lines["垃圾处理费"].amount == Decimal("5.67")  # 10 × 17/30
    # The parking space is not residential: no property fee, but the fixed fee applies.
    assert set(Bill.objects.get(unit=parking).lines.values_list("fee_item__name", flat=True)) == {
        "垃圾处理费"
    }
    assert not LedgerEntry.objects.exists()  # drafts charge nothing


def test_preview_totals_and_difference_from_last_month(
    world, finance, standards, django_capture_on_commit_callbacks
):
    issued_bill(world.unit, "2026-10", "240.00", item=standards["property"].fee_item)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.bill_run_start(estate=world.estate, period="2026-11", actor=finance)
    preview = run_preview(run)
    rows = {r["name"]: r for r in preview["rows"]}
    assert rows["物业费"]["amount"] == Decimal("250.60")
    assert rows["物业费"]["last"] == Decimal("240.00")
    assert rows["物业费"]["difference"] == Decimal("10.60")
    assert preview["total"] == Decimal("260.60")  # no water usage: no water line


def test_issue_charges_accounts_notifies_owners_and_running_again_creates_nothing(
    world, finance, standards, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.bill_run_start(estate=world.estate, period="2026-11", actor=finance)
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_run_issue(run_id=run.pk, actor=finance)
    run.refresh_from_db()
    assert run.status == RunStatus.ISSUED and run.issued_count == 1
    bill = Bill.objects.get(unit=world.unit)
    assert bill.status == BillStatus.ISSUED and bill.due_date is not None
    charge = LedgerEntry.objects.get(bill=bill)
    assert (charge.kind, charge.amount) == (EntryKind.CHARGE, Decimal("260.60"))
    note = Notification.objects.get(recipient=world.owner)
    assert "2026-11" in str(note.title)
    counts = (Bill.objects.count(), BillLine.objects.count(), LedgerEntry.objects.count())
    # Again: the same period, the tasks redelivered, a second monthly tick.
    assert (
        services.bill_run_start(estate=world.estate, period="2026-11", actor=finance).pk == run.pk
    )
    services.bill_run_compute(run_id=run.pk)
    services.bill_run_issue_batches(run_id=run.pk)
    from billing.services.runs import compute_batch

    compute_batch(
        run,
        standards_in_force(world.estate, dt.date(2026, 11, 1)),
        [
            {
                "id": world.unit.pk,
                "building_id": world.building.pk,
                "kind": "residential",
                "area": Decimal("89.50"),
            }
        ],
    )
    assert (Bill.objects.count(), BillLine.objects.count(), LedgerEntry.objects.count()) == counts
    assert Notification.objects.filter(recipient=world.owner).count() == 1
    with pytest.raises(TransitionError):
        services.bill_run_issue(run_id=run.pk, actor=finance)


def test_prepaid_balance_is_drawn_by_the_next_bills(
    world, finance, standards, django_capture_on_commit_callbacks
):
    services.payment_record(
        unit=world.unit, amount="500", channel="cash", idempotency_key="pre", actor=finance
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.bill_run_start(estate=world.estate, period="2026-11", actor=finance)
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_run_issue(run_id=run.pk, actor=finance)
    bill = Bill.objects.get(unit=world.unit)
    assert bill.status == BillStatus.PAID and bill.paid == Decimal("260.60")
    from billing.selectors import balance, prepaid

    assert prepaid(world.unit) == Decimal("239.40")
    assert balance(world.unit) == Decimal("-239.40")


def test_only_finance_and_managers_run_bills(world, standards):
    with pytest.raises(PermissionDenied):
        services.bill_run_start(
            estate=world.estate, period="2026-11", actor=world.staff[Role.CUSTOMER_SERVICE]
        )
    with pytest.raises(DomainError):
        services.bill_run_start(
            estate=world.estate, period="2026-13", actor=world.staff[Role.MANAGER]
        )
    assert not BillRun.objects.exists()


def test_buildings_limit_where_a_standard_applies(world, finance):
    other = BuildingFactory(estate=world.estate, name="9栋")
    there = UnitFactory(building=other)
    OccupancyFactory(unit=there, person=PersonFactory(registered_estate=world.estate))
    item = FeeItemFactory(name="电梯费", kind=FeeKind.SHARED)
    services.standard_create(
        estate=world.estate,
        fee_item=item,
        method=Method.FIXED,
        price=Decimal("20"),
        effective_from=dt.date(2026, 1, 1),
        actor=finance,
        buildings=[other],
    )
    run = BillRun.objects.create(estate=world.estate, period="2026-11")
    services.bill_run_compute(run_id=run.pk)
    assert list(Bill.objects.values_list("unit_id", flat=True)) == [there.pk]


def test_move_out_prorates_and_a_unit_without_owner_on_record_pays_the_month(
    world, finance, standards
):
    gone = UnitFactory(building=world.building, area=Decimal("100.00"))
    OccupancyFactory(
        unit=gone, person=PersonFactory(registered_estate=world.estate),
        start_date=dt.date(2020, 1, 1), end_date=dt.date(2026, 11, 10),
    )  # fmt: skip
    unregistered = UnitFactory(building=world.building, area=Decimal("100.00"))
    run = BillRun.objects.create(estate=world.estate, period="2026-11")
    services.bill_run_compute(run_id=run.pk)
    fee = {
        unit: Bill.objects.get(unit=unit).lines.get(fee_item__name="物业费").amount
        for unit in (gone, unregistered)
    }
    assert fee[gone] == Decimal("93.33")  # 100 × 2.80 × 10/30 = 93.333…
    assert fee[unregistered] == Decimal("280.00")


def test_a_run_that_fails_says_so_and_may_be_computed_again(
    world, finance, standards, monkeypatch, django_capture_on_commit_callbacks
):
    run = BillRun.objects.create(estate=world.estate, period="2026-11")

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("billing.services.runs.compute_batch", broken)
    with pytest.raises(RuntimeError):
        services.bill_run_compute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "database went away" in run.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_run_recompute(run_id=run.pk, actor=finance)
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED
    assert Bill.objects.filter(run=run).count() == 1
