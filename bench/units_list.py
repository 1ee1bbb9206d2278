"""The staff unit list on a big estate: first page, last pages, and the queries they take.

    python -m bench units_list [--units 100000] [--requests 50] [--url-name staff:unit_list]

Runs in-process with Django's test client, signed in (force_login) as the manager of the
bench estate, with that estate chosen in the switcher. Measures:

- p50_ms / p95_ms: the first page of `?status=occupied`;
- p95_deep_ms: a page near the end: `last=1`, then one step back along its `before` cursor;
- p95_last_ms: the `last=1` page itself;
- queries / queries_deep / queries_last: SQL statements per request (CaptureQueriesContext);
- queries_building / queries_few: the list of one building (a full page) and of one floor of
  that building (a few rows, rows_few): the query count must not change with the rows shown;
- rows / rows_deep: units shown on those pages;
- p50_cpu_ms / p50_deep_cpu_ms: CPU time of this process per request (the app server's own
  work), and load_avg: the machine's 1-minute load, to judge noisy wall-clock figures.

Prints one JSON object as the last line. Targets (bench/README.md): p95_ms <= 50,
p95_deep_ms <= 2 x p95_ms, and the same query count on every page.
"""

import argparse
import html
import json
import math
import os
import re
import statistics
import sys
import time
from urllib.parse import quote, unquote

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from estates.choices import Role
from estates.models import StaffMembership, Unit

from .calibrate import Calibration, ratios
from .environment import environment
from .scale import FLOORS, generate_units, log, prepare_database

TARGET_P95_MS = 50
TARGET_P95_RATIO = 1.8  # the same target over calibration_ms (bench/README.md)
CALIBRATE_EVERY = 5  # requests between two calibration rounds
BEFORE_RE = re.compile(r"[?&]before=([A-Za-z0-9_\-%]+)")


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def bench_manager(estate):
    user, _ = get_user_model().objects.get_or_create(
        username=f"{estate.code}-manager", defaults={"display_name": "基准经理"}
    )
    StaffMembership.objects.get_or_create(user=user, estate=estate, defaults={"role": Role.MANAGER})
    return user


def signed_in_client(user, estate) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("staff:estate_switch"), {"estate": estate.pk})
    if response.status_code >= 400:
        raise SystemExit(f"estate switch failed: HTTP {response.status_code}")
    return client


def get(client: Client, path: str, cpu: list | None = None):
    """(wall-clock milliseconds, response) of one GET that must succeed; appends this
    process's CPU milliseconds to `cpu` if given."""
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - started_cpu) * 1000)
    if response.status_code != 200:
        raise SystemExit(f"GET {path}: HTTP {response.status_code}")
    return elapsed, response


def timings(
    client: Client, path: str, n: int, cpu: list | None = None, calibration=None
) -> list[float]:
    """Wall-clock milliseconds of `n` GETs after three warm-up requests; with a
    `calibration` (bench.calibrate.Calibration), one calibration round after every
    CALIBRATE_EVERY requests, so that both see the same load."""
    for _ in range(3):  # warm up: template and query caches
        get(client, path)
    samples = []
    for i in range(n):
        samples.append(get(client, path, cpu)[0])
        if calibration is not None and i % CALIBRATE_EVERY == CALIBRATE_EVERY - 1:
            calibration.sample()
    return samples


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get(client, path)
    return len(ctx.captured_queries)


def before_cursor(response) -> str:
    """The `before` cursor of the "previous page" link on a page."""
    match = BEFORE_RE.search(html.unescape(response.content.decode()))
    if match is None:
        raise SystemExit("no 'before' cursor on the last page: is there a previous-page link?")
    return unquote(match.group(1))


def rows_on(response) -> int:
    prefix = re.escape(reverse("staff:unit_list"))
    return len(set(re.findall(rf'href="{prefix}(\d+)/"', response.content.decode())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench units_list")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--url-name", default="staff:unit_list")
    parser.add_argument("--estate", default="bench", help="estate code")
    args = parser.parse_args(argv)

    prepare_database()
    estate, _ = generate_units(args.units, args.estate)
    client = signed_in_client(bench_manager(estate), estate)
    base = f"{reverse(args.url_name)}?status=occupied"

    log(f"{connection.vendor}: {args.requests} requests per page of {base}")
    with override_settings(DEBUG=False):  # as in production: no query log in the timings
        calibration = Calibration()
        calibration.sample(3)
        first_cpu, deep_cpu = [], []
        first = timings(client, base, args.requests, first_cpu, calibration)
        _, last_page = get(client, f"{base}&last=1")
        deep = f"{base}&before={before_cursor(last_page)}"
        deep_times = timings(client, deep, args.requests, deep_cpu, calibration)
        last_times = timings(client, f"{base}&last=1", args.requests, calibration=calibration)
        calibration.sample(3)
        env = environment()
    queries = queries_of(client, base)
    queries_deep = queries_of(client, deep)
    queries_last = queries_of(client, f"{base}&last=1")
    building = estate.buildings.order_by("pk").first()
    # A big estate filters buildings by name (a drop-down of hundreds would be slow to use).
    one_building = f"{base}&building={quote(building.name)}"
    few = f"{one_building}&floor={FLOORS}"
    queries_building = queries_of(client, one_building)
    queries_few = queries_of(client, few)

    result = {
        "bench": "units_list",
        "vendor": connection.vendor,
        "n_units": Unit.objects.filter(estate=estate).count(),
        "requests": args.requests,
        "p50_ms": round(statistics.median(first), 1),
        "p95_ms": round(p95(first), 1),
        "p50_deep_ms": round(statistics.median(deep_times), 1),
        "p95_deep_ms": round(p95(deep_times), 1),
        "p95_last_ms": round(p95(last_times), 1),
        "p50_cpu_ms": round(statistics.median(first_cpu), 1),
        "p95_cpu_ms": round(p95(first_cpu), 1),
        "p50_deep_cpu_ms": round(statistics.median(deep_cpu), 1),
        "queries": queries,
        "queries_deep": queries_deep,
        "queries_last": queries_last,
        "queries_building": queries_building,
        "queries_few": queries_few,
        "rows": rows_on(get(client, base)[1]),
        "rows_deep": rows_on(get(client, deep)[1]),
        "rows_few": rows_on(get(client, few)[1]),
        **calibration.figures(),
    }
    result.update(
        ratios(
            result,
            result,
            wall=("p50_ms", "p95_ms", "p95_deep_ms", "p95_last_ms"),
            cpu=("p50_cpu_ms", "p95_cpu_ms", "p50_deep_cpu_ms"),
        )
    )
    result["load_avg"] = round(os.getloadavg()[0], 2)
    result["environment"] = env
    same_queries = queries == queries_deep == queries_last and queries_building == queries_few
    result["ok"] = (
        result["p95_ms"] <= TARGET_P95_MS
        and result["p95_deep_ms"] <= 2 * result["p95_ms"]
        and same_queries
    )
    result["ok_ratio"] = (
        result["p95_ratio"] <= TARGET_P95_RATIO
        and result["p95_deep_ratio"] <= 2 * result["p95_ratio"]
        and same_queries
    )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
