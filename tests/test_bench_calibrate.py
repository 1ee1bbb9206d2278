"""The benchmarks' calibration figure and the ratios they print (bench/calibrate.py)."""

import pytest

from bench.calibrate import ROWS, Calibration, ratios

pytestmark = pytest.mark.django_db


def test_calibration_renders_the_fixed_table_and_reports_medians():
    cal = Calibration()
    assert cal._python_work() == cal._python_work()  # deterministic
    cal.sample(3)
    figures = cal.figures()
    assert figures["calibration_rounds"] == 3
    assert 0 < figures["calibration_db_ms"] < figures["calibration_ms"]
    assert figures["calibration_cpu_ms"] > 0
    html = cal._template.render(cal._context({"headers": [], "rows": cal._rows}))
    assert html.count("<tr data-row=") == ROWS
    assert "&lt;室&gt;" in html  # escaped, as a page would be


def test_ratios_divide_wall_cpu_and_seconds_by_the_calibration():
    calibration = {"calibration_ms": 20.0, "calibration_cpu_ms": 16.0}
    result = {"p95_ms": 50.0, "p50_cpu_ms": 24.0, "sweep_s": 2.0}
    assert ratios(
        result, calibration, wall=["p95_ms"], cpu=["p50_cpu_ms"], seconds=["sweep_s"]
    ) == {"p95_ratio": 2.5, "p50_cpu_ratio": 1.5, "sweep_ratio": 100.0}


def test_environment_warns_about_what_makes_figures_incomparable():
    from bench.environment import warnings_for

    assert warnings_for({"load_avg_start": 0.4, "psycopg": "3.3 binary", "debug": False}) == []
    notes = warnings_for({"load_avg_start": 3.0, "psycopg": "3.3 python", "debug": True})
    assert len(notes) == 3 and "ratios" in notes[0]
