"""The arithmetic of bill lines, by hand: proration by days, stepped prices, rounding
ROUND_HALF_UP to 0.01, and capital Chinese numerals of receipts."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.choices import Method
from billing.compute import (
    covered_days,
    metered_line,
    periodic_line,
    previous_period,
    tiered_amount,
)
from billing.numerals import amount_in_capitals
from core import texts


def test_full_month_per_area_is_area_times_price():
    line = periodic_line(
        Method.PER_AREA, price="2.80", area=Decimal("89.50"), spaces=0, days=30, month_days=30
    )
    assert line.amount == Decimal("250.60")  # 89.50 × 2.80
    assert str(line.explanation) == "89.50 m² × ¥2.80 × 30/30 days"


def test_part_month_is_prorated_by_days_and_rounded_half_up():
    # 89.50 × 2.80 × 17/30 = 142.006666… → 142.01
    line = periodic_line(
        Method.PER_AREA, price="2.80", area=Decimal("89.50"), spaces=0, days=17, month_days=30
    )
    assert line.amount == Decimal("142.01")
    # 10.00 × 1/31 = 0.32258… → 0.32 ; 15 × 1/2 day-fraction case: 0.125 → 0.13 (half up)
    fixed = periodic_line(Method.FIXED, price="10.00", area=0, spaces=0, days=1, month_days=31)
    assert fixed.amount == Decimal("0.32")
    half = periodic_line(Method.FIXED, price="0.25", area=0, spaces=0, days=15, month_days=30)
    assert half.amount == Decimal("0.13")  # 0.125 rounds up, not to even


def test_parking_spaces_and_no_days_charge_nothing():
    line = periodic_line(Method.PER_PARKING, price="300", area=0, spaces=2, days=30, month_days=30)
    assert line.amount == Decimal("600.00")
    assert (
        periodic_line(Method.PER_PARKING, price="300", area=0, spaces=0, days=30, month_days=30)
        is None
    )
    assert periodic_line(Method.FIXED, price="10", area=0, spaces=0, days=0, month_days=30) is None


def test_stepped_water_price():
    steps = [
        (Decimal("15"), Decimal("3.50")),
        (Decimal("25"), Decimal("4.55")),
        (None, Decimal("6.10")),
    ]
    exact, parts = tiered_amount(Decimal("28"), steps)
    # 15 × 3.50 + 10 × 4.55 + 3 × 6.10 = 52.50 + 45.50 + 18.30 = 116.30
    assert exact == Decimal("116.30")
    assert parts == [(15, Decimal("3.50")), (10, Decimal("4.55")), (3, Decimal("6.10"))]
    line = metered_line(quantity=Decimal("12.345"), tiers=steps)
    assert line.amount == Decimal("43.21")  # 12.345 × 3.50 = 43.2075 → 43.21
    assert metered_line(quantity=Decimal("0"), tiers=steps) is None


def test_covered_days_counts_overlaps_once():
    spans = [(dt.date(2026, 11, 10), None), (dt.date(2026, 11, 20), dt.date(2026, 12, 31))]
    assert covered_days("2026-11", spans) == 21  # 10th … 30th
    moved_out = [(dt.date(2020, 1, 1), dt.date(2026, 11, 5))]
    assert covered_days("2026-11", moved_out) == 5
    assert covered_days("2026-02", [(dt.date(2020, 1, 1), None)]) == 28
    assert covered_days("2026-11", []) == 0
    assert previous_period("2026-01") == "2025-12"


def test_explanations_are_stored_messages_read_in_the_readers_language():
    line = periodic_line(Method.FIXED, price="10", area=0, spaces=0, days=30, month_days=30)
    stored = texts.Message.from_data(line.explanation.data)
    assert stored.msgid == "¥%(price)s × %(days)s/%(month_days)s days"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("100.05", "壹佰元零伍分"),
        ("1005", "壹仟零伍元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("250.60", "贰佰伍拾元陆角整"),
        ("0.08", "捌分"),
        ("0", "零元整"),
        ("20000000.00", "贰仟万元整"),
        ("100000001", "壹亿零壹元整"),
    ],
)
def test_amount_in_capital_chinese_numerals(amount, words):
    assert amount_in_capitals(Decimal(amount)) == words


def test_floats_are_refused():
    with pytest.raises(TypeError):
        amount_in_capitals(1.5)
