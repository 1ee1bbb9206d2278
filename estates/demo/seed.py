"""Seeding the demo company: write the plan estate by estate, then let other modules add
their demo records (repairs …) through their AppConfig."""

import random
from collections import Counter

from django.apps import apps
from django.db import transaction

from ..choices import OccupancyRole, Role
from .planning import demo_plan
from .plans import EstatePlan
from .writer import Writer


def seed_company() -> tuple[Counter, list[tuple]]:
    """Create what is missing. Returns (what was created, [(role, username, estate)])."""
    writer = Writer()
    logins = []
    with transaction.atomic():
        admin = writer.ensure_admin()
        logins.append(("Company administrator", admin.username, "(all)"))
        for plan in demo_plan():
            logins += seed_estate(writer, plan)
    return +writer.created, logins  # without the zero counts


def seed_estate(writer: Writer, plan: EstatePlan) -> list[tuple]:
    spec = plan.spec
    estate = writer.estate(spec)
    buildings = writer.buildings(estate, spec)
    units = writer.units(estate, buildings, plan.units)
    people = writer.people(estate, plan.people)
    writer.occupancies(plan.occupancies, people, units)
    writer.staff(estate, plan.staff)
    writer.equipment(estate, buildings, plan.equipment)
    owners = writer.owner_logins(plan, people)
    for config in apps.get_app_configs():
        if hasattr(config, "seed_demo"):
            made = config.seed_demo(estate, rng=random.Random(f"{spec.code}-{config.label}"))
            writer.created[f"{config.label} records"] += made
    roles = dict(Role.choices)
    rows = [(str(roles[s.role]), s.username, spec.name) for s in plan.staff]
    owner = OccupancyRole.OWNER.label
    rows += [(f"{owner} · {o.name}", o.user.username, spec.name) for o in owners]
    return rows
