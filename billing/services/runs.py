"""Bill runs (bill_run_*): the bills of every unit of an estate for one month, computed in
batches by a Celery task (draft bills: the preview), then issued in batches (charges on
the units' accounts, owners told after the commit).

Idempotent: a bill is UNIQUE per (unit, period) and a line per (unit, period, fee item);
rows are written with bulk INSERTs that skip what exists, so a run computed or issued again
(a redelivered task, a second beat tick) creates nothing twice."""

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from core.money import money_sum
from estates.choices import OccupancyRole
from estates.models import Occupancy, Unit
from estates.permissions import require

from .. import permissions as P
from ..bulk import insert_new
from ..choices import BillStatus, EntryKind, Method, RunStatus
from ..compute import covered_days, metered_line, parking_spaces, period_bounds, periodic_line
from ..models import Bill, BillLine, BillRun, LedgerEntry, UnitBillingProfile, Usage
from ..selectors import standards_in_force
from ..transitions import BILL, RUN, check
from .ledger import account_lock as _account_lock
from .ledger import accounts_ensure, allocate
from .notices import notify_bills_issued
from .repairs import repair_charges_post_for_run

BATCH = 5000
DUE_DAYS = 15


def bill_run_start(*, estate, period: str, actor) -> BillRun:
    """A run for `estate` and `period` ("YYYY-MM"), computed by a task after the commit.
    The same period again: the existing run (nothing is created twice)."""
    if actor is not None:
        require(actor, P.RUN, estate)
    try:
        period_bounds(period)
    except (ValueError, TypeError):
        raise DomainError(_("A period is a month: YYYY-MM.")) from None
    with transaction.atomic():
        run = BillRun.objects.filter(estate=estate, period=period).first()
        if run is not None:
            return run
        try:
            with transaction.atomic():
                run = BillRun.objects.create(estate=estate, period=period, started_by=actor)
        except IntegrityError:
            return BillRun.objects.get(estate=estate, period=period)
        record_event(run, actor=actor, verb="bill_run_started", changes={"period": period})
        _queue(run, "compute")
    return run


def _queue(run, step):
    from .. import tasks

    task = tasks.bill_run_compute if step == "compute" else tasks.bill_run_issue_batches
    transaction.on_commit(lambda: task.delay(run.pk))


def bill_run_recompute(*, run_id, actor) -> BillRun:
    """Compute the draft bills again (after a change of standards): drafts are dropped."""
    with transaction.atomic():
        run = BillRun.objects.select_for_update().select_related("estate").get(pk=run_id)
        check(RUN, "recompute", actor, run)
        BillLine.objects.filter(bill__run=run, bill__status=BillStatus.DRAFT).delete()
        Bill.objects.filter(run=run, status=BillStatus.DRAFT).delete()
        run.status, run.computed_count, run.error = RunStatus.DRAFT, 0, ""
        run.save(update_fields=["status", "computed_count", "error", "updated_at"])
        record_event(run, actor=actor, verb="bill_run_recomputed")
        _queue(run, "compute")
    return run


# --- Computing ----------------------------------------------------------------------------


def _applicable(standards):
    """(standard, building ids or None, unit kinds or None) of each standard, once."""
    out = []
    for standard in standards:
        buildings = {b.pk for b in standard.buildings.all()} or None
        out.append((standard, buildings, set(standard.unit_kinds) or None))
    return out


def _in_batch(units) -> Q:
    """Rows of the batch's units: a batch is a run of consecutive unit ids of one estate (a
    range scan instead of an IN list of thousands of ids; rows of the units of other
    estates in the range are ignored by the caller)."""
    return Q(unit_id__gte=units[0]["id"], unit_id__lte=units[-1]["id"])


def _spans(units):
    """unit id -> the unit's owner occupancies [(start, end or None), ...]. A unit with
    none on record is billed for the whole month (its owner is not registered yet)."""
    spans = defaultdict(list)
    rows = Occupancy.objects.filter(_in_batch(units), role=OccupancyRole.OWNER)
    for unit_id, start, end in rows.values_list("unit_id", "start_date", "end_date"):
        spans[unit_id].append((start, end))
    return spans


