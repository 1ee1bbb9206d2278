"""Meters and readings (meter_*, reading_*): registering and changing a meter, recording
a reading with its checks (billing.meter_checks). A reading with a warning is saved only
when the user confirmed that warning; an error always blocks."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import diff, record_event, snapshot
from core.errors import DomainError
from estates.permissions import require

from .. import meter_checks as checks
from .. import permissions as P
from ..choices import RunStatus
from ..compute import period_bounds
from ..models import BillRun, Meter, MeterReading

METER_FIELDS = ["unit", "building", "kind", "fee_item", "serial_number", "multiplier",
                "initial_value", "allocation", "installed_on", "removed_on",
                "is_active"]  # fmt: skip
CLOSED_RUN_STATUSES = (RunStatus.ISSUING, RunStatus.ISSUED)


def period_closed(estate, period: str) -> bool:
    """A period is closed once its bills are being issued: its readings stay as they are."""
    return BillRun.objects.filter(
        estate=estate, period=period, status__in=CLOSED_RUN_STATUSES
    ).exists()


def closed_problem(period: str) -> checks.Problem:
    return checks.Problem(
        "period_closed",
        texts.gettext(
            "The bills of %(period)s are issued: its readings are closed.", period=period
        ),
    )


def _check_meter(estate, data) -> None:
    unit, building = data.get("unit"), data.get("building")
    if unit is not None:
        if unit.estate_id != estate.pk:
            raise ValidationError({"unit": _("Choose a unit of this estate.")})
        data["building"] = unit.building
        data["allocation"] = ""
    else:
        if building is not None and building.estate_id != estate.pk:
            raise ValidationError({"building": _("Choose a building of this estate.")})
        if not data.get("allocation"):
            raise ValidationError({"allocation": _("A shared meter needs an allocation rule.")})
    fee_item = data.get("fee_item")
    if fee_item is not None and fee_item.estate_id not in (None, estate.pk):
        raise ValidationError({"fee_item": _("Choose a fee item of this estate.")})
    if data.get("removed_on"):
        data["is_active"] = False


def _save(meter, served_units):
    try:
        with transaction.atomic():
            meter.save()
    except IntegrityError:
        raise ValidationError(
            _(
                "Another meter has this serial number, or the unit already has an active "
                "meter for this fee item (remove the old one first)."
            )
        ) from None
    if meter.unit_id is None:
        meter.served_units.set(served_units or [])
    else:
        meter.served_units.clear()


def meter_create(*, estate, actor, served_units=(), **data) -> Meter:
    require(actor, P.CONFIGURE, estate)
    _check_meter(estate, data)
    with transaction.atomic():
        meter = Meter(estate=estate, **data)
        _save(meter, served_units)
        record_event(meter, actor=actor, verb="meter_created")
    return meter


def meter_update(*, meter_id, actor, served_units=(), **data) -> Meter:
    with transaction.atomic():
        meter = Meter.objects.select_for_update().select_related("estate").get(pk=meter_id)
        require(actor, P.CONFIGURE, meter.estate)
        _check_meter(meter.estate, data)
        before = snapshot(meter, METER_FIELDS)
        for name, value in data.items():
            setattr(meter, name, value)
        _save(meter, served_units)
        record_event(
            meter,
            actor=actor,
            verb="meter_changed",
            changes=diff(before, snapshot(meter, METER_FIELDS)),
        )
    return meter


# --- History --------------------------------------------------------------------------------


def histories(meters, period: str, extra: dict | None = None) -> dict[int, checks.History]:
    """meter id -> its History before `period` (readings of earlier periods), in one query.
    `extra`: meter id -> [(period, value)] not yet saved (earlier rows of the same file)."""
    earlier = defaultdict(list)
    rows = MeterReading.objects.filter(meter__in=[m.pk for m in meters], period__lt=period)
    for meter_id, p, value in rows.order_by("meter_id", "-period").values_list(
        "meter_id", "period", "value"
    ):
        if len(earlier[meter_id]) <= checks.HISTORY_PERIODS:
            earlier[meter_id].append((p, value))
    for meter_id, more in (extra or {}).items():
        earlier[meter_id].extend((p, v) for p, v in more if p < period)
    return {
        m.pk: checks.history_from(m.kind, m.initial_value, earlier[m.pk], shared=m.is_shared)
        for m in meters
    }


# --- Recording a reading --------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one reading: saved (reading), or the errors / warnings to show."""

    meter: Meter
    reading: MeterReading | None = None
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # unconfirmed ones (not saved)
    changed: bool = False


def reading_record(
    *, meter, period: str, raw_value: str, actor, source, confirmed=(), read_on=None
) -> Outcome:
    """Record (or correct, while the period is open) `meter`'s reading for `period`.
    Returns an Outcome: errors and unconfirmed warnings leave the database as it was."""
    require(actor, P.READ_METERS, meter.estate)
    outcome = Outcome(meter=meter)
    value, problem = checks.parse_value(raw_value)
    if problem is not None:
        outcome.errors.append(problem)
        return outcome
    with transaction.atomic():
        meter = Meter.objects.select_for_update().select_related("estate").get(pk=meter.pk)
        outcome.meter = meter
        if period_closed(meter.estate, period):
            outcome.errors.append(closed_problem(period))
            return outcome
        existing = MeterReading.objects.filter(meter=meter, period=period).first()
        if existing is not None and existing.value == value:
            outcome.reading = existing
            return outcome
        warnings = checks.warnings_for(value, histories([meter], period)[meter.pk])
        outcome.warnings = checks.unconfirmed(warnings, confirmed)
        if outcome.warnings:
            return outcome
        codes = sorted({w.code for w in warnings})
        read_on = read_on or timezone.localdate()
        if existing is None:
            reading = MeterReading.objects.create(
                meter=meter,
                estate=meter.estate,
                period=period,
                read_on=read_on,
                value=value,
                read_by=actor,
                source=source,
                confirmed_warnings=codes,
            )
            record_event(
                meter,
                actor=actor,
                verb="meter_read",
                changes={"period": period, "value": str(value), "warnings": codes},
            )
        else:
            old = existing.value
            existing.value, existing.read_on, existing.read_by = value, read_on, actor
            existing.source, existing.confirmed_warnings = source, codes
            existing.save(
                update_fields=["value", "read_on", "read_by", "source", "confirmed_warnings"]
            )
            reading = existing
            record_event(
                meter,
                actor=actor,
                verb="meter_reading_corrected",
                changes={"period": period, "value": [str(old), str(value)], "warnings": codes},
            )
        outcome.reading, outcome.changed = reading, True
    return outcome


def check_period(period: str) -> str:
    try:
        if len(period) != 7:
            raise ValueError
        period_bounds(period)
    except (ValueError, TypeError):
        raise DomainError(_("A period is a month: YYYY-MM.")) from None
    return period
