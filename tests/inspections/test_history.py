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
