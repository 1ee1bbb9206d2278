"""Importing meter readings from CSV or XLSX (reading_import_*).

The file is read with the estates import helpers (type by content, header in Chinese or
English, line numbers as the user sees them, cell readers collecting every problem).

reading_import_upload  reads and checks every row: each error and warning with its line
                       number; the rows are kept (not the file) so that apply checks again.
reading_import_apply   all or nothing: checks every row again under a lock of the import
                       (the database may have changed); a file with an error saves nothing;
                       warnings need the explicit confirmation; a row whose reading is
                       already recorded with the same value is skipped, so importing the
                       same file twice creates nothing twice.
"""

import io
import os
import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import texts
from core.audit import record_event
from core.errors import DomainError, TransitionError
from estates.imports import parsing
from estates.imports.cells import Checker, parse_date, seen_before
from estates.permissions import require

from .. import meter_checks as checks
from .. import permissions as P
from ..choices import ReadingImportStatus, ReadingSource
from ..models import Meter, MeterReading, ReadingImport
from .meters import closed_problem, histories, period_closed

KIND = "meter_readings"
COLUMNS = (
    parsing.Column(
        "serial",
        "meter",
        "表号",
        gettext_lazy("Meter serial number"),
        required=True,
        aliases=("serial", "serial_number", "meter_no", "表编号", "仪表编号"),
        example="W-3-0101",
        text=True,
    ),
    parsing.Column(
        "period",
        "period",
        "月份",
        gettext_lazy("Month"),
        required=True,
        aliases=("期间", "抄表月份", "month"),
        example="2026-11",
        text=True,
    ),
    parsing.Column(
        "value",
        "reading",
        "读数",
        gettext_lazy("Reading"),
        required=True,
        aliases=("本期读数", "value", "本月读数"),
        example="123.5",
    ),
    parsing.Column(
        "read_on",
        "read_on",
        "抄表日期",
        gettext_lazy("Read on"),
        aliases=("date", "日期"),
        example="2026-11-25",
        text=True,
    ),
)
# The estates reader knows the columns of each kind by this table: billing adds its own.
parsing.COLUMNS[KIND] = COLUMNS
PERIOD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*月)?(?:[-/.]\d{1,2}(?:日)?)?$")
PERIOD_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


def parse_period(value: str) -> str | None:
    """ "2026-11", "2026/11", "2026年11月", "202611", "2026-11-01" -> "2026-11"."""
    value = value.strip().split(" ", 1)[0]
    match = PERIOD.match(value) or PERIOD_COMPACT.match(value)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 2000:
        return None
    return f"{year:04d}-{month:02d}"


# --- Checking the rows ------------------------------------------------------------------------


def _read_rows(table) -> tuple[list[dict], Checker]:
    """The cells of every row as text, with their line."""
    checker = Checker(table, None)
    rows = []
    for line, cells in table.rows:
        checker.start(line, cells)
        rows.append(
            {
                "line": line,
                "serial": checker.raw("serial"),
                "period": checker.raw("period"),
                "value": checker.raw("value"),
                "read_on": checker.raw("read_on"),
            }
        )
    return rows, checker


