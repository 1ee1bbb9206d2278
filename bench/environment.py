"""What a benchmark ran on and with: the facts that explain why two runs' figures differ.

Printed by every benchmark under "environment". Measured causes of slower runs
(bench/README.md, "Comparing runs"): DEBUG on, pure-Python psycopg, another CPU or a busy
machine (see the calibration figure), data generated in the same run.
"""

import os
import platform
import sys


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _python_executable() -> str:
    """The interpreter behind the venv: interpreters of the same version differ in speed by
    how they were built (measured here: Debian's python3.11 ran the calibration in ~25 %
    less CPU time than a pyenv build of 3.11.7 from source)."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


START_LOAD: float | None = None  # the 1-minute load average when the benchmark started


def warnings_for(info: dict) -> list[str]:
    """What makes this run's milliseconds not comparable with a quiet reference run."""
    notes = []
    if info.get("load_avg_start") is not None and info["load_avg_start"] > 1:
        notes.append("busy machine at the start (load average > 1): compare the ratios")
    if info.get("psycopg", "").endswith("python"):
        notes.append("pure-Python psycopg: install psycopg[binary]")
    if info.get("debug") or info.get("template_debug"):
        notes.append("DEBUG on")
    return notes


def environment() -> dict:
    from django.conf import settings
    from django.db import connection
    from django.template import engines

    info = {
        "python": platform.python_version(),
        "python_executable": _python_executable(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "debug": settings.DEBUG,
        "template_debug": any(
            getattr(e, "engine", None) is not None and e.engine.debug for e in engines.all()
        ),
        "db_conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
    if connection.vendor == "postgresql":
        import psycopg

        info["psycopg"] = f"{psycopg.__version__} {psycopg.pq.__impl__}"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    info["argv"] = " ".join(sys.argv[1:])
    info["load_avg_start"] = None if START_LOAD is None else round(START_LOAD, 2)
    info["warnings"] = warnings_for(info)
    return info
