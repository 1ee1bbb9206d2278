"""Checking every row of an import file and turning the good ones into unsaved objects.

Every problem is collected (not only the first), each with the line number the user sees
in the file, the column header as written in the file and a message in the active
language. Uniqueness is checked inside the file and against the database, with a few set
lookups prepared up front (no query per row).
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _

from ..choices import ImportKind, OccupancyRole, UnitKind, UnitStatus
from ..models import Building, Estate, Occupancy, Person, Unit
from ..validators import mask_id_number, normalize_mobile, validate_cn_id_number, validate_cn_mobile
from .parsing import Table, columns_for

PREVIEW_ROWS = 20
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


def _word(value: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", value)).lower()


def choice_lookup(choices) -> dict[str, str]:
    """{written word: code} for a TextChoices: the code, the label in English and in Chinese
    (and in the active language), plus common spreadsheet words."""
    words = {}
    for code, label in choices.choices:
        words[_word(code)] = code
        for language in ("en", "zh-hans", translation.get_language() or "en"):
            with translation.override(language):
                words.setdefault(_word(str(label)), code)
    for word, code in CHOICE_WORDS.get(choices, {}).items():
        words.setdefault(_word(word), code)
    return words


def name_key(value: str) -> str:
    """Building names compare without case, width and spaces: "3 栋" == "3栋"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


def people_in_estate(estate: Estate):
    """People the estate's staff see: registered there, or living in one of its units."""
    lives_in = Occupancy.objects.filter(person=OuterRef("pk"), unit__estate_id=estate.pk)
    return Person.objects.filter(Q(registered_estate_id=estate.pk) | Exists(lives_in))


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Result:
    objects: list = field(default_factory=list)  # unsaved instances of the good rows
    errors: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    row_count: int = 0


class RowError(Exception):
    """A cell that cannot be used; the row is reported and the next cell is checked."""


class _Checker:
    """Shared cell readers. One instance checks one file."""

    def __init__(self, table: Table, estate: Estate):
        self.table = table
        self.estate = estate
        self.errors: list[dict] = list(table.errors)
        self.line = 0
        self.cells: list[str] = []
        self.row_ok = True

    # -- reporting
    def error(self, key: str, message: str):
        self.errors.append({"line": self.line, "column": self.header(key), "message": message})
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
                self.error(key, _("This value is required."))
                return None
            return ""
        if len(value) > max_length:
            self.error(
                key,
                _("At most %(max)s characters (this has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def integer(self, key: str, *, required: bool, minimum=None, maximum=None, default=None):
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, _("This value is required."))
            return default
        cleaned = re.sub(r"(层|楼|f)$", "", value.lower()).strip()
        try:
            number = int(Decimal(cleaned))
            if number != Decimal(cleaned):
                raise ValueError
        except (InvalidOperation, ValueError):
            self.error(key, _("Enter a whole number, not “%(value)s”.") % {"value": value})
            return None
        if minimum is not None and number < minimum:
            self.error(key, _("Must be at least %(min)s.") % {"min": minimum})
            return None
        if maximum is not None and number > maximum:
            self.error(key, _("Must be at most %(max)s.") % {"max": maximum})
            return None
        return number

    def decimal(self, key: str, *, required: bool, max_digits: int, places: int):
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, _("This value is required."))
            return None
        cleaned = re.sub(r"(m²|m2|㎡|平方米|平米)$", "", value.replace(",", "")).strip()
        try:
            number = Decimal(cleaned)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.error(key, _("Enter a number, not “%(value)s”.") % {"value": value})
            return None
        if number < 0:
            self.error(key, _("Cannot be negative."))
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.error(key, _("Use at most %(places)s decimal places.") % {"places": places})
            return None
        if number >= Decimal(10) ** (max_digits - places):
            self.error(key, _("This number is too large."))
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def date(self, key: str, *, required: bool) -> date | None:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, _("This value is required."))
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(
                key, _("Enter a date such as 2024-03-01, not “%(value)s”.") % {"value": value}
            )
        return parsed

    def choice(self, key: str, words: dict[str, str], *, default=None, choices=None):
        value = self.raw(key)
        if not value:
            if default is None:
                self.error(key, _("This value is required."))
            return default
        code = words.get(_word(value))
        if code is None:
            labels = "、".join(str(label) for _code, label in choices.choices)
            self.error(
                key,
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": value, "choices": labels},
            )
        return code

    def mobile(self, key: str) -> str | None:
        value = self.raw(key)
        if not value:
            self.error(key, _("This value is required."))
            return None
        try:
            validate_cn_mobile(value)
        except ValidationError as exc:
            self.error(key, " ".join(str(m) for m in exc.messages))
            return None
        return normalize_mobile(value)

    def model_fields(self, obj, keys: dict[str, str]):
        """The model's own field checks (lengths, validators), without database queries."""
        fks = [f.name for f in obj._meta.fields if f.is_relation]
        try:
            obj.clean_fields(exclude=fks)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.error(keys.get(name, ""), " ".join(str(m) for m in messages))


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