def check_rows(estate, table, rows: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(good rows, errors, warnings). A good row: line, meter id, period, value, read on,
    warning codes, and `same` when that reading is recorded already with this value."""
    checker = Checker(table, None)
    checker.errors = list(table.errors)
    warnings: list[dict] = []
    serials = {r["serial"] for r in rows if r["serial"]}
    meters = {
        m.serial_number: m for m in Meter.objects.filter(estate=estate, serial_number__in=serials)
    }
    periods = {parse_period(r["period"]) for r in rows} - {None}
    closed = {p for p in periods if period_closed(estate, p)}
    existing = {
        (meter_id, period): value
        for meter_id, period, value in MeterReading.objects.filter(
            meter__in=meters.values(), period__in=periods
        ).values_list("meter_id", "period", "value")
    }
    parsed, seen = [], {}
    for row in rows:
        if not row["value"]:
            continue  # a meter not read this time (the template lists every meter)
        checker.start(row["line"], [])
        meter = meters.get(row["serial"])
        if not row["serial"]:
            checker.error("serial", texts.gettext("This value is required."))
        elif meter is None:
            checker.error(
                "serial",
                texts.gettext(
                    "No meter “%(serial)s” in %(estate)s.", serial=row["serial"], estate=estate
                ),
            )
        period = parse_period(row["period"])
        if period is None:
            checker.error(
                "period",
                texts.gettext("Write the month as YYYY-MM, not “%(value)s”.", value=row["period"]),
            )
        elif period in closed:
            checker.error("period", closed_problem(period).message)
        value, problem = checks.parse_value(row["value"])
        if problem is not None:
            checker.error("value", problem.message)
        read_on = None
        if row["read_on"]:
            read_on = parse_date(row["read_on"])
            if read_on is None:
                checker.error(
                    "read_on",
                    texts.gettext(
                        "Enter a date such as 2024-03-01, not “%(value)s”.", value=row["read_on"]
                    ),
                )
        if meter is not None and period is not None:
            if seen_before(checker, seen, (meter.pk, period), "serial"):
                continue
            if meter.removed_on and period > meter.removed_on.strftime("%Y-%m"):
                checker.error(
                    "serial",
                    texts.gettext("This meter was removed on %(date)s.", date=meter.removed_on),
                )
            recorded = existing.get((meter.pk, period))
            if value is not None and recorded not in (None, value) and period not in closed:
                checker.error(
                    "value",
                    texts.gettext(
                        "%(period)s already has the reading %(value)s; "
                        "correct it on the entry page.",
                        period=period,
                        value=f"{recorded:f}",
                    ),
                )
        if checker.row_ok:
            parsed.append(
                {
                    "line": row["line"],
                    "meter": meter,
                    "period": period,
                    "value": value,
                    "read_on": read_on,
                    "same": (meter.pk, period) in existing,
                }
            )
    if not checker.errors and not parsed:
        checker.errors.append(
            {
                "line": 2,
                "column": "",
                "message": texts.gettext("The file has no readings to import.").data,
            }
        )
    errors = sorted(checker.errors, key=lambda e: e["line"] or 0)
    good = []
    # Warnings in the order of the months, each row seeing the file's earlier months too.
    recorded = _recorded(parsed)
    by_meter: dict[int, list] = {}
    for row in sorted(parsed, key=lambda r: (r["meter"].pk, r["period"])):
        meter, period = row["meter"], row["period"]
        in_file = by_meter.setdefault(meter.pk, [])
        before = [r for r in recorded.get(meter.pk, ()) if r[0] < period]
        earlier = sorted(before + in_file, reverse=True)[: checks.HISTORY_PERIODS + 1]
        history = checks.history_from(
            meter.kind, meter.initial_value, earlier, shared=meter.is_shared
        )
        found = [] if row["same"] else checks.warnings_for(row["value"], history)
        in_file.append((period, row["value"]))
        for warning in found:
            warnings.append(
                {
                    "line": row["line"],
                    "column": table.header("value"),
                    "code": warning.code,
                    "message": warning.message.data,
                }
            )
        good.append(
            {
                "line": row["line"],
                "meter_id": meter.pk,
                "serial": meter.serial_number,
                "period": row["period"],
                "value": f"{row['value']:f}",
                "read_on": row["read_on"].isoformat() if row["read_on"] else "",
                "warnings": [w.code for w in found],
                "same": row["same"],
            }
        )
    warnings.sort(key=lambda w: w["line"])
    good.sort(key=lambda r: r["line"])
    return good, errors, warnings


def _recorded(parsed) -> dict[int, list[tuple[str, Decimal]]]:
    """meter id -> its recorded readings before the file's last month (one query)."""
    if not parsed:
        return {}
    last = max(r["period"] for r in parsed)
    rows = MeterReading.objects.filter(
        meter_id__in={r["meter"].pk for r in parsed}, period__lt=last
    ).values_list("meter_id", "period", "value")
    recorded = defaultdict(list)
    for meter_id, period, value in rows.iterator(chunk_size=5000):
        recorded[meter_id].append((period, value))
    return recorded


def _file_error(exc: ValidationError) -> list[dict]:
    return [{"line": None, "column": "", "message": texts.from_validation_error(exc).data}]


def reading_import_upload(*, estate, upload, actor) -> ReadingImport:
    """Read and check the file. Nothing but the import's own row is saved."""
    require(actor, P.READ_METERS, estate)
    name = os.path.basename(getattr(upload, "name", "") or "") or "readings"
    record = ReadingImport(estate=estate, original_name=name[:200], created_by=actor)
    try:
        upload.seek(0)
        data = upload.read()
        buffer = io.BytesIO(data)
        buffer.size, buffer.name = len(data), name
        table = parsing.read_table(buffer, KIND)
    except ValidationError as exc:
        record.errors, record.status = _file_error(exc), ReadingImportStatus.INVALID
        record.save()
        return record
    rows, _checker = _read_rows(table)
    good, errors, warnings = check_rows(estate, table, rows)
    record.rows = rows
    record.row_count = len(rows)
    record.errors, record.warnings = errors, warnings
    record.new_count = sum(1 for row in good if not row["same"])
    record.same_count = len(good) - record.new_count
    record.status = ReadingImportStatus.INVALID if errors else ReadingImportStatus.READY
    record.save()
    return record


class _Table:
    """The parts of an estates Table that check_rows uses, rebuilt from a stored import."""

    def __init__(self):
        self.errors = []
        self.kind = KIND

    def header(self, key):
        return next(c.template_header for c in COLUMNS if c.key == key) if key else ""


def _seen(warnings) -> list[tuple]:
    return sorted((w["line"], w["code"]) for w in warnings)


def reading_import_apply(*, import_id, actor, confirm_warnings: bool) -> ReadingImport:
    """Create the file's readings, all or nothing (see the module)."""
    with transaction.atomic():
        record = (
            ReadingImport.objects.select_for_update().select_related("estate").get(pk=import_id)
        )
        require(actor, P.READ_METERS, record.estate)
        if record.status == ReadingImportStatus.APPLIED:
            raise TransitionError(_("This file has already been imported."))
        if record.status == ReadingImportStatus.INVALID:
            raise TransitionError(_("This file has errors: correct it and upload it again."))
        good, errors, warnings = check_rows(record.estate, _Table(), record.rows)
        if errors:
            record.errors, record.warnings = errors, warnings
            record.status = ReadingImportStatus.INVALID
            record.save(update_fields=["errors", "warnings", "status", "updated_at"])
            return record
        # The confirmation is of the warnings as shown: one that appeared since the preview
        # (the database changed meanwhile) is shown first, to be confirmed in its turn.
        changed = _seen(warnings) != _seen(record.warnings)
        unconfirmed = changed or (bool(warnings) and not confirm_warnings)
        record.warnings = warnings
        if unconfirmed:
            record.save(update_fields=["warnings", "updated_at"])
        else:
            _create(record, good, actor)
    if unconfirmed:
        raise DomainError(
            _("Check the warnings and confirm them, or correct the file and upload it again.")
        )
    return record


def _create(record, good, actor) -> None:
    today = timezone.localdate()
    new = [
        MeterReading(
            meter_id=row["meter_id"],
            estate=record.estate,
            period=row["period"],
            value=row["value"],
            read_on=row["read_on"] or today,
            read_by=actor,
            source=ReadingSource.IMPORT,
            confirmed_warnings=row["warnings"],
        )
        for row in good
        if not row["same"]
    ]
    try:
        with transaction.atomic():
            MeterReading.objects.bulk_create(new, batch_size=2000)
    except IntegrityError:  # a reading typed on a phone meanwhile: nothing is imported
        raise DomainError(
            _("Readings of this file were recorded meanwhile. Nothing was imported; try again.")
        ) from None
    record.status = ReadingImportStatus.APPLIED
    record.created_count = len(new)
    record.applied_at = timezone.now()
    record.save(update_fields=["status", "created_count", "applied_at", "warnings", "updated_at"])
    record_event(
        record,
        actor=actor,
        verb="meter_readings_imported",
        changes={"created": len(new), "confirmed_warnings": len(record.warnings)},
    )


# --- Template -----------------------------------------------------------------------------------


def reading_template_xlsx(estate, period: str) -> bytes:
    """The columns, and a row per active meter of `estate` (its unit, its last reading) with
    the reading left to fill in. Extra columns (building, unit, last reading) are ignored
    when the file comes back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "readings"
    extra = ["楼栋 / building", "房号 / unit", "上次抄表 / previous"]
    headers = [c.template_header for c in COLUMNS] + extra
    fill = PatternFill("solid", fgColor="FFF2CC")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True)
        if index <= 3:
            cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = 18
    meters = (
        Meter.objects.filter(estate=estate, is_active=True)
        .select_related("unit", "building")
        .order_by(
            "building__name", "unit__floor", "unit__entrance", "unit__number", "serial_number"
        )
    )
    last = histories(list(meters), period)
    for line, meter in enumerate(meters, start=2):
        values = [
            meter.serial_number,
            period,
            None,
            None,
            meter.building.name if meter.building else "",
            meter.unit.label if meter.unit else _("Shared"),
            last[meter.pk].last_value,
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=index, value=value)
            if index in (1, 2):
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
