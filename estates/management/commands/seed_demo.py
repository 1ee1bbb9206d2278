"""`python manage.py seed_demo`: a believable demo company, built idempotently.

Two estates in Hangzhou with about 1,000 units, ~900 owners/residents, staff of every role,
a few owners with a portal login, and an equipment register. Everything is generated from a
fixed random seed, so the same rows come out every time; each row is matched by a natural key
(estate code, building name, unit number, ID number, username, equipment code) and only the
missing ones are created. A second run creates nothing.

Rows are written with bulk_create for speed; the audit trail gets one "created" event per
new domain object through core.audit.record_events_bulk.
"""

import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import record_events_bulk
from estates.choices import (
    EquipmentCategory,
    EquipmentStatus,
    OccupancyRole,
    Role,
    ServiceLevel,
    Skill,
    UnitKind,
    UnitStatus,
)
from estates.models import Building, Equipment, Estate, Occupancy, Person, StaffMembership, Unit
from estates.validators import id_check_digit

PASSWORD = "anju-demo-2026"
SEED = 2026
NOTE = "seed_demo"
LOGINS_PER_ESTATE = 3
# Every generated date lies before this day, so the data does not depend on when it is seeded.
LATEST = date(2026, 3, 31)

# --- Names, numbers ---------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = [1 / (rank + 6) for rank in range(len(SURNAMES))]
GIVEN = {
    # (male, born before 1980): given names typical of the generation
    (True, True): "建国 建华 国强 志强 志明 国平 永刚 立新 德明 建军 卫东 海涛 伟 强 军 勇 斌 辉 "
    "明 平 刚 华 林 文 建平 振华 荣华 国庆 小龙 红兵",
    (True, False): "浩 杰 磊 涛 超 鹏 宇 洋 俊 晨 子轩 浩然 宇轩 俊杰 子豪 博文 一鸣 晓东 鹏飞 "
    "文博 家豪 天宇 梓豪 思远 嘉懿 奕辰 皓轩 明哲 逸飞 振宇",
    (False, True): "秀英 桂英 秀兰 玉兰 桂兰 淑珍 丽华 红梅 美玲 春燕 海燕 凤英 玉珍 建英 "
    "芳 丽 敏 静 艳 娟 霞 萍 红 玲 慧 琴 燕 兰 梅 英",
    (False, False): "婷婷 雪梅 慧敏 思琪 欣怡 梓涵 雨桐 晓燕 佳怡 诗涵 若曦 可馨 一诺 语嫣 "
    "文静 梦瑶 佳琪 雅婷 娜 颖 倩 丹 洁 琳 悦 璐 晶 瑶 菲 蕾",
}
GIVEN = {key: tuple(names.split()) for key, names in GIVEN.items()}
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "191", "195", "198", "199",
)  # fmt: skip
# Where the ID numbers were issued: mostly Hangzhou, then Zhejiang, then elsewhere.
REGIONS = (
    (("330102", "330105", "330106", "330108", "330109", "330110", "330111"), 55),
    (("330203", "330302", "330402", "330502", "330602", "330702", "331002"), 20),
    (("320102", "340104", "360102", "410105", "430103", "510107", "110105", "310115"), 25),
)