def _line(standard, unit, *, days, month_days, spaces, usage):
    if standard.method == Method.METERED:
        quantity = usage.get((unit["id"], standard.fee_item_id))
        if quantity is None:
            return None
        tiers = [(t.up_to, t.price) for t in standard.tiers.all()] or [(None, standard.price)]
        return metered_line(quantity=quantity, tiers=tiers)
    return periodic_line(
        standard.method,
        price=standard.price,
        area=unit["area"],
        spaces=parking_spaces(unit["kind"], spaces.get(unit["id"])),
        days=days,
        month_days=month_days,
    )


def _unit_lines(run, applicable, units):
    """unit id -> [(standard, LineFigures), ...] of the units that owe something."""
    first, last = period_bounds(run.period)
    month_days = (last - first).days + 1
    spans = _spans(units)
    spaces = dict(
        UnitBillingProfile.objects.filter(_in_batch(units)).values_list("unit_id", "parking_spaces")
    )
    usage = {
        (u, f): q
        for u, f, q in Usage.objects.filter(_in_batch(units), period=run.period).values_list(
            "unit_id", "fee_item_id", "quantity"
        )
    }
    lines = {}
    for unit in units:
        owned = spans.get(unit["id"])
        days = covered_days(run.period, owned) if owned else month_days
        found = []
        for standard, buildings, kinds in applicable:
            if buildings is not None and unit["building_id"] not in buildings:
                continue
            if kinds is not None and unit["kind"] not in kinds:
                continue
            figures = _line(
                standard, unit, days=days, month_days=month_days, spaces=spaces, usage=usage
            )
            if figures is not None:
                found.append((standard, figures))
        if found:
            lines[unit["id"]] = found
    return lines


BILL_COLUMNS = ["estate_id", "unit_id", "run_id", "period", "status", "total", "paid",
                "created_at", "updated_at"]  # fmt: skip
LINE_COLUMNS = ["bill_id", "unit_id", "period", "fee_item_id", "standard_id", "quantity",
                "unit_price", "amount", "explanation"]  # fmt: skip


def compute_batch(run, standards, units) -> int:
    """Draft bills and their lines for `units` (dicts of id, building_id, kind, area), in
    two bulk INSERTs that skip what exists. Returns the rows really inserted."""
    applicable = _applicable(standards)
    lines = _unit_lines(run, applicable, units)
    now = timezone.now()
    bills = [
        (run.estate_id, u, run.pk, run.period, BillStatus.DRAFT.value,
         money_sum(f.amount for _s, f in items), 0, now, now)
        for u, items in lines.items()
    ]  # fmt: skip
    inserted = insert_new(Bill, BILL_COLUMNS, bills)
    bill_ids = dict(
        Bill.objects.filter(_in_batch(units), run=run, status=BillStatus.DRAFT).values_list(
            "unit_id", "id"
        )
    )
    to_json = BillLine._meta.get_field("explanation").get_prep_value
    rows = [
        (bill_ids[u], u, run.period, s.fee_item_id, s.pk, f.quantity, f.unit_price, f.amount,
         to_json(f.explanation))
        for u, items in lines.items() if u in bill_ids for s, f in items
    ]  # fmt: skip
    return inserted + insert_new(BillLine, LINE_COLUMNS, rows)


def _compute_all(run, standards, units) -> None:
    last_id = 0
    while batch := list(
        units.filter(id__gt=last_id).values("id", "building_id", "kind", "area")[:BATCH]
    ):
        with transaction.atomic():
            compute_batch(run, standards, batch)
            BillRun.objects.filter(pk=run.pk).update(
                computed_count=F("computed_count") + len(batch)
            )
        last_id = batch[-1]["id"]


def _fail(run_id, exc) -> None:
    """The run stopped on an error: shown on its page; it may be computed again."""
    with transaction.atomic():
        run = BillRun.objects.select_for_update().get(pk=run_id)
        if run.status in RUN["fail"].from_states:
            run.status, run.error = RUN["fail"].to_state, str(exc)[:500]
            run.save(update_fields=["status", "error", "updated_at"])
            record_event(run, actor=None, verb="bill_run_failed", note=run.error)


