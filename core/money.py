"""One rounding rule for money: ROUND_HALF_UP to 0.01 CNY. No floats anywhere."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money() refuses floats; pass a Decimal, int or str")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _exact(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money_sum() refuses floats; pass Decimals, ints or strs")
    return Decimal(value)


def money_sum(values) -> Decimal:
    return money(sum((_exact(v) for v in values), Decimal("0")))
