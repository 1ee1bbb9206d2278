"""Units: in a building of the estate, unique by building, entrance and number."""

from core import texts

from ...choices import UnitKind, UnitStatus
from ...models import Building, Estate, Unit
from ..cells import Checker, choice_lookup, name_key, seen_before


class UnitFinder:
    """Units and buildings of the estate, looked up by what a row says."""

    def __init__(self, estate: Estate):
        self.estate = estate
        self.buildings: dict[str, Building] = {}
        for building in Building.objects.filter(estate=estate).order_by("id"):
            self.buildings.setdefault(name_key(building.name), building)
        self._units = None

    def building(self, checker: Checker, key: str = "building") -> Building | None:
        name = checker.raw(key)
        if not name:
            checker.error(key, texts.gettext("This value is required."))
            return None
        building = self.buildings.get(name_key(name))
        if building is None:
            checker.error(
                key,
                texts.gettext(
                    "There is no building “%(name)s” in %(estate)s. Add it first.",
                    name=name,
                    estate=self.estate,
                ),
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


def check_units(checker: Checker, rows, estate: Estate):
    finder = UnitFinder(estate)
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
            duplicate = seen_before(checker, seen, in_file, "number")
            if building and not duplicate and (building.pk, entrance, number) in finder.units:
                label = f"{entrance}-{number}" if entrance else number
                checker.error(
                    "number",
                    texts.gettext(
                        "Unit %(unit)s already exists in %(building)s.",
                        unit=label,
                        building=building.name,
                    ),
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
