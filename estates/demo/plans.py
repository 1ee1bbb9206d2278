"""The plan: plain data, built without touching the database."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .company import EstateSpec


@dataclass
class UnitPlan:
    building: str
    entrance: str
    number: str
    floor: int
    area: Decimal
    kind: str
    status: str

    @property
    def key(self):
        return (self.building, self.entrance, self.number)


@dataclass
class PersonPlan:
    id_number: str
    name: str
    mobile: str
    email: str = ""


@dataclass
class OccupancyPlan:
    person: str  # ID number
    unit: tuple  # UnitPlan.key
    role: str
    start_date: date
    end_date: date | None = None


@dataclass
class StaffPlan:
    username: str
    display_name: str
    mobile: str
    role: str
    skills: list[str]


@dataclass
class EstatePlan:
    spec: EstateSpec
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    occupancies: list[OccupancyPlan] = field(default_factory=list)
    staff: list[StaffPlan] = field(default_factory=list)
    equipment: list[dict] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)  # ID numbers of owners with a login
