"""Demo inspections (seed_demo): checkpoints on pumps and fire equipment with their
checklists, a route, a daily plan with rounds, a walked round with a finding and its
ticket; a second run adds nothing."""

import random

import pytest
from django.apps import apps

from estates.choices import EquipmentCategory, Role
from inspections.choices import RoundStatus
from inspections.models import Checkpoint, Finding, Plan, Round

from ..factories import EquipmentFactory


@pytest.mark.django_db
def test_seed_demo_of_an_estate_is_idempotent(world):
    for i in range(2):
        EquipmentFactory(estate=world.estate, category=EquipmentCategory.WATER_PUMP,
                         code=f"WP-{i}", name=f"{i}号水泵")  # fmt: skip
        EquipmentFactory(estate=world.estate, category=EquipmentCategory.FIRE,
                         code=f"FI-{i}", name=f"{i}号消防泵")  # fmt: skip
    config = apps.get_app_config("inspections")
    assert config.seed_demo(world.estate, rng=random.Random(1)) > 0
    assert Checkpoint.objects.filter(estate=world.estate).count() == 5
    assert Plan.objects.get(estate=world.estate).assignee_role == Role.SECURITY
    walked = Round.objects.exclude(finished_at=None).get()
    assert walked.status == RoundStatus.DONE
    finding = Finding.objects.get()
    assert finding.ticket.source_url == walked.get_absolute_url()
    rounds = Round.objects.count()
    assert config.seed_demo(world.estate, rng=random.Random(1)) == 0
    assert Round.objects.count() == rounds
