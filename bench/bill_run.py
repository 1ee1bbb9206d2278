"""A month's bill run over a big estate, against a raw COPY of the same rows.

    python -m bench bill_run [--units 100000] [--period 2026-11]

Builds (once) an estate of N units (bench/scale.py) with three fee standards (物业费 per m²,
垃圾处理费 and 公摊费 fixed), drops the period's previous bills, then measures:

- run_s: computing the run (billing.services.bill_run_compute: draft bills and lines, in
  batches of bulk INSERTs);
- copy_s: a raw PostgreSQL COPY of as many rows as the run wrote lines into a table of the
  same shape (columns and indexes of billing_billline), and ratio = run_s / copy_s;
- rerun_created: bills and lines created by computing every batch again (must be 0);
- issue_s: issuing the run (charges on the accounts, the owners' notices);
- arrears_s: the aging report by unit over all units;
- statement_pdf_s: one unit's statement PDF over the year;
- the machine's calibration figures (bench/calibrate.py).

Prints one JSON object as the last line. Targets: ratio <= 2, rerun_created = 0,
arrears_s <= 1, statement_pdf_s <= 1.
"""

import argparse
import datetime as dt
import json
import os
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import override_settings

from billing.choices import FeeKind, Method
from billing.models import (
    Account,
    Allocation,
    Bill,
    BillLine,
    BillRun,
    FeeItem,
    FeeStandard,
    LedgerEntry,
    Payment,
    Receipt,
)
from billing.selectors import arrears_aging, standards_in_force
from billing.services import bill_run_compute, bill_run_issue, bill_run_issue_batches
from billing.services.runs import BATCH, compute_batch
from estates.models import Unit

from .calibrate import Calibration
from .environment import environment
from .scale import bench_estate, generate_units, log, prepare_database

ITEMS = [
    ("物业费", FeeKind.PROPERTY, Method.PER_AREA, "2.80"),
    ("垃圾处理费", FeeKind.GARBAGE, Method.FIXED, "10.00"),
    ("公摊费", FeeKind.SHARED, Method.FIXED, "15.50"),
]


def ensure_standards(estate):
    for name, kind, method, price in ITEMS:
        item, _ = FeeItem.objects.get_or_create(estate=estate, name=name, defaults={"kind": kind})
        values = {"method": method, "price": Decimal(price), "effective_from": dt.date(2026, 1, 1)}
        FeeStandard.objects.get_or_create(estate=estate, fee_item=item, version=1, defaults=values)


def reset_period(estate, period):
    with transaction.atomic():
        Allocation.objects.filter(bill__estate=estate).delete()
        Receipt.objects.filter(estate=estate).delete()
        LedgerEntry.objects.filter(estate=estate).delete()
        Payment.objects.filter(estate=estate).delete()
        BillLine.objects.filter(bill__estate=estate).delete()
        Bill.objects.filter(estate=estate).delete()
        BillRun.objects.filter(estate=estate).delete()
        Account.objects.filter(estate=estate).delete()


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def raw_copy(n_rows) -> float:
    """COPY n_rows lines (read back from billing_billline) into a table of the same shape."""
    columns = (
        "bill_id, unit_id, period, fee_item_id, standard_id, quantity, unit_price, amount, "
        "explanation"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM billing_billline LIMIT %s", [n_rows])
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE IF EXISTS bench_copy_billline")
        cursor.execute(
            "CREATE TABLE bench_copy_billline (LIKE billing_billline INCLUDING DEFAULTS "
            "INCLUDING INDEXES INCLUDING IDENTITY)"
        )
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY bench_copy_billline ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_billline")
    return elapsed


def rerun(run, estate) -> int:
    """Every batch computed again: the bills and lines this adds (must be none)."""
    first = dt.date(*(int(x) for x in run.period.split("-")), 1)
    standards = standards_in_force(estate, first)
    before = Bill.objects.filter(run=run).count() + BillLine.objects.filter(bill__run=run).count()
    inserted, last_id = 0, 0
    units = (
        Unit.objects.filter(estate=estate)
        .order_by("id")
        .values("id", "building_id", "kind", "area")
    )
    while batch := list(units.filter(id__gt=last_id)[:BATCH]):
        with transaction.atomic():
            inserted += compute_batch(run, standards, batch)
        last_id = batch[-1]["id"]
    after = Bill.objects.filter(run=run).count() + BillLine.objects.filter(bill__run=run).count()
    return max(inserted, after - before)


def statement_pdf(estate) -> float:
    from billing.views.printing import statement_response

    unit = Unit.objects.filter(estate=estate).select_related("estate", "building").first()
    with override_settings(DEBUG=False):
        return timed(
            lambda: statement_response(None, unit, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        )[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench bill_run")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--period", default="2026-11")
    args = parser.parse_args(argv)
    prepare_database()
    if connection.vendor != "postgresql":
        raise SystemExit("bill_run needs PostgreSQL (DATABASE_URL): it compares with a COPY")
    reset_period(bench_estate("billbench"), args.period)  # before units may be rebuilt
    estate, _ = generate_units(args.units, "billbench")
    ensure_standards(estate)
    calibration = Calibration()
    calibration.sample(3)
    run = BillRun.objects.create(estate=estate, period=args.period)
    run_s, _ = timed(lambda: bill_run_compute(run_id=run.pk))
    lines = BillLine.objects.filter(bill__run=run).count()
    log(f"bill_run: {lines} lines in {run_s:.1f}s")
    copy_s = raw_copy(lines)
    rerun_created = rerun(run, estate)
    calibration.sample(3)
    bill_run_issue(run_id=run.pk, actor=None)
    issue_s, _ = timed(lambda: bill_run_issue_batches(run_id=run.pk))
    arrears_s, _ = timed(lambda: arrears_aging(estate, by="unit", on=dt.date(2027, 12, 31)))
    result = {
        "bench": "bill_run",
        "units": args.units,
        "lines": lines,
        "run_s": round(run_s, 2),
        "copy_s": round(copy_s, 2),
        "ratio": round(run_s / copy_s, 2),
        "rerun_created": rerun_created,
        "issue_s": round(issue_s, 2),
        "arrears_s": round(arrears_s, 3),
        "statement_pdf_s": round(statement_pdf(estate), 3),
        **calibration.figures(),
        "load_avg": round(os.getloadavg()[0], 2),
        "environment": environment(),
    }
    result["ok"] = (
        result["ratio"] <= 2
        and rerun_created == 0
        and arrears_s <= 1
        and result["statement_pdf_s"] <= 1
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0
