"""`manage.py seed_demo` builds a believable company, and running it again changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.models import AuditEvent
from estates.choices import Role
from estates.models import Estate, Occupancy, Person, StaffMembership, Unit
from estates.validators import validate_cn_id_number, validate_cn_mobile


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_a_company_and_is_idempotent():
    first_output = seed()
    after_first = row_counts()

    # Two estates with about 1,000 units between them.
    assert set(Estate.objects.values_list("code", flat=True)) == {"jxy", "chy"}
    assert 900 <= Unit.objects.count() <= 1_100

    # Every role in each estate.
    for estate in Estate.objects.all():
        roles = set(StaffMembership.objects.filter(estate=estate).values_list("role", flat=True))
        assert roles == set(Role.values), estate.code
    technicians = StaffMembership.objects.filter(role=Role.TECHNICIAN)
    assert all(m.skills for m in technicians)

    # People: valid, unique numbers; only the last four ID characters are ever shown.
    people = list(Person.objects.all())
    assert 800 <= len(people) <= 1_100
    assert len({p.mobile for p in people}) == len(people)
    for person in people:
        validate_cn_mobile(person.mobile)
        validate_cn_id_number(person.id_number)
        assert person.id_number_masked == "*" * 14 + person.id_number[-4:]
    assert Occupancy.objects.count() >= len(people)

    # Logins: the company admin, staff, and owners who sign in with their mobile number.
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_company_admin and admin.is_staff and admin.is_superuser
    assert admin.check_password("anju-demo-2026")
    assert User.objects.filter(username__in=["jxy-manager", "jxy-cs", "chy-tech1"]).count() == 3
    owners = Person.objects.filter(user__isnull=False).select_related("user")
    assert owners.count() >= 2
    assert all(o.user.username == o.mobile == o.user.mobile for o in owners)
    assert "jxy-manager" in first_output and owners[0].mobile in first_output

    # New units and people are on the audit trail.
    audited = AuditEvent.objects.filter(note="seed_demo").count()
    assert audited >= Unit.objects.count() + len(people)

    # The second run finds everything in place and creates nothing.
    second_output = seed()
    assert row_counts() == after_first
    assert "already there" in second_output