def _seen(checker: _Checker, seen: dict, key, column: str) -> bool:
    """Report a second occurrence of `key` in the file; True if it is a duplicate."""
    if key in seen:
        checker.error(
            column,
            _("Appears more than once in this file (first on line %(line)s).")
            % {"line": seen[key]},
        )
        return True
    seen[key] = checker.line
    return False


# --- Per kind --------------------------------------------------------------------------------


def _buildings(checker: _Checker, rows, estate: Estate):
    names = Building.objects.filter(estate=estate).values_list("name", flat=True)
    existing = {name_key(n) for n in names}
    max_name = Building._meta.get_field("name").max_length
    seen: dict = {}
    for line, cells in rows():
        checker.start(line, cells)
        name = checker.text("name", max_length=max_name, required=True)
        floors = checker.integer("floors", required=False, minimum=1, maximum=300, default=1)
        completed_on = checker.date("completed_on", required=False)
        note = checker.raw("note")
        if name:
            if not _seen(checker, seen, name_key(name), "name") and name_key(name) in existing:
                checker.error(
                    "name",
                    _("A building named “%(name)s” already exists in %(estate)s.")
                    % {"name": name, "estate": estate},
                )
        if checker.row_ok:
            obj = Building(
                estate=estate, name=name, floors=floors, completed_on=completed_on, note=note
            )
            checker.model_fields(obj, {"name": "name", "floors": "floors", "note": "note"})
            if checker.row_ok:
                yield obj


class _UnitFinder:
    """Units and buildings of the estate, looked up by what a row says."""

    def __init__(self, estate: Estate):
        self.estate = estate
        self.buildings: dict[str, Building] = {}
        for building in Building.objects.filter(estate=estate).order_by("id"):
            self.buildings.setdefault(name_key(building.name), building)
        self._units = None

    def building(self, checker: _Checker, key: str = "building") -> Building | None:
        name = checker.raw(key)
        if not name:
            checker.error(key, _("This value is required."))
            return None
        building = self.buildings.get(name_key(name))
        if building is None:
            checker.error(
                key,
                _("There is no building “%(name)s” in %(estate)s. Add it first.")
                % {"name": name, "estate": self.estate},
            )
        return building

    @property
    def units(self) -> dict:
        if self._units is None:
            self._units = {
                (u.building_id, u.entrance, u.number): u
                for u in Unit.objects.filter(estate=self.estate).only(
                    "id", "building_id", "entrance", "number", "estate_id"
                )
            }
        return self._units


