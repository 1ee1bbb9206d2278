"""Reading an import file: CSV (UTF-8 with or without BOM, or GB18030) or XLSX.

The type is decided by the content, never by the name: a zip that openpyxl can open is a
workbook; anything else must decode as text. Every row comes out as a list of strings with
the line number the user sees in the file (the header is line 1, blank lines count).
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import texts
from core.uploads import XLSX_TYPES, check_size, check_text_upload, sniff_mime

from ..choices import ImportKind

CSV, XLSX = "csv", "xlsx"
MAX_ROWS = 20_000  # data rows in one file; bigger files are split by the user
MAX_LINES = 100_000  # lines read at most (blank rows included), against inflated workbooks
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Column:
    key: str
    en: str  # English header, as written in the template
    zh: str  # Chinese header, as written in the template
    label: Promise  # shown on pages (translated)
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: object = ""
    text: bool = False  # formatted as text in the template (numbers that are not numbers)

    @property
    def template_header(self) -> str:
        return f"{self.zh} / {self.en}"


_BUILDING = Column(
    "building",
    "building",
    "楼栋",
    _("Building"),
    required=True,
    aliases=("楼栋名称", "楼号", "楼"),
    example="3栋",
)
_ENTRANCE = Column(
    "entrance", "entrance", "单元", _("Entrance"), aliases=("单元号",), example="1", text=True
)
_NUMBER = Column(
    "number",
    "number",
    "房号",
    _("Number"),
    required=True,
    aliases=("房间号", "门牌号", "room", "unit", "unit_number"),
    example="1201",
    text=True,
)
_MOBILE = Column(
    "mobile",
    "mobile",
    "手机",
    _("Mobile phone"),
    required=True,
    aliases=("手机号", "手机号码", "电话", "联系电话", "phone", "mobile_phone"),
    example="13800138000",
    text=True,
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.BUILDINGS: (
        Column(
            "name",
            "building",
            "楼栋",
            _("Name"),
            required=True,
            aliases=("name", "名称", "楼栋名称", "楼号"),
            example="3栋",
        ),
        Column("floors", "floors", "层数", _("Floors"), aliases=("楼层数",), example=18),
        Column(
            "completed_on",
            "completed_on",
            "竣工日期",
            _("Completed on"),
            aliases=("completed", "竣工时间"),
            example="2015-06-30",
            text=True,
        ),
        Column("note", "note", "备注", _("Note"), aliases=("notes", "remark")),
    ),
    ImportKind.UNITS: (
        _BUILDING,
        _ENTRANCE,
        _NUMBER,
        Column("floor", "floor", "楼层", _("Floor"), required=True, aliases=("层",), example=12),
        Column(
            "area",
            "area",
            "面积",
            _("Floor area (m²)"),
            required=True,
            aliases=("建筑面积", "面积(m²)", "面积(㎡)", "area_m2"),
            example=89.5,
        ),
        Column("kind", "kind", "类型", _("Kind"), aliases=("房屋类型", "type"), example="住宅"),
        Column("status", "status", "状态", _("Status"), aliases=("房屋状态",), example="空置"),
    ),
    ImportKind.PEOPLE: (
        Column("name", "name", "姓名", _("Name"), required=True, example="张三"),
        _MOBILE,
        Column(
            "email",
            "email",
            "邮箱",
            _("E-mail"),
            aliases=("e_mail", "电子邮箱", "邮件"),
            example="zhangsan@example.com",
        ),
        Column(
            "id_number",
            "id_number",
            "身份证号",
            _("ID number"),
            aliases=("身份证", "身份证号码", "id", "id_no"),
            example="11010519491231002X",
            text=True,
        ),
        Column("note", "note", "备注", _("Note"), aliases=("notes", "remark")),
    ),
    ImportKind.OCCUPANCIES: (
        _BUILDING,
        _ENTRANCE,
        _NUMBER,
        _MOBILE,
        Column("role", "role", "身份", _("Role"), required=True, aliases=("角色",), example="业主"),
        Column(
            "start_date",
            "start_date",
            "起始日期",
            _("From"),
            required=True,
            aliases=("开始日期", "入住日期", "start", "from"),
            example="2024-01-01",
            text=True,
        ),
        Column(
            "end_date",
            "end_date",
            "结束日期",
            _("To"),
            aliases=("截止日期", "end", "to"),
            text=True,
        ),
    ),
}


def columns_for(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError as exc:
        raise ValueError(f"unknown import kind {kind!r}") from exc


def normalize_header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).replace("*", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _alias_map(kind: str) -> dict[str, str]:
    mapping = {}
    for column in columns_for(kind):
        for name in (column.key, column.en, column.zh, *column.aliases):
            mapping.setdefault(normalize_header(name), column.key)
    return mapping


def match_header(value, kind: str) -> str | None:
    """The column key a header cell names: "房号", "Number", "房号 / number", "*楼栋(building)"."""
    aliases = _alias_map(kind)
    whole = normalize_header(value)
    if whole in aliases:
        return aliases[whole]
    text = unicodedata.normalize("NFKC", str(value or ""))
    for pattern in (r"[/|()\[\]\n]+", r"[/|()\[\]\s]+"):
        for part in re.split(pattern, text):
            key = aliases.get(normalize_header(part))
            if key:
                return key
    return None


@dataclass
class Table:
    kind: str
    file_type: str
    columns: dict[str, int] = field(default_factory=dict)  # key -> cell index
    headers: dict[str, str] = field(default_factory=dict)  # key -> header as in the file
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells)
    errors: list[dict] = field(default_factory=list)  # problems with the header (line 1)

    def value(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(
            c.template_header for c in columns_for(self.kind) if c.key == key
        )


# --- File type ---------------------------------------------------------------------------


def _not_accepted():
    return ValidationError(
        _(
            "This file is neither a CSV text file nor an Excel workbook (.xlsx). "
            "Save it from your spreadsheet as CSV or XLSX and upload it again."
        ),
        code="bad_content",
    )


def _open_workbook(upload):
    from openpyxl import load_workbook

    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, openpyxl's InvalidFileException...
        raise ValidationError(
            _("The Excel file could not be read. Save it again as .xlsx and retry."),
            code="bad_xlsx",
        ) from exc
    finally:
        upload.seek(0)


def _decode_text(upload) -> str:
    text = check_text_upload(upload)
    if CONTROL_CHARS.search(text[:8192]):
        raise _not_accepted()
    return text


def detect(upload) -> str:
    """CSV or XLSX, by content; size checked first. Raises ValidationError otherwise."""
    check_size(upload)
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    mime = sniff_mime(upload)
    if mime in XLSX_TYPES:
        return XLSX
    if mime is not None:
        raise _not_accepted()
    return CSV


def check_file(upload) -> str:
    """What a form runs: type, size and that the file opens. Returns CSV or XLSX."""
    file_type = detect(upload)
    if file_type == XLSX:
        workbook = _open_workbook(upload)
        workbook.close()
    else:
        _decode_text(upload)
    upload.seek(0)
    return file_type


# --- Cells ---------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as the text the user typed: 12.0 -> "12", a date -> "2024-03-01"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(text: str):
    """(line, cells) for every record; line is where the record starts in the file."""
    sample = text[:4096].splitlines()[0] if text.strip() else ""
    delimiter = ","
    if sample and sample.count(",") == 0:
        for candidate in ("\t", ";"):
            if candidate in sample:
                delimiter = candidate
                break
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, [cell_text(c) for c in cells]
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s of the CSV file cannot be read: %(error)s"),
            params={"line": line, "error": str(exc)},
            code="bad_csv",
        ) from exc


def _xlsx_rows(upload):
    workbook = _open_workbook(upload)
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [cell_text(v) for v in values]
    finally:
        workbook.close()


def _too_many():
    return ValidationError(
        _("The file has more than %(max)s rows. Split it into smaller files."),
        params={"max": f"{MAX_ROWS:,}"},
        code="too_many_rows",
    )


def read_table(upload, kind: str) -> Table:
    """Read the whole file. File-level problems raise ValidationError; header problems are
    returned in table.errors so that they are listed with the row errors."""
    columns = columns_for(kind)
    file_type = detect(upload)
    source = _xlsx_rows(upload) if file_type == XLSX else _csv_rows(_decode_text(upload))
    table = Table(kind=kind, file_type=file_type)
    header_seen = False
    for line, cells in source:
        if line > MAX_LINES:
            raise _too_many()
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            _read_header(table, line, cells)
            continue
        table.rows.append((line, cells))
        if len(table.rows) > MAX_ROWS:
            raise _too_many()
    if not header_seen:
        raise ValidationError(_("The file is empty."), code="empty")
    for column in columns:
        if column.required and column.key not in table.columns:
            table.errors.append(
                {
                    "line": 1,
                    "column": column.template_header,
                    "message": texts.gettext(
                        "The required column “%(column)s” is missing.",
                        column=column.template_header,
                    ).data,
                }
            )
    if not table.rows:
        table.errors.append(
            {
                "line": 2,
                "column": "",
                "message": texts.gettext("The file has no rows to import.").data,
            }
        )
    return table


def _read_header(table: Table, line: int, cells: list[str]):
    for index, cell in enumerate(cells):
        if not cell:
            continue
        key = match_header(cell, table.kind)
        if key is None:
            continue  # extra columns (remarks, row numbers...) are ignored
        if key in table.columns:
            table.errors.append(
                {
                    "line": line,
                    "column": cell,
                    "message": texts.gettext(
                        "Column “%(column)s” appears twice.", column=table.headers[key]
                    ).data,
                }
            )
            continue
        table.columns[key] = index
        table.headers[key] = cell
