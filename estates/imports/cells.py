"""Reading the cells of an import row: text, numbers, dates, choices, mobile numbers.

One Checker checks one file; every problem is collected (not only the first), each with the
line number the user sees in the file and the column header as written in the file.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation

from core import texts

from ..choices import OccupancyRole, UnitKind, UnitStatus
from ..models import Estate
from ..validators import normalize_mobile, validate_cn_mobile
from .parsing import Table

LOOKUP_CHUNK = 500

# Words people write in spreadsheets, besides the codes and the labels in both languages.
CHOICE_WORDS = {
    UnitKind: {
        "住宅": UnitKind.RESIDENTIAL,
        "住房": UnitKind.RESIDENTIAL,
        "商铺": UnitKind.SHOP,
        "商业": UnitKind.SHOP,
        "底商": UnitKind.SHOP,
        "车位": UnitKind.PARKING,
        "停车位": UnitKind.PARKING,
        "parking": UnitKind.PARKING,
        "储藏室": UnitKind.STORAGE,
        "储物间": UnitKind.STORAGE,
        "杂物间": UnitKind.STORAGE,
    },
    UnitStatus: {
        "空置": UnitStatus.VACANT,
        "空房": UnitStatus.VACANT,
        "已入住": UnitStatus.OCCUPIED,
        "入住": UnitStatus.OCCUPIED,
        "自住": UnitStatus.OCCUPIED,
        "装修": UnitStatus.RENOVATING,
        "装修中": UnitStatus.RENOVATING,
    },
    OccupancyRole: {
        "业主": OccupancyRole.OWNER,
        "租户": OccupancyRole.TENANT,
        "租客": OccupancyRole.TENANT,
        "家属": OccupancyRole.FAMILY,
        "家庭成员": OccupancyRole.FAMILY,
        "family": OccupancyRole.FAMILY,
    },
}


def word_key(value: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", value)).lower()


def choice_lookup(choices) -> dict[str, str]:
    """{written word: code} for a TextChoices: the code, the label in English and in Chinese
    (and in the active language), plus common spreadsheet words."""
    words = {}
    for code, label in choices.choices:
        words[word_key(code)] = code
        for language in ("en", "zh-hans", translation.get_language() or "en"):
            with translation.override(language):
                words.setdefault(word_key(str(label)), code)
    for word, code in CHOICE_WORDS.get(choices, {}).items():
        words.setdefault(word_key(word), code)
    return words


def name_key(value: str) -> str:
    """Building names compare without case, width and spaces: "3 栋" == "3栋"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Checker:
    """Shared cell readers. One instance checks one file."""

    def __init__(self, table: Table, estate: Estate):
        self.table = table
        self.estate = estate
        self.errors: list[dict] = list(table.errors)
        self.line = 0
        self.cells: list[str] = []
        self.row_ok = True

    # -- reporting
    def error(self, key: str, message: texts.Message):
        """Report a problem; the message is stored as a key (shown in the reader's language)."""
        self.errors.append({"line": self.line, "column": self.header(key), "message": message.data})
        self.row_ok = False

    def header(self, key: str) -> str:
        return self.table.header(key) if key else ""

    def start(self, line: int, cells: list[str]):
        self.line, self.cells, self.row_ok = line, cells, True

    # -- readers: each returns the value, or None after reporting the problem
    def raw(self, key: str) -> str:
        return self.table.value(self.cells, key).strip()

    def text(self, key: str, *, max_length: int, required: bool = False) -> str | None:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, texts.gettext("This value is required."))
                return None
            return ""
        if len(value) > max_length:
            self.error(
                key,
                texts.gettext(
                    "At most %(max)s characters (this has %(length)s).",
                    max=max_length,
                    length=len(value),
                ),
            )
            return None
        return value

    def integer(self, key: str, *, required: bool, minimum=None, maximum=None, default=None):
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, texts.gettext("This value is required."))
            return default
        cleaned = re.sub(r"(层|楼|f)$", "", value.lower()).strip()
        try:
            number = int(Decimal(cleaned))
            if number != Decimal(cleaned):
                raise ValueError
        except (InvalidOperation, ValueError):
            self.error(key, texts.gettext("Enter a whole number, not “%(value)s”.", value=value))
            return None
        if minimum is not None and number < minimum:
            self.error(key, texts.gettext("Must be at least %(min)s.", min=minimum))
            return None
        if maximum is not None and number > maximum:
            self.error(key, texts.gettext("Must be at most %(max)s.", max=maximum))
            return None
        return number

    def decimal(self, key: str, *, required: bool, max_digits: int, places: int):
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, texts.gettext("This value is required."))
            return None
        cleaned = re.sub(r"(m²|m2|㎡|平方米|平米)$", "", value.replace(",", "")).strip()
        try:
            number = Decimal(cleaned)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.error(key, texts.gettext("Enter a number, not “%(value)s”.", value=value))
            return None
        if number < 0:
            self.error(key, texts.gettext("Cannot be negative."))
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.error(key, texts.gettext("Use at most %(places)s decimal places.", places=places))
            return None
        if number >= Decimal(10) ** (max_digits - places):
            self.error(key, texts.gettext("This number is too large."))
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def date(self, key: str, *, required: bool) -> date | None:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, texts.gettext("This value is required."))
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(
                key, texts.gettext("Enter a date such as 2024-03-01, not “%(value)s”.", value=value)
            )
        return parsed

    def choice(self, key: str, words: dict[str, str], *, default=None, choices=None):
        value = self.raw(key)
        if not value:
            if default is None:
                self.error(key, texts.gettext("This value is required."))
            return default
        code = words.get(word_key(value))
        if code is None:
            self.error(
                key,
                texts.gettext(
                    "Unknown value “%(value)s”; use one of: %(choices)s.",
                    value=value,
                    choices=texts.choice_list(choices),
                ),
            )
        return code

    def mobile(self, key: str) -> str | None:
        value = self.raw(key)
        if not value:
            self.error(key, texts.gettext("This value is required."))
            return None
        try:
            validate_cn_mobile(value)
        except ValidationError as exc:
            self.error(key, texts.from_validation_error(exc))
            return None
        return normalize_mobile(value)

    def model_fields(self, obj, keys: dict[str, str]):
        """The model's own field checks (lengths, validators), without database queries."""
        fks = [f.name for f in obj._meta.fields if f.is_relation]
        try:
            obj.clean_fields(exclude=fks)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                self.error(
                    keys.get(name, ""),
                    texts.joined([texts.from_validation_error(e) for e in errors]),
                )


DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: str) -> date | None:
    value = unicodedata.normalize("NFKC", value).strip()
    if " " in value:  # "2024-03-01 00:00:00" from a spreadsheet
        value = value.split(" ", 1)[0]
    if "T" in value:
        value = value.split("T", 1)[0]
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def seen_before(checker: Checker, seen: dict, key, column: str) -> bool:
    """Report a second occurrence of `key` in the file; True if it is a duplicate."""
    if key in seen:
        checker.error(
            column,
            texts.gettext(
                "Appears more than once in this file (first on line %(line)s).", line=seen[key]
            ),
        )
        return True
    seen[key] = checker.line
    return False
