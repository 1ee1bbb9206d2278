"""The checks of a reading (pure): lower than the last, a jump above the usual or above a
ceiling without history, typed values; and the split of a shared meter's consumption that
adds up exactly (largest remainder), by hand and as a property."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing import meter_checks as checks
from billing.meter_math import consumption, split

D = Decimal


def history(earlier, initial="0", kind="water", shared=False):
    return checks.history_from(kind, D(initial), [(p, D(v)) for p, v in earlier], shared=shared)


def codes(problems):
    return [p.code for p in problems]


def test_history_takes_the_last_value_and_the_last_three_consumptions():
    h = history([("2026-07", "10"), ("2026-10", "40"), ("2026-08", "20"), ("2026-09", "28")])
    assert h.last_value == D("40") and h.last_period == "2026-10"
    assert h.consumptions == [D("12"), D("8"), D("10")]  # 10, 09, 08 (07 is the 4th)
    assert h.usual == D("10.00")
    first = history([], initial="5")
    assert (first.last_value, first.last_period, first.usual) == (D("5"), "", None)


def test_a_value_lower_than_the_last_is_a_warning():
    h = history([("2026-10", "40")])
    found = checks.warnings_for(D("39.99"), h)
    assert codes(found) == ["lower"]
    assert "40" in str(found[0].message) and "replaced" in str(found[0].message)
    assert checks.warnings_for(D("40"), h) == []  # nothing used is not unusual


def test_lower_than_the_value_when_installed_is_a_warning_too():
    assert codes(checks.warnings_for(D("3"), history([], initial="5"))) == ["lower"]


def test_more_than_three_times_the_usual_is_a_jump():
    h = history([("2026-08", "10"), ("2026-09", "20"), ("2026-10", "30")])  # usual 10
    assert checks.warnings_for(D("60"), h) == []  # exactly 3× is fine
    found = checks.warnings_for(D("60.01"), h)
    assert codes(found) == ["jump"]
    assert "30.01" in str(found[0].message)


def test_without_history_an_absolute_ceiling_per_kind():
    assert checks.warnings_for(D("100"), history([])) == []
    assert codes(checks.warnings_for(D("100.01"), history([]))) == ["jump"]
    assert checks.warnings_for(D("1999"), history([], kind="electricity")) == []
    assert codes(checks.warnings_for(D("301"), history([], kind="gas"))) == ["jump"]
    # nothing used lately (a vacant unit): the ceiling too
    vacant = history([("2026-09", "7"), ("2026-10", "7")], initial="7")
    assert checks.warnings_for(D("50"), vacant) == []
    assert codes(checks.warnings_for(D("108"), vacant)) == ["jump"]
    # a shared meter serves many units: no ceiling for its first reading
    assert checks.warnings_for(D("5000"), history([], shared=True)) == []


def test_unconfirmed_keeps_the_warnings_not_ticked():
    found = checks.warnings_for(D("1"), history([("2026-10", "40")]))
    assert codes(checks.unconfirmed(found, [])) == ["lower"]
    assert checks.unconfirmed(found, ["lower"]) == []
    assert codes(checks.unconfirmed(found, ["jump"])) == ["lower"]


def test_typed_values():
    assert checks.parse_value(" 1,234.5 ") == (D("1234.50"), None)
    bad = [("", "required"), ("abc", "not_a_number"), ("-1", "negative"), ("1.234", "places"),
           ("NaN", "not_a_number"), ("1e20", "too_large")]  # fmt: skip
    for raw, code in bad:
        value, problem = checks.parse_value(raw)
        assert value is None and problem.code == code, raw


def test_consumption_is_the_difference_times_the_multiplier_never_negative():
    assert consumption(D("130.5"), D("100"), D("1")) == D("30.50")
    assert consumption(D("12.34"), D("12.00"), D("80")) == D("27.20")
    assert consumption(D("90"), D("100"), D("1")) == D("0.00")


def test_split_by_hand_largest_remainder():
    # 100.00 over three equal units: 33.34 + 33.33 + 33.33 (the first tie wins)
    assert split(D("100"), [D(1)] * 3) == [D("33.34"), D("33.33"), D("33.33")]
    # by area 50 / 100 / 150 of 10.00: 1.666…, 3.333…, 5.00 → 1.67, 3.33, 5.00
    assert split(D("10"), [D(50), D(100), D(150)]) == [D("1.67"), D("3.33"), D("5.00")]
    # all areas zero: equal parts
    assert split(D("0.02"), [D(0), D(0), D(0)]) == [D("0.01"), D("0.01"), D("0.00")]
    assert split(D("5"), []) == []


@given(
    total=st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100),
    weights=st.lists(
        st.integers(min_value=0, max_value=50_000).map(lambda c: Decimal(c) / 100),
        min_size=1,
        max_size=60,
    ),
)
def test_split_adds_up_exactly_and_each_part_is_within_a_cent(total, weights):
    parts = split(total, weights)
    assert sum(parts, Decimal(0)) == total
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)
    whole = sum(weights) or len(weights)
    used = weights if sum(weights) else [Decimal(1)] * len(weights)
    for part, weight in zip(parts, used, strict=True):
        assert abs(part - total * weight / whole) < Decimal("0.01")
    assert split(total, weights) == parts  # deterministic
