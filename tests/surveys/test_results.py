"""Score arithmetic, by hand: four questionnaires in two buildings of six households.

           polite quick clean nps single multi
    r1 (3栋)  5     4     3    10  停车   会所, 泳池   "电梯太慢"
    r2 (3栋)  4     2     5     9  电梯   会所
    r3 (3栋)  3     5     2     6  停车   —
    r4 (5栋)  1     4     4     8  —      —

Attitude (polite + quick): 8 answers, 5 of them 4–5 → 62.5 %, average 28/8 = 3.50.
Hygiene (clean): 2 of 4 → 50.0 %, average 14/4 = 3.50. All ratings: 7 of 12 → 58.3 %.
NPS: promoters 10, 9 (2), detractors 6 (1) of 4 → 25.0. Response rate 4 of 6 → 66.7 %;
3栋 3 of 4 → 75.0 %, 5栋 1 of 2 → 50.0 %."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from surveys.choices import SurveyStatus
from surveys.comparisons import compare_estates, compare_with_previous
from surveys.models import Response
from surveys.results import average, nps, pct, survey_results

from ..factories import BuildingFactory, UnitFactory
from .factories import answers_for, response, standard_survey

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def answered(world):
    survey, q = standard_survey(world.estate, target=60)
    b3 = world.building
    units3 = [world.unit, *(UnitFactory(building=b3) for _ in range(3))]
    b5 = BuildingFactory(estate=world.estate, name="5栋")
    units5 = [UnitFactory(building=b5) for _ in range(2)]
    rows = [
        (units3[0], dict(polite=5, quick=4, clean=3, nps=10, single="停车", multi=["会所", "泳池"],
                         text="电梯太慢")),
        (units3[1], dict(polite=4, quick=2, clean=5, nps=9, single="电梯", multi=["会所"])),
        (units3[2], dict(polite=3, quick=5, clean=2, nps=6, single="停车")),
        (units5[0], dict(polite=1, quick=4, clean=4, nps=8)),
    ]  # fmt: skip
    for unit, values in rows:
        response(survey, unit, answers_for(q, **values))
    return survey, q


def test_rounding_is_half_up_to_one_decimal():
    assert pct(1, 16) == D("6.3")  # 6.25: half up, not to even
    assert pct(2, 3) == D("66.7")
    assert pct(1, 0) is None
    assert average(7, 2) == D("3.50")
    assert nps(1, 2, 8) == D("-12.5")


def test_response_rate_overall_and_by_building(answered):
    results = survey_results(answered[0])
    assert (results["responses"], results["units"], results["response_rate"]) == (4, 6, D("66.7"))
    assert [
        (b["building"], b["units"], b["responses"], b["rate"]) for b in results["buildings"]
    ] == [
        ("3栋", 4, 3, D("75.0")),
        ("5栋", 2, 1, D("50.0")),
    ]


def test_scores_per_dimension_and_overall(answered):
    results = survey_results(answered[0])
    dims = {row["dimension"]: row for row in results["dimensions"]}
    assert list(dims) == ["service_attitude", "environment"]
    attitude, hygiene = dims["service_attitude"], dims["environment"]
    assert (attitude["answers"], attitude["average"], attitude["satisfied_pct"]) == (
        8, D("3.50"), D("62.5"),
    )  # fmt: skip
    assert (hygiene["answers"], hygiene["average"], hygiene["satisfied_pct"]) == (
        4, D("3.50"), D("50.0"),
    )  # fmt: skip
    assert not attitude["flagged"] and hygiene["flagged"]  # target 60 %
    assert results["satisfied_pct"] == D("58.3") and results["average"] == D("3.50")
    assert results["nps"] == D("25.0")


def test_scores_per_question_choices_and_free_texts(answered):
    survey, q = answered
    rows = {row["question"].pk: row for row in survey_results(survey)["questions"]}
    assert (rows[q["polite"].pk]["average"], rows[q["polite"].pk]["satisfied_pct"]) == (
        D("3.25"), D("50.0"),
    )  # fmt: skip
    assert (rows[q["quick"].pk]["average"], rows[q["quick"].pk]["satisfied_pct"]) == (
        D("3.75"), D("75.0"),
    )  # fmt: skip
    recommend = rows[q["nps"].pk]
    assert (recommend["nps"], recommend["promoters_pct"], recommend["detractors_pct"]) == (
        D("25.0"), D("50.0"), D("25.0"),
    )  # fmt: skip
    single = rows[q["single"].pk]
    assert single["answers"] == 3
    assert [(o["text"], o["count"], o["pct"]) for o in single["options"]] == [
        ("停车", 2, D("66.7")),
        ("电梯", 1, D("33.3")),
    ]
    multi = rows[q["multi"].pk]
    assert multi["answers"] == 2  # questionnaires that ticked something
    assert [(o["text"], o["count"], o["pct"]) for o in multi["options"]] == [
        ("会所", 2, D("100.0")),
        ("泳池", 1, D("50.0")),
        ("健身房", 0, D("0.0")),
    ]
    assert rows[q["text"].pk]["texts"] == ["电梯太慢"]


def test_a_survey_without_answers_has_no_scores(world):
    survey, _ = standard_survey(world.estate)
    results = survey_results(survey)
    assert results["responses"] == 0 and results["response_rate"] == D("0.0")
    assert results["satisfied_pct"] is None and results["nps"] is None
    assert not any(row["flagged"] for row in results["dimensions"])


def test_the_queries_do_not_grow_with_the_questionnaires(world, answered):
    survey, q = answered
    with CaptureQueriesContext(connection) as few:
        survey_results(survey)
    for _ in range(25):
        response(survey, UnitFactory(building=world.building), answers_for(q, multi=["泳池"]))
    with CaptureQueriesContext(connection) as many:
        results = survey_results(survey)
    assert results["responses"] == 29
    assert len(many) == len(few) <= 10


def test_comparison_with_the_previous_survey_of_the_estate(world, answered):
    survey, _ = answered
    before, q = standard_survey(
        world.estate,
        status=SurveyStatus.CLOSED,
        starts_on=survey.starts_on.replace(year=survey.starts_on.year - 1),
        ends_on=survey.ends_on.replace(year=survey.ends_on.year - 1),
    )
    response(before, world.unit, answers_for(q, polite=5, quick=5, clean=2))
    comparison = compare_with_previous(survey, survey_results(survey))
    assert comparison["survey"] == before
    rows = {row["label"]: row for row in comparison["rows"]}
    # Before: attitude 2 of 2 (100 %), hygiene 0 of 1 (0 %), overall 2 of 3 (66.7 %).
    assert (rows["Service attitude"]["before"], rows["Service attitude"]["change"]) == (
        D("100.0"), D("-37.5"),
    )  # fmt: skip
    hygiene = rows["Environment and hygiene"]
    assert (hygiene["before"], hygiene["change"]) == (D("0.0"), D("50.0"))
    assert (comparison["overall_before"], comparison["overall_change"]) == (D("66.7"), D("-8.4"))


def test_comparison_across_the_estates_the_user_sees(world, answered):
    survey, _ = answered
    other, q = standard_survey(world.other_estate)
    response(other, world.other_unit, answers_for(q, polite=5, quick=5, clean=5))
    rows = compare_estates(world.admin, "surveys.view", survey)
    assert [(r["estate"], r["overall"], r["dimensions"], r["is_this"]) for r in rows] == [
        ("翠湖苑", D("100.0"), [D("100.0"), D("100.0"), None], False),
        ("锦绣园", D("58.3"), [D("62.5"), D("50.0"), None], True),
    ]
    assert [r["estate"] for r in compare_estates(world.manager, "surveys.view", survey)] == [
        "锦绣园"
    ]


def test_the_database_refuses_a_second_response_of_a_household(world, answered):
    survey, _ = answered
    with pytest.raises(IntegrityError):
        Response.objects.create(
            survey=survey,
            unit=world.unit,
            building=world.building,
            channel="paper",
            submitted_at=survey.created_at,
        )


def test_the_xlsx_export_has_the_figures_and_nobody_who_answered(world, login, answered):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    survey, q = answered
    url = reverse("surveys:survey_results_xlsx", kwargs={"survey_pk": survey.pk})
    r = login(world.staff["finance"]).get(url)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Dimension", "Question", "Type", "Answers"]
    by_question = {}
    for row in rows[1:]:
        by_question.setdefault(row[1], []).append(row)
    assert by_question["客服态度"] == [
        ["Service attitude", "客服态度", "Rating 1–5", 4, 3.25, 50.0, None, None, None, None]
    ]
    assert [r[7:] for r in by_question["最关心"]] == [["停车", 2, 66.7], ["电梯", 1, 33.3]]
    assert by_question["推荐意愿"][0][6] == 25.0
    cells = " ".join(str(v) for row in rows for v in row if v is not None)
    assert world.unit.number not in cells and world.owner_person.name not in cells
