"""Scale data for benchmarks: one estate with N units in ~N/200 buildings, made fast.

    python -m bench scale [--units 100000] [--estate bench]

generate_units() is idempotent: if the estate already has exactly N units they are reused;
any other count is rebuilt. Units are written with bulk_create in batches (no audit events:
this is benchmark data, not a business record). On PostgreSQL the table is then vacuumed
and analysed so that the planner sees the real row counts.
"""

import argparse
import json
import random
import sys
import time
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from estates.choices import UnitKind, UnitStatus
from estates.models import Building, Estate, Unit

ENTRANCES, FLOORS, PER_FLOOR = 2, 25, 4
BUILDING_SIZE = ENTRANCES * FLOORS * PER_FLOOR  # 200 units
AREAS = (Decimal("89.52"), Decimal("118.64"), Decimal("118.64"), Decimal("89.52"))
STATUSES = (UnitStatus.OCCUPIED, UnitStatus.VACANT, UnitStatus.RENOVATING)
STATUS_WEIGHTS = (80, 14, 6)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The database ------------------------------------------------------------------------------


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg
    from psycopg import sql

    params = {
        "dbname": "postgres",
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if found.fetchone() is None:
            log(f"creating database {db['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def prepare_database() -> None:
    ensure_database()
    call_command("migrate", interactive=False, verbosity=0)


def analyze(*models) -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map for index-only scans)."""
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


# --- The data ----------------------------------------------------------------------------------


def bench_estate(code: str) -> Estate:
    estate, _ = Estate.objects.get_or_create(
        code=code,
        defaults={
            "name": f"基准测试小区 {code}",
            "address": "浙江省杭州市余杭区良渚街道基准路1号",
            "service_phone": "0571-88000000",
        },
    )
    return estate


def bench_buildings(estate: Estate, count: int) -> list[Building]:
    names = [f"{i}栋" for i in range(1, count + 1)]
    Building.objects.filter(estate=estate).exclude(name__in=names).delete()
    Building.objects.bulk_create(
        [Building(estate=estate, name=name, floors=FLOORS) for name in names],
        ignore_conflicts=True,
    )
    by_name = {b.name: b for b in Building.objects.filter(estate=estate)}
    return [by_name[name] for name in names]


def unit_rows(estate: Estate, buildings: list[Building], n_units: int):
    """Unit objects in building order: 2 entrances × 25 floors × 4 units per building."""
    rng = random.Random(n_units)
    for i in range(n_units):
        building, j = buildings[i // BUILDING_SIZE], i % BUILDING_SIZE
        entrance, k = divmod(j, FLOORS * PER_FLOOR)
        floor, position = divmod(k, PER_FLOOR)
        yield Unit(
            estate=estate,
            building=building,
            entrance=str(entrance + 1),
            number=f"{floor + 1}{position + 1:02d}",
            floor=floor + 1,
            area=AREAS[position],
            kind=UnitKind.RESIDENTIAL,
            status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
        )


def generate_units(
    n_units: int = 100_000, estate_code: str = "bench", *, batch_size: int = 5_000
) -> tuple[Estate, bool]:
    """The bench estate with exactly n_units units; (estate, whether anything was written)."""
    estate = bench_estate(estate_code)
    have = Unit.objects.filter(estate=estate).count()
    if have == n_units:
        return estate, False
    started = time.perf_counter()
    with transaction.atomic():
        if have:
            log(f"{estate_code}: {have} units, want {n_units}: rebuilding")
            Unit.objects.filter(estate=estate).delete()
        buildings = bench_buildings(estate, -(-n_units // BUILDING_SIZE))
        batch = []
        for unit in unit_rows(estate, buildings, n_units):
            batch.append(unit)
            if len(batch) == batch_size:
                Unit.objects.bulk_create(batch)
                batch = []
        Unit.objects.bulk_create(batch)
    analyze(Building, Unit)
    log(f"{estate_code}: {n_units} units created in {time.perf_counter() - started:.1f}s")
    return estate, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--estate", default="bench", help="estate code")
    args = parser.parse_args(argv)
    prepare_database()
    from .calibrate import Calibration, ratios
    from .environment import environment

    calibration = Calibration()
    calibration.sample(5)
    started = time.perf_counter()
    estate, created = generate_units(args.units, args.estate)
    seconds = time.perf_counter() - started
    calibration.sample(5)
    result = {
        "bench": "scale",
        "vendor": connection.vendor,
        "estate": estate.code,
        "n_units": Unit.objects.filter(estate=estate).count(),
        "buildings": estate.buildings.count(),
        "created": created,
        "seconds": round(seconds, 2),
        **calibration.figures(),
    }
    result.update(ratios(result, result, seconds=["seconds"]))
    result["environment"] = environment()
    print(json.dumps(result, ensure_ascii=False))
    return 0
