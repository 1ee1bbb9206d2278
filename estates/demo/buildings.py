"""The units of each building, and whether they are lived in."""

from decimal import Decimal

from ..choices import UnitKind, UnitStatus
from .company import BuildingSpec
from .names import Faker
from .plans import UnitPlan


def building_units(spec: BuildingSpec, fake: Faker) -> list[UnitPlan]:
    rng = fake.rng
    units = []
    if spec.kind == "tower":
        for entrance in range(1, spec.entrances + 1):
            for floor in range(1, spec.floors + 1):
                for position, area in enumerate(spec.layouts, start=1):
                    units.append(
                        UnitPlan(spec.name, str(entrance), f"{floor}{position:02d}", floor,
                                 Decimal(area), UnitKind.RESIDENTIAL, "")
                    )  # fmt: skip
        for i in range(1, spec.storage + 1):
            area = Decimal(rng.randrange(650, 1280)) / 100
            units.append(UnitPlan(spec.name, "", f"B1-{i:02d}", -1, area, UnitKind.STORAGE, ""))
    elif spec.kind == "shops":
        per_floor = -(-spec.count // spec.floors)
        for i in range(spec.count):
            floor, position = i // per_floor + 1, i % per_floor + 1
            area = Decimal(rng.randrange(4500, 16000)) / 100
            units.append(
                UnitPlan(spec.name, "", f"{floor}{position:02d}", floor, area, UnitKind.SHOP, "")
            )
    else:
        for i in range(1, spec.count + 1):
            area = Decimal(rng.choice(("12.50", "13.25", "13.25", "13.25", "15.00")))
            units.append(UnitPlan(spec.name, "", f"B1-{i:03d}", -1, area, UnitKind.PARKING, ""))
    return units


def pick_status(rng, unit: UnitPlan, weights) -> str:
    if unit.kind == UnitKind.RESIDENTIAL:
        statuses = (UnitStatus.OCCUPIED, UnitStatus.VACANT, UnitStatus.RENOVATING)
        return rng.choices(statuses, weights)[0]
    share = {UnitKind.SHOP: 0.8, UnitKind.PARKING: 0.7, UnitKind.STORAGE: 0.75}[unit.kind]
    return UnitStatus.OCCUPIED if rng.random() < share else UnitStatus.VACANT
