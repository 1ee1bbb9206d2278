"""bench/survey_results.py's data: the SQL that writes 50,000 questionnaires writes what the
results read (checked here on 40), and a second run reuses it."""

from decimal import Decimal

import pytest
from django.db import connection

from bench.survey_results import _rating, generate_responses
from surveys.models import Answer, Response
from surveys.results import pct, survey_results

pytestmark = pytest.mark.django_db(transaction=True)  # the bench VACUUMs its tables


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the INSERT ... SELECT path")
def test_bench_questionnaires_are_written_once_and_read_back():
    survey, created = generate_responses(40)
    assert created and Response.objects.filter(survey=survey).count() == 40
    ids = list(Response.objects.filter(survey=survey).values_list("pk", flat=True))
    # 5 ratings, a recommendation and a choice each; a comment from every tenth id.
    assert Answer.objects.filter(survey=survey).count() == 40 * 7 + sum(
        1 for pk in ids if pk % 10 == 0
    )
    assert survey.estate.units.count() == 50  # four households in five answered
    satisfied = sum(1 for pk in ids for j in range(5) if _rating((pk * 37 + j * 11) % 100) >= 4)
    results = survey_results(survey)
    assert results["satisfied_pct"] == pct(satisfied, 200)
    assert results["response_rate"] == Decimal("80.0")
    assert generate_responses(40) == (survey, False)
