"""What the demo company looks like: its two estates and their buildings."""

from dataclasses import dataclass
from datetime import date

from ..choices import ServiceLevel

PASSWORD = "anju-demo-2026"
SEED = 2026
NOTE = "seed_demo"
LOGINS_PER_ESTATE = 3
# Every generated date lies before this day, so the data does not depend on when it is seeded.
LATEST = date(2026, 3, 31)


@dataclass(frozen=True)
class BuildingSpec:
    name: str
    kind: str = "tower"  # tower | shops | garage
    entrances: int = 1
    floors: int = 1
    layouts: tuple[str, ...] = ()  # floor area of each unit position on a floor (m²)
    count: int = 0  # shops or parking spaces
    storage: int = 0  # storage rooms in the basement of a tower


@dataclass(frozen=True)
class EstateSpec:
    code: str
    name: str
    address: str
    service_phone: str
    service_level: str
    completed_on: date
    buildings: tuple[BuildingSpec, ...]
    gates: tuple[str, ...]
    elevator_supplier: tuple[str, str]
    # share of residential units that are (occupied, vacant, renovating)
    status_weights: tuple[int, int, int]


def _towers(numbers, **kwargs) -> tuple[BuildingSpec, ...]:
    return tuple(BuildingSpec(name=f"{n}栋", **kwargs) for n in numbers)


ESTATES = (
    EstateSpec(
        code="jxy",
        name="锦绣园",
        address="浙江省杭州市西湖区文三路568号",
        service_phone="0571-88162000",
        service_level=ServiceLevel.LEVEL_1,
        completed_on=date(2012, 6, 30),
        buildings=_towers(
            range(1, 5), entrances=2, floors=18, layouts=("128.46", "96.83"), storage=6
        )
        + _towers(range(5, 7), entrances=2, floors=11, layouts=("89.52", "72.18", "89.52"))
        + (
            BuildingSpec(name="商业街", kind="shops", floors=2, count=16),
            BuildingSpec(name="地下车库", kind="garage", count=80),
        ),
        gates=("东门", "南门"),
        elevator_supplier=("日立电梯（中国）有限公司", "HGP 1000kg 1.75m/s"),
        status_weights=(86, 9, 5),
    ),
    EstateSpec(
        code="chy",
        name="翠湖苑",
        address="浙江省杭州市滨江区江南大道1288号",
        service_phone="0571-87653100",
        service_level=ServiceLevel.LEVEL_2,
        completed_on=date(2018, 9, 30),
        buildings=_towers(range(1, 5), entrances=2, floors=18, layouts=("143.27", "118.64"))
        + _towers((5,), entrances=1, floors=26, layouts=("89.12", "76.45", "76.45", "89.12"))
        + (
            BuildingSpec(name="商铺", kind="shops", floors=1, count=10),
            BuildingSpec(name="地下车库", kind="garage", count=60),
        ),
        gates=("北门", "西门"),
        elevator_supplier=("奥的斯机电电梯有限公司", "GeN2-MRL 1050kg 2.0m/s"),
        status_weights=(78, 14, 8),
    ),
)
