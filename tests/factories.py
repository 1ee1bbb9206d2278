"""factory-boy factories for the shared test world."""

import datetime as dt
import itertools
from decimal import Decimal

import factory

from core.models import User
from estates.choices import OccupancyRole, Role, UnitKind, UnitStatus
from estates.models import (
    Building,
    Equipment,
    Estate,
    Occupancy,
    Person,
    StaffMembership,
    Unit,
)
from estates.validators import id_check_digit

_mobiles = itertools.count(13800000000)
_ids = itertools.count(1)


def make_id_number(n: int) -> str:
    first17 = f"3301061990{n % 10000000:07d}"
    return first17 + id_check_digit(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-Anju-2026!")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    name = factory.Sequence(lambda n: f"测试小区{n}")
    code = factory.Sequence(lambda n: f"est{n}")
    address = "杭州市西湖区文三路1号"
    service_phone = "0571-88888888"


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")
    floors = 18


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    estate = factory.LazyAttribute(lambda o: o.building.estate)
    entrance = "1"
    number = factory.Sequence(lambda n: f"{(n % 18) + 1:02d}{n:03d}")
    floor = 3
    area = Decimal("89.50")
    kind = UnitKind.RESIDENTIAL
    status = UnitStatus.OCCUPIED


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"业主{n}")
    mobile = factory.LazyFunction(lambda: str(next(_mobiles)))
    id_number = factory.LazyFunction(lambda: make_id_number(next(_ids)))
    registered_estate = factory.SubFactory(EstateFactory)


class OccupancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupancy

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    role = OccupancyRole.OWNER
    start_date = dt.date(2020, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    estate = factory.SubFactory(EstateFactory)
    role = Role.MANAGER


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    estate = factory.SubFactory(EstateFactory)
    code = factory.Sequence(lambda n: f"EQ-{n:04d}")
    name = "1号客梯"
    category = "elevator"
    location = "1栋电梯井"
