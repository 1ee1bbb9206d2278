"""Demo meters (seed_demo): unit water meters and a shared meter with two months read,
usage computed from them split exactly; a second run adds nothing."""

import random

import pytest
from django.apps import apps

from billing.models import Meter, MeterReading, Usage
from billing.services.meter_usage import usage_compute

from ..factories import UnitFactory


@pytest.mark.django_db
def test_seed_meters_is_idempotent_and_its_readings_compute(world):
    for _ in range(3):
        UnitFactory(building=world.building)
    config = apps.get_app_config("billing")
    assert config.seed_demo(world.estate, rng=random.Random(1)) > 0
    assert Meter.objects.filter(estate=world.estate, unit=None).count() == 1
    readings = MeterReading.objects.count()
    assert readings == 2 * Meter.objects.count()
    assert config.seed_demo(world.estate, rng=random.Random(1)) == 0
    assert MeterReading.objects.count() == readings
    # the month before last (last month's bills are issued: its usage stays)
    period = MeterReading.objects.order_by("period").values_list("period", flat=True).first()
    usage_compute(estate=world.estate, period=period, actor=None)
    shared = Meter.objects.get(unit=None)
    parts = Usage.objects.filter(period=period, fee_item=shared.fee_item)
    first = shared.readings.get(period=period)
    assert parts.count() == world.building.units.count()
    assert sum(p.quantity for p in parts) == first.value  # from 0 when installed
