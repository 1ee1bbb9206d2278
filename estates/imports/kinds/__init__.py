"""One check per import kind: each yields unsaved objects for the good rows and reports
the bad ones through the Checker."""

from ...choices import ImportKind
from .buildings import check_buildings
from .occupancies import check_occupancies
from .people import check_people
from .units import check_units

CHECKS = {
    ImportKind.BUILDINGS: check_buildings,
    ImportKind.UNITS: check_units,
    ImportKind.PEOPLE: check_people,
    ImportKind.OCCUPANCIES: check_occupancies,
}
