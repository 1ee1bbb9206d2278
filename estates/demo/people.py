"""Owners, family members and tenants of the units."""

from datetime import date, timedelta

from ..choices import OccupancyRole, UnitKind, UnitStatus
from .company import LATEST
from .names import Faker
from .plans import EstatePlan, OccupancyPlan, PersonPlan, UnitPlan


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
