"""The arithmetic of meters, without the database: consumption from readings, and the
split of a shared meter's consumption (公摊) over its units so that the parts add up
exactly (largest remainder: the cents left after rounding down go to the largest
fractions, ties to the earlier unit in the given order)."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def quantity(value) -> Decimal:
    """A usage quantity: two places, ROUND_HALF_UP (as core.money rounds money)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def consumption(value, previous, multiplier) -> Decimal:
    """What the meter measured since `previous`, × multiplier; never below zero (a lower
    reading confirmed by the user bills nothing rather than a credit)."""
    used = Decimal(value) - Decimal(previous)
    return quantity(max(used, ZERO) * Decimal(multiplier))


def split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` (two places) in parts proportional to `weights`, in cents, the parts adding
    up to `total` exactly. All weights zero (or none positive): equal parts."""
    total = quantity(total)
    if not weights:
        return []
    weights = [max(Decimal(w), ZERO) for w in weights]
    if sum(weights) <= 0:
        weights = [Decimal(1)] * len(weights)
    cents = int(total / CENT)
    whole = sum(weights)
    exact = [Decimal(cents) * w / whole for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = cents - sum(floors)
    # Largest fraction first; ties: the earlier index (a stable, deterministic order).
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]
