"""The results of a survey, computed by a few aggregate queries grouped in the database
(by question and option, by building), never per response in Python: the same figures
for 50 or 50,000 questionnaires. What a question's rows add up to is rolled up by dimension
from the per-question sums and counts (a handful of rows).

Figures: response rate (overall and by building); per question and per dimension the
average rating and the % satisfied (ratings of 4–5); the recommendation score (NPS: %
promoters 9–10 minus % detractors 0–6); choice distributions; free-text answers (the text
only: never whose). Percentages and averages are Decimals rounded half up."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from estates.models import Building

from .choices import (
    CHOICE_KINDS,
    DETRACTOR_UP_TO,
    PROMOTER_FROM,
    SATISFIED_FROM,
    Dimension,
    QuestionKind,
)
from .models import Answer, Question, Response
from .selectors import audience_units

TEXTS_SHOWN = 50  # free-text answers shown per question (the newest)


def pct(part, whole, places="0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


def average(total, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def nps(promoters, detractors, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(100) * (promoters - detractors) / Decimal(count)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _answer_groups(survey_ids):
    """One query: per (survey, question, option) the count, sum and the satisfied,
    promoter and detractor counts."""
    return (
        Answer.objects.filter(survey_id__in=survey_ids)
        .values("survey_id", "question_id", "choice_id")
        .annotate(
            n=Count("id"),
            total=Sum("number"),
            satisfied=Count("id", filter=Q(number__gte=SATISFIED_FROM)),
            promoters=Count("id", filter=Q(number__gte=PROMOTER_FROM)),
            detractors=Count("id", filter=Q(number__lte=DETRACTOR_UP_TO)),
        )
        .order_by()
    )


def _empty():
    return {"n": 0, "total": 0, "satisfied": 0, "promoters": 0, "detractors": 0}


def _add(into, row):
    for key in ("n", "satisfied", "promoters", "detractors"):
        into[key] += row[key]
    into["total"] += row["total"] or 0


def _dimension_rows(questions, sums, target) -> list[dict]:
    """Rating questions rolled up by dimension, in the order the dimensions first appear."""
    by_dimension = {}
    for q in questions:
        if q.kind != QuestionKind.RATING:
            continue
        _add(by_dimension.setdefault(q.section.dimension, _empty()), sums.get(q.pk, _empty()))
    rows = []
    for dimension, s in by_dimension.items():
        satisfied = pct(s["satisfied"], s["n"])
        rows.append(
            {
                "dimension": dimension,
                "label": Dimension(dimension).label,
                "answers": s["n"],
                "average": average(s["total"], s["n"]),
                "satisfied_pct": satisfied,
                "flagged": satisfied is not None and target is not None and satisfied < target,
            }
        )
    return rows


def _question_rows(questions, sums, choice_counts, respondents) -> list[dict]:
    rows = []
    for q in questions:
        s = sums.get(q.pk, _empty())
        row = {"question": q, "kind": q.kind, "answers": s["n"]}
        if q.kind == QuestionKind.RATING:
            row["average"] = average(s["total"], s["n"])
            row["satisfied_pct"] = pct(s["satisfied"], s["n"])
        elif q.kind == QuestionKind.RECOMMEND:
            row["average"] = average(s["total"], s["n"])
            row["promoters_pct"] = pct(s["promoters"], s["n"])
            row["detractors_pct"] = pct(s["detractors"], s["n"])
            row["nps"] = nps(s["promoters"], s["detractors"], s["n"])
        elif q.kind in CHOICE_KINDS:
            # A single choice: one row per questionnaire; a multiple one: one per option.
            asked = respondents.get(q.pk, 0) if q.kind == QuestionKind.MULTIPLE else s["n"]
            row["answers"] = asked
            row["options"] = [
                {
                    "text": c.text,
                    "count": choice_counts.get(c.pk, 0),
                    "pct": pct(choice_counts.get(c.pk, 0), asked),
                }
                for c in q.choices.all()
            ]
        rows.append(row)
    return rows


def _sums(groups):
    """{question_id: sums over its rows} and {choice_id: count}."""
    sums, choice_counts = {}, {}
    for row in groups:
        _add(sums.setdefault(row["question_id"], _empty()), row)
        if row["choice_id"] is not None:
            choice_counts[row["choice_id"]] = row["n"]
    return sums, choice_counts


def _respondents(survey, questions) -> dict:
    """Per multiple-choice question: how many questionnaires answered it (one query)."""
    ids = [q.pk for q in questions if q.kind == QuestionKind.MULTIPLE]
    counts = {}
    if ids:
        counts = dict(
            Answer.objects.filter(survey=survey, question_id__in=ids)
            .values("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
            .values_list("question_id", "n")
        )
    return counts


def _buildings(survey) -> tuple[list[dict], int, int]:
    asked = dict(
        audience_units(survey)
        .values("building_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("building_id", "n")
    )
    answered = dict(
        Response.objects.filter(survey=survey)
        .values("building_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("building_id", "n")
    )
    names = dict(
        Building.objects.filter(pk__in=set(asked) | set(answered)).values_list("pk", "name")
    )
    rows = [
        {
            "building": names.get(pk, ""),
            "units": asked.get(pk, 0),
            "responses": answered.get(pk, 0),
            "rate": pct(answered.get(pk, 0), asked.get(pk, 0)),
        }
        for pk in sorted(names, key=lambda pk: natural_key(names[pk]))
    ]
    return rows, sum(asked.values()), sum(answered.values())


def natural_key(name: str) -> list:
    """2栋 before 10栋: numbers compared as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _free_texts(survey, questions) -> dict:
    texts = {}
    for q in questions:
        if q.kind == QuestionKind.TEXT:
            texts[q.pk] = list(
                Answer.objects.filter(survey=survey, question=q)
                .exclude(text="")
                .order_by("-id")
                .values_list("text", flat=True)[:TEXTS_SHOWN]
            )
    return texts


def _overall(sums, questions, kind):
    s = _empty()
    for q in questions:
        if q.kind == kind:
            _add(s, sums.get(q.pk, _empty()))
    return s


def survey_results(survey) -> dict:
    questions = list(
        Question.objects.filter(survey=survey)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__order", "section_id", "order", "id")
    )
    sums, choice_counts = _sums(_answer_groups([survey.pk]))
    buildings, units, responses = _buildings(survey)
    ratings = _overall(sums, questions, QuestionKind.RATING)
    recommend = _overall(sums, questions, QuestionKind.RECOMMEND)
    question_rows = _question_rows(questions, sums, choice_counts, _respondents(survey, questions))
    texts = _free_texts(survey, questions)
    for row in question_rows:
        row["texts"] = texts.get(row["question"].pk, [])
    return {
        "survey": survey,
        "units": units,
        "responses": responses,
        "response_rate": pct(responses, units),
        "buildings": buildings,
        "satisfied_pct": pct(ratings["satisfied"], ratings["n"]),
        "average": average(ratings["total"], ratings["n"]),
        "nps": nps(recommend["promoters"], recommend["detractors"], recommend["n"]),
        "dimensions": _dimension_rows(questions, sums, survey.target),
        "questions": question_rows,
    }
