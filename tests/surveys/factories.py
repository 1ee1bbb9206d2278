"""Surveys for tests, built directly (fast) or through the services."""

import datetime as dt

import factory
from django.utils import timezone

from surveys.choices import Channel, Dimension, QuestionKind, SurveyStatus
from surveys.models import Answer, Choice, Question, Response, Section, Survey

from ..factories import EstateFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    estate = factory.SubFactory(EstateFactory)
    title = factory.Sequence(lambda n: f"满意度调查{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    target = 85


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    dimension = Dimension.SERVICE_ATTITUDE


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    survey = factory.LazyAttribute(lambda o: o.section.survey)
    kind = QuestionKind.RATING
    text = factory.Sequence(lambda n: f"问题{n}")


def standard_survey(estate, *, status=SurveyStatus.PUBLISHED, **kwargs):
    """A survey with: attitude (2 ratings), hygiene (1 rating), a 0–10 recommendation, a
    single choice, a multiple choice and a free text. Returns (survey, questions by key)."""
    survey = SurveyFactory(estate=estate, status=status, **kwargs)
    attitude = SectionFactory(survey=survey, dimension=Dimension.SERVICE_ATTITUDE, order=1)
    hygiene = SectionFactory(survey=survey, dimension=Dimension.ENVIRONMENT, order=2)
    overall = SectionFactory(survey=survey, dimension=Dimension.OVERALL, order=3)
    q = {
        "polite": QuestionFactory(section=attitude, text="客服态度", order=1),
        "quick": QuestionFactory(section=attitude, text="响应速度", order=2),
        "clean": QuestionFactory(section=hygiene, text="楼道清洁", order=1),
        "nps": QuestionFactory(
            section=overall, kind=QuestionKind.RECOMMEND, text="推荐意愿", order=1
        ),
        "single": QuestionFactory(
            section=overall, kind=QuestionKind.SINGLE, text="最关心", order=2, required=False
        ),
        "multi": QuestionFactory(
            section=overall, kind=QuestionKind.MULTIPLE, text="常用设施", order=3, required=False
        ),
        "text": QuestionFactory(
            section=overall, kind=QuestionKind.TEXT, text="意见建议", order=4, required=False
        ),
    }
    for question, options in (
        (q["single"], ["停车", "电梯"]),
        (q["multi"], ["会所", "泳池", "健身房"]),
    ):
        for i, text in enumerate(options, 1):
            Choice.objects.create(question=question, text=text, order=i)
    return survey, q


def option(question, text):
    return question.choices.get(text=text)


def answers_for(q, *, polite=5, quick=4, clean=3, nps=9, single=None, multi=(), text=""):
    values = {q["polite"].pk: polite, q["quick"].pk: quick, q["clean"].pk: clean, q["nps"].pk: nps}
    if single:
        values[q["single"].pk] = option(q["single"], single).pk
    if multi:
        values[q["multi"].pk] = [option(q["multi"], t).pk for t in multi]
    if text:
        values[q["text"].pk] = text
    return values


def response(survey, unit, answers: dict, channel=Channel.PORTAL):
    """A response written directly (no service): for results tests."""
    r = Response.objects.create(
        survey=survey,
        unit=unit,
        building=unit.building,
        channel=channel,
        submitted_at=timezone.now(),
    )
    rows = []
    for question in Question.objects.filter(survey=survey, pk__in=list(answers)):
        value = answers[question.pk]
        if question.kind in (QuestionKind.RATING, QuestionKind.RECOMMEND):
            rows.append(Answer(response=r, survey=survey, question=question, number=value))
        elif question.kind == QuestionKind.TEXT:
            rows.append(Answer(response=r, survey=survey, question=question, text=value))
        else:
            for choice_id in value if isinstance(value, list) else [value]:
                rows.append(
                    Answer(response=r, survey=survey, question=question, choice_id=choice_id)
                )
    Answer.objects.bulk_create(rows)
    return r