def _units(checker: _Checker, rows, estate: Estate):
    finder = _UnitFinder(estate)
    kind_words, status_words = choice_lookup(UnitKind), choice_lookup(UnitStatus)
    max_entrance = Unit._meta.get_field("entrance").max_length
    max_number = Unit._meta.get_field("number").max_length
    area_field = Unit._meta.get_field("area")
    seen: dict = {}
    for line, cells in rows():
        checker.start(line, cells)
        building = finder.building(checker)
        entrance = checker.text("entrance", max_length=max_entrance)
        number = checker.text("number", max_length=max_number, required=True)
        floor = checker.integer("floor", required=True, minimum=-20, maximum=300)
        area = checker.decimal(
            "area",
            required=True,
            max_digits=area_field.max_digits,
            places=area_field.decimal_places,
        )
        kind = checker.choice("kind", kind_words, default=UnitKind.RESIDENTIAL, choices=UnitKind)
        status = checker.choice(
            "status", status_words, default=UnitStatus.VACANT, choices=UnitStatus
        )
        if number and entrance is not None:
            in_file = (name_key(checker.raw("building")), entrance, number)
            duplicate = _seen(checker, seen, in_file, "number")
            if building and not duplicate and (building.pk, entrance, number) in finder.units:
                label = f"{entrance}-{number}" if entrance else number
                checker.error(
                    "number",
                    _("Unit %(unit)s already exists in %(building)s.")
                    % {"unit": label, "building": building.name},
                )
        if checker.row_ok:
            obj = Unit(
                estate=estate,
                building=building,
                entrance=entrance,
                number=number,
                floor=floor,
                area=area,
                kind=kind,
                status=status,
            )
            checker.model_fields(obj, {k: k for k in ("entrance", "number", "floor", "area")})
            if checker.row_ok:
                yield obj


