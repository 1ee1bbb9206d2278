"""The shared test world: two estates, each with a building, a unit, an owner; staff of
estate A in every role, a manager of estate B (the "other estate"), a company admin."""

import uuid
from dataclasses import dataclass, field

import pytest

from config.celery import app as celery_app
from estates.choices import Role

from .celery_worker import celery_conf, test_queue, worker  # noqa: F401 - shared fixtures
from .factories import (
    BuildingFactory,
    EquipmentFactory,
    EstateFactory,
    MembershipFactory,
    OccupancyFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker (see tests/core)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages answer in English unless a test asks for Chinese (cookie, user or override):
    # assertions on wording then read in the source language.
    settings.LANGUAGE_CODE = "en"
    # Each test its own cache namespace: nothing cached by one test (board figures, rate
    # limit counters) is read by the next, whose rows may reuse the same ids.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@dataclass
class World:
    estate: object
    other_estate: object
    building: object
    unit: object
    owner_person: object
    owner: object  # the owner's login
    other_building: object
    other_unit: object
    other_person: object
    other_owner: object
    equipment: object
    other_equipment: object
    admin: object
    other_manager: object
    staff: dict = field(default_factory=dict)  # role -> user in estate A

    @property
    def manager(self):
        return self.staff[Role.MANAGER]


def _owner(estate, unit, name, username):
    user = UserFactory(username=username, display_name=name)
    person = PersonFactory(name=name, registered_estate=estate, user=user)
    OccupancyFactory(person=person, unit=unit)
    return person, user


@pytest.fixture
def world(db):
    estate = EstateFactory(name="锦绣园", code="jxy")
    other = EstateFactory(name="翠湖苑", code="chy")
    building = BuildingFactory(estate=estate, name="3栋")
    unit = UnitFactory(building=building, number="0301")
    other_building = BuildingFactory(estate=other, name="8栋")
    other_unit = UnitFactory(building=other_building, number="0808")
    owner_person, owner = _owner(estate, unit, "王小明", "13800001111")
    other_person, other_owner = _owner(other, other_unit, "李四", "13900002222")
    staff = {}
    for role in Role.values:
        staff[role] = UserFactory(username=f"jxy-{role}")
        MembershipFactory(
            user=staff[role],
            estate=estate,
            role=role,
            skills=["plumbing"] if role == Role.TECHNICIAN else [],
        )
    other_manager = UserFactory(username="chy-manager")
    MembershipFactory(user=other_manager, estate=other, role=Role.MANAGER)
    admin = UserFactory(username="admin", is_company_admin=True)
    return World(
        estate=estate,
        other_estate=other,
        building=building,
        unit=unit,
        owner_person=owner_person,
        owner=owner,
        other_building=other_building,
        other_unit=other_unit,
        other_person=other_person,
        other_owner=other_owner,
        equipment=EquipmentFactory(estate=estate, building=building),
        other_equipment=EquipmentFactory(estate=other, building=other_building),
        admin=admin,
        other_manager=other_manager,
        staff=staff,
    )


@pytest.fixture
def login(client):
    """login(user) -> the client, signed in as user (None: anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
