"""History through estates' panels: the unit page shows the inspection findings whose
repair ticket is for the unit (to those who may see inspections)."""

import pytest
from django.urls import reverse

from estates.choices import Role
from inspections import services
from inspections.services import AnswerData
from maintenance.models import Ticket

from .factories import pump_setup


@pytest.mark.django_db
def test_the_unit_page_lists_the_findings_of_its_tickets(world, login):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    url = reverse("staff:unit_detail", kwargs={"unit_pk": world.unit.pk})
    assert (
        'data-testid="inspection-unit-panel"' not in login(world.manager).get(url).content.decode()
    )
    _answers, (finding,) = services.checkpoint_record(
        round_id=round_.pk,
        checkpoint=checkpoint,
        actor=world.staff[Role.SECURITY],
        answers=[
            AnswerData(item_id=pressure.pk, value="0.9", idempotency_key="u1"),
            AnswerData(item_id=noise.pk, value="ok", idempotency_key="u2"),
        ],
    )
    Ticket.objects.filter(pk=finding.ticket_id).update(unit=world.unit)
    page = login(world.manager).get(url).content.decode()
    assert 'data-testid="inspection-unit-panel"' in page and finding.ticket.number in page
    page = login(world.staff[Role.ENVIRONMENT]).get(url)
    assert 'data-testid="inspection-unit-panel"' not in page.content.decode()


@pytest.mark.django_db
def test_the_statistics_page_gives_rates_by_estate_route_person_and_month(world, login):
    from datetime import timedelta

    from django.utils import timezone

    from inspections.choices import RoundStatus

    from .factories import make_round

    _c, _p, _n, round_ = pump_setup(world.estate)
    now = timezone.now()
    for hours, status in [(3, RoundStatus.DONE), (6, RoundStatus.MISSED), (9, RoundStatus.LATE),
                          (12, RoundStatus.DONE)]:  # fmt: skip
        make_round(round_.plan, start=now - timedelta(hours=hours), status=status)
    # Another estate's round is not counted for a manager of A only.
    other, _p2, _n2, other_round = pump_setup(world.other_estate)
    make_round(other_round.plan, start=now - timedelta(hours=3), status=RoundStatus.MISSED)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = login(world.manager).get(reverse("inspections:statistics"), {"since": since})
    figures = response.context["figures"]
    total = figures["total"]
    assert (total["done"], total["late"], total["missed"], total["open"]) == (2, 1, 1, 1)
    assert str(total["done_rate"]) == "50.0" and str(total["missed_rate"]) == "25.0"
    assert [r["label"] for r in figures["by_estate"]] == [world.estate.name]
    assert sum(r["total"] for r in figures["by_month"]) == 5
    page = response.content.decode()
    for key in ("estate", "route", "person", "month"):
        assert f'data-testid="rates-{key}"' in page
    assert response.status_code == 200
