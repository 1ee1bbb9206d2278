"""Reads of the meter pages: the rows of the phone entry page, a meter's history."""

from dataclasses import dataclass
from decimal import Decimal

from .meter_math import consumption
from .models import Meter, MeterReading
from .services.meters import histories


@dataclass
class EntryRow:
    meter: Meter
    history: object  # meter_checks.History
    reading: MeterReading | None  # this period's, if recorded
    typed: str = ""
    errors: list | None = None
    warnings: list | None = None
    saved: bool = False  # just saved (the htmx answer of one row)


def entry_meters(building, floor: int | None = None):
    """The active meters of a building in walking order: floor, entrance, number; the
    building's shared meters last."""
    meters = Meter.objects.filter(building=building, is_active=True).select_related(
        "unit", "fee_item"
    )
    if floor is not None:
        meters = meters.filter(unit__floor=floor)
    return list(
        meters.order_by("unit__floor", "unit__entrance", "unit__number", "kind", "serial_number")
    )


def entry_rows(meters, period: str) -> list[EntryRow]:
    known = histories(meters, period)
    current = {r.meter_id: r for r in MeterReading.objects.filter(meter__in=meters, period=period)}
    return [EntryRow(m, known[m.pk], current.get(m.pk)) for m in meters]


def reading_history(meter, limit: int = 36) -> list[dict]:
    """The meter's readings, newest first, each with the consumption since the one before."""
    readings = list(meter.readings.select_related("read_by").order_by("period")[:1000])
    rows, previous = [], meter.initial_value
    for reading in readings:
        rows.append(
            {
                "reading": reading,
                "consumption": consumption(reading.value, previous, meter.multiplier),
            }
        )
        previous = reading.value
    return list(reversed(rows))[:limit]


def period_summary(estate, period: str) -> list[dict]:
    """Per fee item: meters read in the period, and their consumption."""
    from .services.meter_usage import consumptions

    used = consumptions(estate, period)
    meters = Meter.objects.filter(pk__in=used).select_related("fee_item")
    totals: dict = {}
    for meter in meters:
        row = totals.setdefault(
            meter.fee_item_id, {"fee_item": meter.fee_item, "meters": 0, "total": Decimal(0)}
        )
        row["meters"] += 1
        row["total"] += used[meter.pk]
    return sorted(totals.values(), key=lambda r: r["fee_item"].name)


def unit_meters(unit) -> list[Meter]:
    """The unit's meters (removed ones too), each with `.last`: its latest reading."""
    meters = list(Meter.objects.filter(unit=unit).order_by("-is_active", "kind", "serial_number"))
    latest = {}
    for reading in MeterReading.objects.filter(meter__in=meters).order_by("meter_id", "period"):
        latest[reading.meter_id] = reading
    for meter in meters:
        meter.last = latest.get(meter.pk)
    return meters
