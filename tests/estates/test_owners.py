"""The one owner scope (estates.owners): what each model declares an owner reaches."""

import datetime as dt

import pytest
from django.utils import timezone

from estates.models import Building, Equipment, Estate, ImportBatch, Unit
from estates.owners import person_for, units_for_owner
from maintenance.models import Ticket

from ..factories import OccupancyFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _ticket(unit, reporter=None):
    now = timezone.now()
    return Ticket.objects.create(
        estate=unit.estate,
        unit=unit,
        category="plumbing",
        channel="portal",
        description="漏水",
        reporter=reporter,
        reported_at=now,
        response_due=now,
        onsite_due=now,
        completion_due=now,
    )


def test_an_owner_reaches_their_units_and_the_common_areas_of_their_estate(world):
    owner = world.owner
    assert list(Unit.objects.for_owner(owner)) == [world.unit]
    assert list(units_for_owner(owner)) == [world.unit]
    assert list(Estate.objects.for_owner(owner)) == [world.estate]
    assert list(Building.objects.for_owner(owner)) == [world.building]
    assert list(Equipment.objects.for_owner(owner)) == [world.equipment]
    assert not Unit.objects.for_owner(owner).filter(pk=world.other_unit.pk).exists()


def test_tickets_of_my_unit_and_those_i_reported_even_after_moving_out(world):
    neighbour_unit = UnitFactory(building=world.building)
    mine_by_unit = _ticket(world.unit)  # customer service took a call about my flat
    reported = _ticket(neighbour_unit, reporter=world.owner_person)
    others = _ticket(neighbour_unit)
    assert set(Ticket.objects.for_owner(world.owner)) == {mine_by_unit, reported}
    world.owner_person.occupancies.update(end_date=dt.date(2021, 1, 1))
    assert set(Ticket.objects.for_owner(world.owner)) == {reported}
    assert others not in Ticket.objects.for_owner(world.owner)
    assert not Unit.objects.for_owner(world.owner).exists()


def test_staff_anonymous_and_undeclared_models_reach_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert person_for(world.manager) is None
    for user in (world.manager, AnonymousUser()):
        assert not Unit.objects.for_owner(user).exists()
        assert not Ticket.objects.for_owner(user).exists()
    # A model that declares no owner path gives owners nothing.
    ImportBatch.objects.create(
        estate=world.estate, kind="units", file="x.csv", original_name="x.csv"
    )
    assert not ImportBatch.objects.for_owner(world.owner).exists()


def test_a_family_member_of_a_second_estate_reaches_both(world):
    OccupancyFactory(person=world.owner_person, unit=world.other_unit, role="family")
    assert set(Estate.objects.for_owner(world.owner)) == {world.estate, world.other_estate}
