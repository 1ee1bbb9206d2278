"""How fast this machine is right now, measured in the same run as a benchmark.

    python -m bench calibrate [--rounds 15]

Wall-clock figures from two machines, or from one machine at two moments (other processes,
another CPU, a slower virtual machine), are not comparable. Every benchmark therefore also
runs a fixed, deterministic workload shaped like request handling, interleaved with its own
measurements, and reports its results as ratios to it as well:

- the Python part: one standalone Django template engine (no project templates, no
  settings that change it) renders a fixed table of ROWS rows (loops, ifs, escaping,
  `date` with explicit formats, a few filters), then some dict and str work (a JSON dump,
  sorting, joining) on the same rows;
- the database part: DB_ROUND_TRIPS trivial statements (``SELECT %s``) over the benchmark's
  own connection, as a request's handful of queries would.

`calibration_ms` is the median wall time of a round; `calibration_cpu_ms` its median CPU
time (this process only); `calibration_db_ms` the median of the database part alone. A
benchmark's `*_ratio` fields divide its figures by them (CPU figures by the CPU median).

One round takes about 20 ms on an idle 2-CPU development machine (bench/README.md has the
reference figures and the ratios that correspond to the targets).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

ROWS = 300
DB_ROUND_TRIPS = 20

TEMPLATE = """{% autoescape on %}<table class="table">
<thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in rows %}<tr data-row="{{ r.id }}"{% if r.late %} class="late"{% endif %}>
<td><a href="/items/{{ r.id }}/">{{ r.number }}</a></td>
<td class="text-wrap">{{ r.place }}</td>
<td>{{ r.category|default:"—" }}</td>
<td><span class="badge text-bg-{{ r.badge }}">{{ r.status|title }}</span></td>
<td>{% if r.person %}{{ r.person }}{% else %}<span class="text-muted">—</span>{% endif %}</td>
<td>{{ r.at|date:"Y-m-d H:i" }}</td>
<td>{% if r.due %}{{ r.due_label }} · {{ r.due|date:"m-d H:i" }}{% else %}—{% endif %}</td>
<td>{{ r.amount|floatformat:2 }}</td>
</tr>{% endfor %}</tbody></table>
{% endautoescape %}"""

HEADERS = ["Number", "Place", "Category", "Status", "Person", "Reported", "Deadline", "Amount"]
STATUSES = ["reported", "registered", "dispatched", "accepted", "on_site", "in_repair"]
BADGES = ["secondary", "info", "primary", "primary", "warning", "warning"]


def _rows() -> list[dict]:
    start = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    rows = []
    for i in range(ROWS):
        k = i % len(STATUSES)
        rows.append(
            {
                "id": 100_000 + i,
                "number": f"TB01-{i:07d}",
                "place": f"{i % 50 + 1}栋 {i % 2 + 1}-{i % 25 + 1}{i % 4 + 1:02d} <室>",
                "category": "" if i % 9 == 0 else f"category {i % 8}",
                "status": STATUSES[k],
                "badge": BADGES[k],
                "person": "" if i % 5 == 0 else f"师傅{i % 4 + 1}",
                "at": start + timedelta(minutes=37 * i),
                "due": None if i % 7 == 0 else start + timedelta(minutes=37 * i + 120),
                "due_label": "on site",
                "late": i % 6 == 0,
                "amount": i * 1.25,
            }
        )
    return rows


class Calibration:
    """Collects calibration rounds; a benchmark calls sample() between its own requests so
    that both see the same load, then figures() for the medians."""

    def __init__(self, *, db: bool = True):
        from django.template import Context, Engine

        self._engine = Engine(debug=False, autoescape=True)
        self._template = self._engine.from_string(TEMPLATE)
        self._context = Context
        self._rows = _rows()
        self._db = db
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.db_ms: list[float] = []
        self._round()  # warm up: imports, the template's compiled nodes, a DB connection

    def _python_work(self) -> int:
        from django.utils import timezone

        with timezone.override("Asia/Shanghai"):
            html = self._template.render(self._context({"headers": HEADERS, "rows": self._rows}))
        by_status: dict[str, list] = {}
        for r in self._rows:
            by_status.setdefault(r["status"], []).append(r["number"])
        dumped = json.dumps(
            [{k: str(v) for k, v in r.items()} for r in self._rows], ensure_ascii=False
        )
        joined = ",".join(sorted(n.lower() for numbers in by_status.values() for n in numbers))
        return len(html) + len(dumped) + len(joined)

    def _db_work(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            for i in range(DB_ROUND_TRIPS):
                cursor.execute("SELECT %s", [i])
                cursor.fetchone()

    def _round(self) -> tuple[float, float, float]:
        started, started_cpu = time.perf_counter(), time.process_time()
        self._python_work()
        db_started = time.perf_counter()
        if self._db:
            self._db_work()
        ended = time.perf_counter()
        return (
            (ended - started) * 1000,
            (time.process_time() - started_cpu) * 1000,
            (ended - db_started) * 1000,
        )

    def sample(self, rounds: int = 1) -> None:
        for _ in range(rounds):
            wall, cpu, db = self._round()
            self.wall.append(wall)
            self.cpu.append(cpu)
            self.db_ms.append(db)

    def figures(self) -> dict:
        return {
            "calibration_ms": round(statistics.median(self.wall), 2),
            "calibration_cpu_ms": round(statistics.median(self.cpu), 2),
            "calibration_db_ms": round(statistics.median(self.db_ms), 2),
            "calibration_rounds": len(self.wall),
        }


def ratios(result: dict, calibration: dict, *, wall=(), cpu=(), seconds=()) -> dict:
    """`<name>_ratio` for each named figure: wall-clock milliseconds over calibration_ms,
    CPU milliseconds over calibration_cpu_ms, seconds (×1000) over calibration_ms."""
    out = {}
    for name in wall:
        out[f"{name.removesuffix('_ms')}_ratio"] = round(
            result[name] / calibration["calibration_ms"], 2
        )
    for name in cpu:
        out[f"{name.removesuffix('_ms')}_ratio"] = round(
            result[name] / calibration["calibration_cpu_ms"], 2
        )
    for name in seconds:
        out[f"{name.removesuffix('_s')}_ratio"] = round(
            result[name] * 1000 / calibration["calibration_ms"], 1
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench calibrate")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--no-db", action="store_true", help="the Python part only")
    args = parser.parse_args(argv)
    from django.db import connection

    from .environment import environment

    cal = Calibration(db=not args.no_db)
    cal.sample(args.rounds)
    result = {"bench": "calibrate", "vendor": connection.vendor, **cal.figures()}
    result["calibration_min_ms"] = round(min(cal.wall), 2)
    result["environment"] = environment()
    result["load_avg"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