class Faker:
    """Chinese names, unique mobile numbers and valid unique ID numbers from one seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.mobiles: set[str] = set()
        self.id_numbers: set[str] = set()

    def name(self, *, male: bool, born: int, surname: str | None = None) -> str:
        surname = surname or self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        return surname + self.rng.choice(GIVEN[(male, born < 1980)])

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def birthday(self, first_year: int, last_year: int) -> date:
        start, end = date(first_year, 1, 1), date(last_year, 12, 31)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def id_number(self, *, male: bool, born: date) -> str:
        regions = self.rng.choices([r for r, _ in REGIONS], [w for _, w in REGIONS])[0]
        region = self.rng.choice(regions)
        while True:
            sequence = self.rng.randrange(100) * 10 + self.rng.randrange(male, 10, 2)
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 0) + 1))


# --- What the company looks like ----------------------------------------------------------------


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

# (username suffix, role, skills)
STAFF = (
    ("manager", Role.MANAGER, ()),
    ("cs", Role.CUSTOMER_SERVICE, ()),
    ("cs2", Role.CUSTOMER_SERVICE, ()),
    ("tech1", Role.TECHNICIAN, (Skill.PLUMBING, Skill.ELECTRICAL)),
    ("tech2", Role.TECHNICIAN, (Skill.ELEVATOR, Skill.FIRE)),
    ("tech3", Role.TECHNICIAN, (Skill.DOORS_WINDOWS, Skill.CIVIL, Skill.HVAC)),
    ("tech4", Role.TECHNICIAN, (Skill.WEAK_CURRENT, Skill.ELECTRICAL)),
    ("security", Role.SECURITY, ()),
    ("env", Role.ENVIRONMENT, ()),
    ("finance", Role.FINANCE, ()),
)


# --- The plan: plain data, built without touching the database -------------------------------


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


def add_person(plan: EstatePlan, fake: Faker, *, born_in, male=None, surname=None):
    male = fake.rng.random() < 0.5 if male is None else male
    born = fake.birthday(*born_in)
    person = PersonPlan(
        id_number=fake.id_number(male=male, born=born),
        name=fake.name(male=male, born=born.year, surname=surname),
        mobile=fake.mobile(),
    )
    plan.people.append(person)
    return person


def add_occupants(plan: EstatePlan, fake: Faker, unit: UnitPlan) -> PersonPlan:
    """The owner of a unit, and sometimes family members and tenants."""
    rng, spec = fake.rng, plan.spec
    owner = add_person(plan, fake, born_in=(1950, 1992))
    if unit.status == UnitStatus.RENOVATING:
        bought = fake.day_between(date(2025, 6, 1), LATEST)
    else:
        bought = fake.day_between(spec.completed_on, date(2025, 6, 30))
    plan.occupancies.append(OccupancyPlan(owner.id_number, unit.key, OccupancyRole.OWNER, bought))
    roll = rng.random()
    # Half of the shops and a tenth of the flats are let; some other flats house a family.
    let = roll >= 0.5 if unit.kind == UnitKind.SHOP else roll < 0.10
    if unit.status == UnitStatus.OCCUPIED and let:
        add_tenants(plan, fake, unit, after=bought)
    elif unit.kind == UnitKind.RESIDENTIAL and unit.status == UnitStatus.OCCUPIED and roll < 0.22:
        for _ in range(rng.choice((1, 1, 2))):
            child = rng.random() < 0.6
            member = add_person(
                plan,
                fake,
                born_in=(1995, 2012) if child else (1950, 1992),
                surname=owner.name[0] if child else None,
            )
            plan.occupancies.append(
                OccupancyPlan(member.id_number, unit.key, OccupancyRole.FAMILY, bought)
            )
    return owner


def add_tenants(plan: EstatePlan, fake: Faker, unit: UnitPlan, *, after: date):
    """A current tenant, sometimes after an earlier tenancy that has ended."""
    rng = fake.rng
    start = fake.day_between(max(after, date(2024, 3, 1)), date(2026, 2, 28))
    if rng.random() < 0.3 and start - after > timedelta(days=800):
        earlier = add_person(plan, fake, born_in=(1975, 2002))
        first = fake.day_between(after, start - timedelta(days=760))
        plan.occupancies.append(
            OccupancyPlan(earlier.id_number, unit.key, OccupancyRole.TENANT, first,
                          first + timedelta(days=729))
        )  # fmt: skip
    tenant = add_person(plan, fake, born_in=(1975, 2002))
    plan.occupancies.append(OccupancyPlan(tenant.id_number, unit.key, OccupancyRole.TENANT, start))


def add_staff(plan: EstatePlan, fake: Faker):
    for suffix, role, skills in STAFF:
        male = role in (Role.TECHNICIAN, Role.SECURITY) or fake.rng.random() < 0.4
        born = fake.rng.randrange(1968, 2000)
        plan.staff.append(
            StaffPlan(
                username=f"{plan.spec.code}-{suffix}",
                display_name=fake.name(male=male, born=born),
                mobile=fake.mobile(),
                role=role,
                skills=[str(s) for s in skills],
            )
        )


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


# --- Equipment register -----------------------------------------------------------------------


def _item(code, category, name, location, supplier, model, installed, warranty_years, **extra):
    return {
        "code": code,
        "category": category,
        "name": name,
        "location": location,
        "supplier": supplier,
        "model_number": model,
        "install_date": installed,
        "warranty_end": _years_later(installed, warranty_years),
        "status": extra.pop("status", EquipmentStatus.IN_SERVICE),
        **extra,
    }


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def equipment_for(spec: EstateSpec, fake: Faker) -> list[dict]:
    prefix = spec.code.upper()
    fitted = spec.completed_on - timedelta(days=45)
    items = []
    towers = [b for b in spec.buildings if b.kind == "tower"]
    for b in towers:
        no = int(b.name.rstrip("栋"))
        per_entrance = 2 if b.floors >= 18 else 1
        for e in range(b.entrances):
            for k in range(per_entrance):
                letter = "ABCD"[e * per_entrance + k]
                items.append(
                    _item(f"{prefix}-EL-{no:02d}-{letter}", EquipmentCategory.ELEVATOR,
                          f"{b.name}{e + 1}单元{k + 1}号电梯", f"{e + 1}单元电梯厅",
                          *spec.elevator_supplier, fitted, 2, building=b.name)
                )  # fmt: skip
            items.append(
                _item(f"{prefix}-AG-{no:02d}-{e + 1}", EquipmentCategory.ACCESS_GATE,
                      f"{b.name}{e + 1}单元门禁", f"{e + 1}单元大堂", "厦门立林科技有限公司",
                      "LL-V8 可视对讲", fitted, 2, building=b.name)
            )  # fmt: skip
        items.append(
            _item(f"{prefix}-PD-{no:02d}", EquipmentCategory.POWER, f"{b.name}低压配电柜",
                  f"{b.name}一层配电间", "正泰电器股份有限公司", "GGD-400", fitted, 1,
                  building=b.name)
        )  # fmt: skip
        items.append(
            _item(f"{prefix}-FI-{no:02d}", EquipmentCategory.FIRE, f"{b.name}防排烟风机",
                  f"{b.name}屋顶机房", "浙江上风高科专风实业有限公司", "HTF-I-8", fitted, 1,
                  building=b.name)
        )  # fmt: skip
    items += estate_wide_equipment(spec, prefix, fitted)
    # A couple of faults, so that the register has something to do.
    items[1]["status"] = EquipmentStatus.UNDER_REPAIR
    items[-2]["status"] = EquipmentStatus.FAULTY
    return items


def estate_wide_equipment(spec: EstateSpec, prefix: str, fitted: date) -> list[dict]:
    items = []
    for i in range(1, 5):
        items.append(
            _item(f"{prefix}-WP-{i:02d}", EquipmentCategory.WATER_PUMP, f"{i}号生活变频水泵",
                  "B1 生活水泵房", "格兰富水泵（苏州）有限公司", "CR 32-4", fitted, 1)
        )  # fmt: skip
    items.append(
        _item(f"{prefix}-WP-05", EquipmentCategory.WATER_PUMP, "集水井排污泵", "B1 车库集水井",
              "格兰富水泵（苏州）有限公司", "SEG.40.12", date(2025, 4, 18), 2)
    )  # fmt: skip
    fire = (("消防主泵", "XBD 8.0/40-125"), ("消防备用泵", "XBD 8.0/40-125"),
            ("喷淋主泵", "XBD 7.0/30-100"), ("喷淋备用泵", "XBD 7.0/30-100"))  # fmt: skip
    for i, (name, model) in enumerate(fire, start=1):
        items.append(
            _item(f"{prefix}-FI-P{i}", EquipmentCategory.FIRE, name, "B1 消防泵房",
                  "上海连成（集团）有限公司", model, fitted, 1)
        )  # fmt: skip
    items.append(
        _item(f"{prefix}-FI-CTRL", EquipmentCategory.FIRE, "火灾自动报警控制器", "消防控制室",
              "海湾安全技术有限公司", "JB-QB-GST200", fitted, 2)
    )  # fmt: skip
    items.append(
        _item(f"{prefix}-PD-HV", EquipmentCategory.POWER, "10kV 高压开关柜", "B1 变配电房",
              "施耐德电气（中国）有限公司", "PIX-12", fitted, 2)
    )  # fmt: skip
    for i in (1, 2):
        items.append(
            _item(f"{prefix}-PD-T{i}", EquipmentCategory.POWER, f"{i}号干式变压器",
                  "B1 变配电房", "特变电工股份有限公司", "SCB13-1250/10", fitted, 2)
        )  # fmt: skip
    items.append(
        _item(f"{prefix}-GE-01", EquipmentCategory.GENERATOR, "柴油发电机组", "B1 发电机房",
              "康明斯（中国）投资有限公司", "C500D5", fitted, 2)
    )  # fmt: skip
    items += security_equipment(spec, prefix)
    items += common_areas(prefix)
    return items


def common_areas(prefix: str) -> list[dict]:
    """Places with a QR label of their own (no supplier, model or warranty)."""
    places = [
        ("中心花园", "小区中部"),
        ("儿童游乐区", "中心花园东侧"),
        ("地下车库", "B1"),
        ("会所", "南门内"),
        ("垃圾分类亭", "北门内"),
    ]
    return [
        {
            "code": f"{prefix}-CA-{i:02d}",
            "category": EquipmentCategory.COMMON_AREA,
            "name": name,
            "location": location,
            "status": EquipmentStatus.IN_SERVICE,
        }
        for i, (name, location) in enumerate(places, start=1)
    ]


def security_equipment(spec: EstateSpec, prefix: str) -> list[dict]:
    """CCTV and gates, renewed in 2024 (so these are still under warranty)."""
    upgraded = date(2024, 5, 20)
    items = [
        _item(f"{prefix}-CC-NVR", EquipmentCategory.CCTV, "网络硬盘录像机", "监控中心",
              "杭州海康威视数字技术股份有限公司", "DS-9664N-I16", upgraded, 3)
    ]  # fmt: skip
    cameras = [f"{gate}岗亭" for gate in spec.gates for _ in (1, 2)] + [
        "地下车库入口", "地下车库A区", "地下车库B区", "中心花园", "儿童游乐区", "周界东侧",
        "周界西侧", "垃圾分类亭",
    ]  # fmt: skip
    for i, place in enumerate(cameras, start=1):
        items.append(
            _item(f"{prefix}-CC-{i:02d}", EquipmentCategory.CCTV, f"{place}摄像机", place,
                  "杭州海康威视数字技术股份有限公司", "DS-2CD3T47WDV3-L", upgraded, 3)
        )  # fmt: skip
    for i, gate in enumerate(spec.gates, start=1):
        items.append(
            _item(f"{prefix}-AG-G{i}V", EquipmentCategory.ACCESS_GATE, f"{gate}车辆道闸",
                  gate, "深圳市捷顺科技实业股份有限公司", "JSDZ0601", upgraded, 2)
        )  # fmt: skip
        items.append(
            _item(f"{prefix}-AG-G{i}P", EquipmentCategory.ACCESS_GATE, f"{gate}人行闸机",
                  gate, "浙江大华技术股份有限公司", "DH-ASGB810", upgraded, 2)
        )  # fmt: skip
    return items


# --- Writing: create what is missing, matched by natural keys --------------------------------


class Writer:
    """Creates what is missing and counts what it created."""

    def __init__(self):
        self.created: Counter = Counter()
        self.admin = None
        self._password = None

    @property
    def password(self) -> str:
        # Hashing is slow by design: hash once, share the hash among the demo logins.
        if self._password is None:
            self._password = make_password(PASSWORD)
        return self._password

    def audit(self, objs, label: str):
        if objs:
            record_events_bulk(objs, actor=self.admin, verb="created", note=NOTE)
            self.created[label] += len(objs)
            self.created["audit events"] += len(objs)

    def ensure_admin(self):
        User = get_user_model()
        self.admin = User.objects.filter(username="admin").first()
        if self.admin is None:
            self.admin = User.objects.create(
                username="admin",
                password=self.password,
                display_name="系统管理员",
                email="admin@example.com",
                language="zh-hans",
                is_company_admin=True,
                is_staff=True,
                is_superuser=True,
            )
            self.created["users"] += 1
        return self.admin

    def ensure_users(self, rows: list[dict]) -> dict[str, object]:
        """{username: user}, creating the missing ones with the demo password."""
        User = get_user_model()
        names = [row["username"] for row in rows]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        new = [
            User(password=self.password, language="zh-hans", **row)
            for row in rows
            if row["username"] not in existing
        ]
        User.objects.bulk_create(new)
        self.created["users"] += len(new)
        return {u.username: u for u in User.objects.filter(username__in=names)}

    def estate(self, spec: EstateSpec) -> Estate:
        estate = Estate.objects.filter(code=spec.code).first()
        if estate is None:
            estate = Estate.objects.create(
                code=spec.code,
                name=spec.name,
                address=spec.address,
                service_phone=spec.service_phone,
                service_level=spec.service_level,
            )
            self.audit([estate], "estates")
        return estate

    def buildings(self, estate: Estate, spec: EstateSpec) -> dict[str, Building]:
        existing = set(estate.buildings.values_list("name", flat=True))
        new = [
            Building(
                estate=estate,
                name=b.name,
                floors=b.floors,
                completed_on=spec.completed_on,
                note="地下一层" if b.kind == "garage" else "",
            )
            for b in spec.buildings
            if b.name not in existing
        ]
        self.audit(Building.objects.bulk_create(new), "buildings")
        return {b.name: b for b in estate.buildings.all()}

    def units(self, estate: Estate, buildings: dict, plans: list[UnitPlan]) -> dict[tuple, int]:
        def keys():
            rows = Unit.objects.filter(estate=estate).values_list(
                "building__name", "entrance", "number", "id"
            )
            return {(b, e, n): pk for b, e, n, pk in rows}

        existing = keys()
        new = [
            Unit(
                estate=estate,
                building=buildings[p.building],
                entrance=p.entrance,
                number=p.number,
                floor=p.floor,
                area=p.area,
                kind=p.kind,
                status=p.status,
            )
            for p in plans
            if p.key not in existing
        ]
        self.audit(Unit.objects.bulk_create(new, batch_size=500), "units")
        return keys() if new else existing

    def people(self, estate: Estate, plans: list[PersonPlan]) -> dict[str, int]:
        ids = [p.id_number for p in plans]

        def keys():
            rows = Person.objects.filter(id_number__in=ids).values_list("id_number", "id")
            return dict(rows)

        existing = keys()
        new = [
            Person(
                registered_estate=estate,
                id_number=p.id_number,
                name=p.name,
                mobile=p.mobile,
                email=p.email,
            )
            for p in plans
            if p.id_number not in existing
        ]
        self.audit(Person.objects.bulk_create(new, batch_size=500), "people")
        return keys() if new else existing

    def occupancies(self, plans: list[OccupancyPlan], people: dict, units: dict):
        unit_ids = set(units.values())
        existing = set(
            Occupancy.objects.filter(unit_id__in=unit_ids).values_list(
                "person_id", "unit_id", "role", "start_date"
            )
        )
        new = []
        for p in plans:
            key = (people[p.person], units[p.unit], p.role, p.start_date)
            if key not in existing:
                new.append(
                    Occupancy(person_id=key[0], unit_id=key[1], role=p.role,
                              start_date=p.start_date, end_date=p.end_date)
                )  # fmt: skip
        self.audit(Occupancy.objects.bulk_create(new, batch_size=500), "occupancies")

    def staff(self, estate: Estate, plans: list[StaffPlan]):
        users = self.ensure_users(
            [
                {
                    "username": s.username,
                    "display_name": s.display_name,
                    "mobile": s.mobile,
                    "email": f"{s.username}@example.com",
                }
                for s in plans
            ]
        )
        existing = set(estate.memberships.values_list("user__username", flat=True))
        new = [
            StaffMembership(user=users[s.username], estate=estate, role=s.role, skills=s.skills)
            for s in plans
            if s.username not in existing
        ]
        self.audit(StaffMembership.objects.bulk_create(new), "staff memberships")

    def owner_logins(self, plan: EstatePlan, people: dict[str, int]) -> list[Person]:
        by_id = {p.id_number: p for p in plan.people}
        users = self.ensure_users(
            [
                {
                    "username": by_id[i].mobile,
                    "mobile": by_id[i].mobile,
                    "display_name": by_id[i].name,
                    "email": by_id[i].email,
                }
                for i in plan.logins
            ]
        )
        owners = list(Person.objects.filter(pk__in=[people[i] for i in plan.logins]))
        unlinked = [p for p in owners if p.user_id is None and p.mobile in users]
        for person in unlinked:
            person.user = users[person.mobile]
        Person.objects.bulk_update(unlinked, ["user"])
        self.created["owner logins linked"] += len(unlinked)
        return sorted(owners, key=lambda p: plan.logins.index(p.id_number))

    def equipment(self, estate: Estate, buildings: dict, items: list[dict]):
        existing = set(estate.equipment.values_list("code", flat=True))
        new = []
        for item in items:
            if item["code"] in existing:
                continue
            data = dict(item)
            building = buildings[data.pop("building")] if "building" in data else None
            new.append(Equipment(estate=estate, building=building, **data))
        self.audit(Equipment.objects.bulk_create(new), "equipment")


# --- The command -----------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Create a demo company (two estates, ~1,000 units, ~900 people, staff, equipment)."

    def handle(self, *args, **options):
        started = time.monotonic()
        writer = Writer()
        logins = []
        with transaction.atomic():
            admin = writer.ensure_admin()
            logins.append(("Company administrator", admin.username, "(all)"))
            for plan in demo_plan():
                logins += self.seed_estate(writer, plan)
        elapsed = time.monotonic() - started
        created = +writer.created  # without the zero counts
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f}s:"))
            for label, n in created.items():
                self.stdout.write(f"  {label:<20} {n:>6}")
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo data is already there; nothing was created.")
            )
        self.print_logins(logins)

    def seed_estate(self, writer: Writer, plan: EstatePlan) -> list[tuple]:
        spec = plan.spec
        estate = writer.estate(spec)
        buildings = writer.buildings(estate, spec)
        units = writer.units(estate, buildings, plan.units)
        people = writer.people(estate, plan.people)
        writer.occupancies(plan.occupancies, people, units)
        writer.staff(estate, plan.staff)
        writer.equipment(estate, buildings, plan.equipment)
        owners = writer.owner_logins(plan, people)
        # Other modules add their demo records (repairs...) through their AppConfig.
        for config in apps.get_app_configs():
            if hasattr(config, "seed_demo"):
                made = config.seed_demo(estate, rng=random.Random(f"{spec.code}-{config.label}"))
                writer.created[f"{config.label} records"] += made
        roles = dict(Role.choices)
        rows = [(str(roles[s.role]), s.username, spec.name) for s in plan.staff]
        owner = OccupancyRole.OWNER.label
        rows += [(f"{owner} · {o.name}", o.user.username, spec.name) for o in owners]
        return rows

    def print_logins(self, rows):
        header = ("role", "username", "password", "estate")
        table = [header] + [(role, user, PASSWORD, estate) for role, user, estate in rows]
        widths = [max(_width(str(row[i])) for row in table) for i in range(4)]
        self.stdout.write("\nDemo logins (owners may also sign in with their mobile number):")
        for n, row in enumerate(table):
            cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)]
            self.stdout.write("  " + "  ".join(cells).rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
