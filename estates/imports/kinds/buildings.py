"""Buildings: a name unique in the estate, floors, completion date."""

from core import texts

from ...models import Building, Estate
from ..cells import Checker, name_key, seen_before


def check_buildings(checker: Checker, rows, estate: Estate):
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
            key = name_key(name)
            if not seen_before(checker, seen, key, "name") and key in existing:
                checker.error(
                    "name",
                    texts.gettext(
                        "A building named “%(name)s” already exists in %(estate)s.",
                        name=name,
                        estate=estate,
                    ),
                )
        if checker.row_ok:
            obj = Building(
                estate=estate, name=name, floors=floors, completed_on=completed_on, note=note
            )
            checker.model_fields(obj, {"name": "name", "floors": "floors", "note": "note"})
            if checker.row_ok:
                yield obj
