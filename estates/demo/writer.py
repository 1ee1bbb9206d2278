"""Writing the plan: create what is missing, matched by natural keys."""

from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from core.audit import record_events_bulk

from ..models import Building, Equipment, Estate, Occupancy, Person, StaffMembership, Unit
from .company import NOTE, PASSWORD, EstateSpec
from .plans import EstatePlan, OccupancyPlan, PersonPlan, StaffPlan, UnitPlan


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