def _people(checker: _Checker, rows, estate: Estate):
    mobiles, id_numbers = set(), set()
    for _line, cells in checker.table.rows:
        mobiles.add(normalize_mobile(checker.table.value(cells, "mobile")))
        id_numbers.add(checker.table.value(cells, "id_number").strip().upper())
    mobiles.discard("")
    id_numbers.discard("")
    known_mobiles, known_ids = set(), set()
    scope = people_in_estate(estate)
    for chunk in _chunks(sorted(mobiles)):
        known_mobiles.update(scope.filter(mobile__in=chunk).values_list("mobile", flat=True))
    for chunk in _chunks(sorted(id_numbers)):
        known_ids.update(
            Person.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
        )
    max_name = Person._meta.get_field("name").max_length
    seen_mobiles: dict = {}
    seen_ids: dict = {}
    for line, cells in rows():
        checker.start(line, cells)
        name = checker.text("name", max_length=max_name, required=True)
        mobile = checker.mobile("mobile")
        email = checker.raw("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                checker.error("email", _("Enter a valid e-mail address."))
        id_number = checker.raw("id_number").upper()
        if id_number:
            try:
                validate_cn_id_number(id_number)
            except ValidationError as exc:
                checker.error("id_number", " ".join(str(m) for m in exc.messages))
                id_number = None
        note = checker.raw("note")
        if mobile and not _seen(checker, seen_mobiles, mobile, "mobile"):
            if mobile in known_mobiles:
                checker.error(
                    "mobile",
                    _("A person with this mobile number is already registered in %(estate)s.")
                    % {"estate": estate},
                )
        if id_number and not _seen(checker, seen_ids, id_number, "id_number"):
            if id_number in known_ids:
                checker.error("id_number", _("A person with this ID number is already registered."))
        if checker.row_ok:
            obj = Person(
                registered_estate=estate,
                name=name,
                mobile=mobile,
                email=email,
                id_number=id_number or "",
                note=note,
            )
            checker.model_fields(obj, {k: k for k in ("name", "mobile", "email", "id_number")})
            if checker.row_ok:
                yield obj


def _occupancies(checker: _Checker, rows, estate: Estate):
    finder = _UnitFinder(estate)
    role_words = choice_lookup(OccupancyRole)
    table = checker.table
    mobiles = {normalize_mobile(table.value(cells, "mobile")) for _line, cells in table.rows}
    mobiles.discard("")
    people: dict[str, list[Person]] = {}
    scope = people_in_estate(estate)
    for chunk in _chunks(sorted(mobiles)):
        for person in scope.filter(mobile__in=chunk).order_by("id"):
            people.setdefault(person.mobile, []).append(person)
    person_ids = [p.pk for group in people.values() for p in group]
    existing = set()
    for chunk in _chunks(person_ids):
        existing.update(
            Occupancy.objects.filter(person_id__in=chunk, unit__estate=estate).values_list(
                "person_id", "unit_id", "role", "start_date"
            )
        )
    seen: dict = {}
    for line, cells in rows():
        checker.start(line, cells)
        building = finder.building(checker)
        entrance = checker.raw("entrance")
        number = checker.raw("number")
        unit = None
        if not number:
            checker.error("number", _("This value is required."))
        elif building:
            unit = finder.units.get((building.pk, entrance, number))
            if unit is None:
                label = f"{entrance}-{number}" if entrance else number
                checker.error(
                    "number",
                    _("There is no unit %(unit)s in %(building)s. Import the units first.")
                    % {"unit": label, "building": building.name},
                )
        mobile = checker.mobile("mobile")
        person = None
        if mobile:
            found = people.get(mobile, [])
            if not found:
                checker.error(
                    "mobile",
                    _(
                        "Nobody with this mobile number is registered in %(estate)s. "
                        "Import the people first."
                    )
                    % {"estate": estate},
                )
            elif len(found) > 1:
                checker.error(
                    "mobile",
                    _("Several people in %(estate)s have this mobile number; add this one by hand.")
                    % {"estate": estate},
                )
            else:
                person = found[0]
        role = checker.choice("role", role_words, choices=OccupancyRole)
        start_date = checker.date("start_date", required=True)
        end_date = checker.date("end_date", required=False)
        if start_date and end_date and end_date < start_date:
            checker.error("end_date", _("The end date is before the start date."))
        if person and unit and role and start_date:
            key = (person.pk, unit.pk, role, start_date)
            if not _seen(checker, seen, key, "start_date") and key in existing:
                checker.error(
                    "start_date",
                    _("This occupancy (same person, unit, role and start date) already exists."),
                )
        if checker.row_ok:
            obj = Occupancy(
                person=person, unit=unit, role=role, start_date=start_date, end_date=end_date
            )
            checker.model_fields(obj, {"role": "role", "start_date": "start_date"})
            if checker.row_ok:
                yield obj


CHECKS = {
    ImportKind.BUILDINGS: _buildings,
    ImportKind.UNITS: _units,
    ImportKind.PEOPLE: _people,
    ImportKind.OCCUPANCIES: _occupancies,
}


def preview_rows(table: Table, limit: int = PREVIEW_ROWS) -> list[dict]:
    """The first rows as the file has them, in the template's column order. ID numbers are
    masked: the preview is stored and shown on pages."""
    columns = columns_for(table.kind)
    preview = []
    for line, cells in table.rows[:limit]:
        values = []
        for column in columns:
            value = table.value(cells, column.key)
            values.append(mask_id_number(value) if column.key == "id_number" else value)
        preview.append({"line": line, "cells": values})
    return preview


def validate(
    table: Table, *, estate: Estate, progress: Callable[[int], None] | None = None
) -> Result:
    """Check every row. Result.objects holds unsaved objects only if there is no error."""
    result = Result(row_count=len(table.rows), preview=preview_rows(table))
    checker = _Checker(table, estate)
    if table.errors:
        # Without the right columns every row would fail the same way: report the header.
        result.errors = checker.errors
        return result
    total = len(table.rows) or 1

    def rows():
        for index, row in enumerate(table.rows):
            if progress and index and index % 500 == 0:
                progress(int(100 * index / total))
            yield row

    objects = list(CHECKS[table.kind](checker, rows, estate))
    result.errors = sorted(checker.errors, key=lambda e: e["line"] or 0)
    if not result.errors:
        result.objects = objects
    if progress:
        progress(100)
    return result
