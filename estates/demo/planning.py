"""The whole demo company as a plan, the same every time (one fixed seed)."""

from datetime import date, timedelta

from ..choices import OccupancyRole, UnitKind, UnitStatus
from .buildings import building_units, pick_status
from .company import ESTATES, LOGINS_PER_ESTATE, SEED, EstateSpec
from .equipment import equipment_for
from .names import Faker
from .people import add_occupants
from .plans import EstatePlan, OccupancyPlan
from .staff import add_staff


def estate_plan(spec: EstateSpec, fake: Faker) -> EstatePlan:
    plan = EstatePlan(spec=spec)
    rng = fake.rng
    for building in spec.buildings:
        plan.units.extend(building_units(building, fake))
    owners = []
    for unit in plan.units:
        unit.status = pick_status(rng, unit, spec.status_weights)
        if unit.status == UnitStatus.VACANT or unit.kind in (UnitKind.PARKING, UnitKind.STORAGE):
            continue
        owner = add_occupants(plan, fake, unit)
        owners.append(owner)
    # Parking spaces and storage rooms belong to owners of flats in the same estate.
    for unit in plan.units:
        if unit.kind in (UnitKind.PARKING, UnitKind.STORAGE) and unit.status != UnitStatus.VACANT:
            owner = rng.choice(owners)
            start = fake.day_between(spec.completed_on + timedelta(days=60), date(2025, 12, 31))
            plan.occupancies.append(
                OccupancyPlan(owner.id_number, unit.key, OccupancyRole.OWNER, start)
            )
    for n, owner in enumerate(owners[:LOGINS_PER_ESTATE], start=1):
        owner.email = f"{spec.code}-owner{n}@example.com"
        plan.logins.append(owner.id_number)
    add_staff(plan, fake)
    plan.equipment = equipment_for(spec, fake)
    return plan


def demo_plan() -> list[EstatePlan]:
    fake = Faker(SEED)
    return [estate_plan(spec, fake) for spec in ESTATES]
