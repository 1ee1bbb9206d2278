"""The checks of a meter reading, without the database: what blocks it (an error) and
what must be confirmed or corrected (a warning). Pages, the phone entry and imports share
them; the messages are Messages (core.texts), shown in the reader's language.

Warnings:
- "lower": the value is below the last reading. A meter does not run backwards: either a
  typing mistake, or the meter was replaced (then register the new meter instead).
- "jump": the consumption is more than JUMP_FACTOR × the average of the last periods'
  consumption, or (no history yet) above an absolute ceiling per kind of meter.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core import texts

from .choices import MeterKind

LOWER, JUMP = "lower", "jump"
WARNING_CODES = (LOWER, JUMP)
JUMP_FACTOR = Decimal(3)
HISTORY_PERIODS = 3
# Consumption of a unit meter in one month above which a first reading needs a second look.
CEILINGS = {
    MeterKind.WATER: Decimal("100"),  # m³
    MeterKind.ELECTRICITY: Decimal("2000"),  # kWh
    MeterKind.GAS: Decimal("300"),  # m³
}
MAX_VALUE = Decimal("9999999999.99")  # what the reading column holds


@dataclass
class History:
    """What is known of a meter before the period: its last value (or the value when it
    was installed) and the consumption of its last periods, most recent first."""

    kind: str
    last_value: Decimal
    last_period: str = ""  # "" when last_value is the installation value
    consumptions: list[Decimal] = field(default_factory=list)
    shared: bool = False

    @property
    def usual(self) -> Decimal | None:
        """The average consumption of the last HISTORY_PERIODS periods (None: no history)."""
        recent = self.consumptions[:HISTORY_PERIODS]
        if not recent:
            return None
        return (sum(recent, Decimal(0)) / len(recent)).quantize(Decimal("0.01"))


@dataclass
class Problem:
    code: str
    message: texts.Message

    @property
    def data(self) -> dict:
        return {"code": self.code, "message": self.message.data}


def parse_value(raw: str) -> tuple[Decimal | None, Problem | None]:
    """A typed reading: (value, None) or (None, the error)."""
    text = (raw or "").strip().replace(",", "")
    if not text:
        return None, Problem("required", texts.gettext("Enter the reading."))
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        return None, Problem(
            "not_a_number", texts.gettext("Enter a number, not “%(value)s”.", value=raw.strip())
        )
    if value < 0:
        return None, Problem("negative", texts.gettext("A reading cannot be negative."))
    if value != value.quantize(Decimal("0.01")):
        return None, Problem(
            "places", texts.gettext("Use at most %(places)s decimal places.", places=2)
        )
    if value > MAX_VALUE:
        return None, Problem("too_large", texts.gettext("This number is too large."))
    return value.quantize(Decimal("0.01")), None


def warnings_for(value: Decimal, history: History) -> list[Problem]:
    """The warnings of `value` read after `history` (empty: nothing unusual)."""
    if value < history.last_value:
        if history.last_period:
            message = texts.gettext(
                "Lower than the last reading (%(last)s in %(period)s). If the meter was "
                "replaced, register the new meter instead.",
                last=f"{history.last_value:f}",
                period=history.last_period,
            )
        else:
            message = texts.gettext(
                "Lower than the meter's reading when installed (%(last)s).",
                last=f"{history.last_value:f}",
            )
        return [Problem(LOWER, message)]
    consumption = value - history.last_value
    usual = history.usual
    if usual is not None and usual > 0:
        if consumption > JUMP_FACTOR * usual:
            return [
                Problem(
                    JUMP,
                    texts.gettext(
                        "Consumption %(consumption)s is more than %(factor)s× the usual %(usual)s.",
                        consumption=f"{consumption:f}",
                        factor=JUMP_FACTOR,
                        usual=f"{usual:f}",
                    ),
                )
            ]
        return []
    # No history (or nothing used lately, e.g. a vacant unit): an absolute ceiling.
    ceiling = CEILINGS.get(history.kind)
    if not history.shared and ceiling is not None and consumption > ceiling:
        return [
            Problem(
                JUMP,
                texts.gettext(
                    "Consumption %(consumption)s is above %(ceiling)s, unusual for one month.",
                    consumption=f"{consumption:f}",
                    ceiling=f"{ceiling:f}",
                ),
            )
        ]
    return []


def unconfirmed(warnings: list[Problem], confirmed) -> list[Problem]:
    """The warnings not confirmed by the user (confirmed: the codes they ticked)."""
    confirmed = set(confirmed or ())
    return [w for w in warnings if w.code not in confirmed]


def history_from(kind: str, initial, earlier: list[tuple[str, Decimal]], *, shared=False):
    """The History of a meter from its readings before the period, [(period, value), ...]
    in any order, and its value when installed."""
    earlier = sorted(earlier, reverse=True)
    values = [Decimal(v) for _p, v in earlier] + [Decimal(initial)]
    consumptions = [
        max(values[i] - values[i + 1], Decimal(0))
        for i in range(min(len(earlier), HISTORY_PERIODS))
    ]
    return History(
        kind=kind,
        last_value=values[0],
        last_period=earlier[0][0] if earlier else "",
        consumptions=consumptions,
        shared=shared,
    )
