"""Staff of every role in each estate, technicians with their skills."""

from ..choices import Role, Skill
from .names import Faker
from .plans import EstatePlan, StaffPlan

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
