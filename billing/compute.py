"""The arithmetic of a bill line, without the database: proration by days, tiered prices,
and the explanation of each amount. Everything is Decimal; only the final amount of a
line is rounded (core.money: ROUND_HALF_UP to 0.01)."""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core import texts
from core.money import money
from estates.choices import UnitKind

from .choices import Method

ZERO = Decimal("0")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period "YYYY-MM"."""
    year, month = (int(x) for x in period.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_period(period: str) -> str:
    first, _last = period_bounds(period)
    before = first - dt.timedelta(days=1)
    return f"{before.year:04d}-{before.month:02d}"


def covered_days(period: str, spans) -> int:
    """Days of the period covered by any of `spans` [(start, end or None), ...] (the unit's
    owner occupancies: move in, move out). Overlapping spans count once."""
    first, last = period_bounds(period)
    days = set()
    for start, end in spans:
        lo = max(first, start)
        hi = min(last, end) if end is not None else last
        if lo <= hi:
            days.update(range(lo.toordinal(), hi.toordinal() + 1))
    return len(days)


def _num(value) -> str:
    """A quantity or price as shown in explanations: two places, more only if needed."""
    value = Decimal(value)
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:f}" if value == cents else f"{value.normalize():f}"


def tiered_amount(quantity: Decimal, tiers) -> tuple[Decimal, list[tuple[Decimal, Decimal]]]:
    """(exact amount, [(quantity in step, price), ...]) of `quantity` under stepped prices
    `tiers` [(up_to or None, price), ...] sorted by up_to (None last)."""
    steps, below, remaining, total = [], ZERO, Decimal(quantity), ZERO
    for up_to, price in tiers:
        if remaining <= 0:
            break
        room = remaining if up_to is None else min(remaining, Decimal(up_to) - below)
        if room > 0:
            steps.append((room, Decimal(price)))
            total += room * Decimal(price)
            remaining -= room
        if up_to is not None:
            below = Decimal(up_to)
    return total, steps


@dataclass
class LineFigures:
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    explanation: texts.Message


def periodic_line(method, *, price, area, spaces, days, month_days) -> LineFigures | None:
    """A monthly fee for `days` of a month of `month_days` days (None when nothing is due)."""
    price = Decimal(price)
    if days <= 0:
        return None
    fraction = Decimal(days) / Decimal(month_days)
    share = {"days": days, "month_days": month_days, "price": _num(price)}
    if method == Method.PER_AREA:
        quantity = Decimal(area)
        text = texts.gettext(
            "%(area)s m² × ¥%(price)s × %(days)s/%(month_days)s days", area=_num(area), **share
        )
    elif method == Method.PER_PARKING:
        quantity = Decimal(spaces)
        if quantity <= 0:
            return None
        text = texts.gettext(
            "%(spaces)s space(s) × ¥%(price)s × %(days)s/%(month_days)s days",
            spaces=spaces,
            **share,
        )
    elif method == Method.FIXED:
        quantity = Decimal(1)
        text = texts.gettext("¥%(price)s × %(days)s/%(month_days)s days", **share)
    else:
        raise ValueError(method)
    return LineFigures(quantity, price, money(quantity * price * fraction), text)


def metered_line(*, quantity, tiers) -> LineFigures | None:
    """A metered fee: the usage priced step by step (stepped water prices)."""
    quantity = Decimal(quantity)
    if quantity <= 0 or not tiers:
        return None
    exact, steps = tiered_amount(quantity, tiers)
    parts = " + ".join(f"{_num(q)} × ¥{_num(p)}" for q, p in steps)
    text = texts.gettext("%(usage)s units: %(steps)s", usage=_num(quantity), steps=parts)
    return LineFigures(quantity, Decimal(tiers[0][1]), money(exact), text)


def parking_spaces(unit_kind: str, profile_spaces: int | None) -> int:
    if profile_spaces is not None:
        return profile_spaces
    return 1 if unit_kind == UnitKind.PARKING else 0