def bill_run_compute(*, run_id) -> BillRun:
    """The task's body: every unit of the estate, batch by batch (each batch commits, and
    the page shows the count); then the run is ready to preview."""
    run = BillRun.objects.select_related("estate").get(pk=run_id)
    if run.status != RunStatus.DRAFT:
        return run  # computed already (a redelivered task)
    first, _last = period_bounds(run.period)
    standards = standards_in_force(run.estate, first)
    units = Unit.objects.filter(estate_id=run.estate_id).order_by("id")
    BillRun.objects.filter(pk=run.pk).update(unit_count=units.count(), computed_count=0)
    try:
        _compute_all(run, standards, units)
    except Exception as exc:
        _fail(run.pk, exc)
        raise
    with transaction.atomic():
        run = BillRun.objects.select_for_update().select_related("estate").get(pk=run_id)
        if run.status == RunStatus.DRAFT:
            run.status = check(RUN, "computed", None, run).to_state
            run.save(update_fields=["status", "updated_at"])
            record_event(run, actor=None, verb="bill_run_computed")
    return run


# --- Issuing ------------------------------------------------------------------------------


def bill_run_issue(*, run_id, actor) -> BillRun:
    """Issue the previewed bills: the run moves to issuing, a task does the batches."""
    with transaction.atomic():
        run = BillRun.objects.select_for_update().select_related("estate").get(pk=run_id)
        run.status = check(RUN, "issue", actor, run).to_state
        run.save(update_fields=["status", "updated_at"])
        record_event(run, actor=actor, verb="bill_run_issue_started")
        _queue(run, "issue")
    return run


ENTRY_COLUMNS = ["account_id", "estate_id", "unit_id", "kind", "amount", "unapplied", "bill_id",
                 "on_date", "created_at", "note"]  # fmt: skip


def _issue_batch(run, bills, today, now) -> None:
    """Charges on the accounts of a batch of draft bills (one per bill: UNIQUE), the bills
    issued, then prepaid balances applied to them."""
    from ..models import Account

    accounts_ensure([(b["unit_id"], run.estate_id) for b in bills])
    account_ids = dict(
        Account.objects.filter(unit_id__in=[b["unit_id"] for b in bills]).values_list(
            "unit_id", "id"
        )
    )
    to_json = LedgerEntry._meta.get_field("note").get_prep_value
    note = to_json(texts.gettext("Bill for %(period)s", period=run.period))
    entries = [
        (account_ids[b["unit_id"]], run.estate_id, b["unit_id"], EntryKind.CHARGE.value,
         b["total"], 0, b["id"], today, now, note)
        for b in bills
    ]  # fmt: skip
    insert_new(LedgerEntry, ENTRY_COLUMNS, entries)
    Bill.objects.filter(
        id__in=[b["id"] for b in bills], status__in=BILL["issue"].from_states
    ).update(
        status=BILL["issue"].to_state, issued_at=now, due_date=today + dt.timedelta(days=DUE_DAYS)
    )
    # Prepaid balances draw on the new bills (only accounts holding unapplied credit).
    prepaid = (
        LedgerEntry.objects.filter(unit_id__in=[b["unit_id"] for b in bills], unapplied__gt=0)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    for unit in Unit.objects.filter(id__in=list(prepaid)):
        allocate(_account_lock(unit))


def bill_run_issue_batches(*, run_id) -> BillRun:
    run = BillRun.objects.select_related("estate").get(pk=run_id)
    if run.status != RunStatus.ISSUING:
        return run
    today, now = timezone.localdate(), timezone.now()
    drafts = Bill.objects.filter(run=run, status=BillStatus.DRAFT).order_by("id")
    while True:
        batch = list(drafts.values("id", "unit_id", "total")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            _issue_batch(run, batch, today, now)
            BillRun.objects.filter(pk=run.pk).update(issued_count=F("issued_count") + len(batch))
    with transaction.atomic():
        run = BillRun.objects.select_for_update().select_related("estate").get(pk=run_id)
        if run.status == RunStatus.ISSUING:
            run.status = check(RUN, "issued", None, run).to_state
            run.issued_at = now
            run.save(update_fields=["status", "issued_at", "updated_at"])
            record_event(
                run, actor=None, verb="bill_run_issued", changes={"issued_count": run.issued_count}
            )
            notify_bills_issued(run)  # inbox rows now; their e-mails after the commit
            # Chargeable repairs waiting for the next bill are billed with this run.
            repair_charges_post_for_run(run)
    return run
