"""Occupancies: a registered person in an existing unit, with a role and dates."""

from core import texts

from ...choices import OccupancyRole
from ...models import Estate, Occupancy, Person
from ...validators import normalize_mobile
from ..cells import Checker, choice_lookup, chunks, seen_before
from .people import people_in_estate
from .units import UnitFinder


def check_occupancies(checker: Checker, rows, estate: Estate):
    finder = UnitFinder(estate)
    role_words = choice_lookup(OccupancyRole)
    table = checker.table
    mobiles = {normalize_mobile(table.value(cells, "mobile")) for _line, cells in table.rows}
    mobiles.discard("")
    people: dict[str, list[Person]] = {}
    scope = people_in_estate(estate)
    for chunk in chunks(sorted(mobiles)):
        for person in scope.filter(mobile__in=chunk).order_by("id"):
            people.setdefault(person.mobile, []).append(person)
    person_ids = [p.pk for group in people.values() for p in group]
    existing = set()
    for chunk in chunks(person_ids):
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
            checker.error("number", texts.gettext("This value is required."))
        elif building:
            unit = finder.units.get((building.pk, entrance, number))
            if unit is None:
                label = f"{entrance}-{number}" if entrance else number
                checker.error(
                    "number",
                    texts.gettext(
                        "There is no unit %(unit)s in %(building)s. Import the units first.",
                        unit=label,
                        building=building.name,
                    ),
                )
        mobile = checker.mobile("mobile")
        person = None
        if mobile:
            found = people.get(mobile, [])
            if not found:
                checker.error(
                    "mobile",
                    texts.gettext(
                        "Nobody with this mobile number is registered in %(estate)s. "
                        "Import the people first.",
                        estate=estate,
                    ),
                )
            elif len(found) > 1:
                checker.error(
                    "mobile",
                    texts.gettext(
                        "Several people in %(estate)s have this mobile number; "
                        "add this one by hand.",
                        estate=estate,
                    ),
                )
            else:
                person = found[0]
        role = checker.choice("role", role_words, choices=OccupancyRole)
        start_date = checker.date("start_date", required=True)
        end_date = checker.date("end_date", required=False)
        if start_date and end_date and end_date < start_date:
            checker.error("end_date", texts.gettext("The end date is before the start date."))
        if person and unit and role and start_date:
            key = (person.pk, unit.pk, role, start_date)
            if not seen_before(checker, seen, key, "start_date") and key in existing:
                checker.error(
                    "start_date",
                    texts.gettext(
                        "This occupancy (same person, unit, role and start date) already exists."
                    ),
                )
        if checker.row_ok:
            obj = Occupancy(
                person=person, unit=unit, role=role, start_date=start_date, end_date=end_date
            )
            checker.model_fields(obj, {"role": "role", "start_date": "start_date"})
            if checker.row_ok:
                yield obj
