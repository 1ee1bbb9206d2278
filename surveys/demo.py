"""Demo surveys for `seed_demo`: per estate, one closed survey with answers from most
households (built through the services; answers typed in as paper questionnaires and
inserted in bulk), and its copy, open now, for the owners to answer in the portal."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from estates.choices import Role
from estates.models import StaffMembership

from . import services
from .choices import Channel, Dimension, QuestionKind
from .models import Answer, Question, Response, Survey
from .selectors import audience_units

DEMO_TITLE = "2026年度业主满意度调查"
OPEN_TITLE = "2026年冬季满意度调查"
QUESTIONS = [
    (Dimension.SERVICE_ATTITUDE, QuestionKind.RATING, "客服人员的服务态度", ()),
    (Dimension.SERVICE_QUALITY, QuestionKind.RATING, "报修处理的及时性", ()),
    (Dimension.ENVIRONMENT, QuestionKind.RATING, "公共区域的清洁卫生", ()),
    (Dimension.SECURITY, QuestionKind.RATING, "门岗与巡逻的安全管理", ()),
    (Dimension.GREENING, QuestionKind.RATING, "绿化养护情况", ()),
    (Dimension.OVERALL, QuestionKind.RECOMMEND, "您有多大可能向亲友推荐我们的物业服务？", ()),
    (Dimension.OVERALL, QuestionKind.SINGLE, "您最希望改进的方面",
     ("停车管理", "电梯维护", "垃圾分类")),
    (Dimension.OVERALL, QuestionKind.TEXT, "其他意见和建议", ()),
]  # fmt: skip
REMARKS = ["希望增加夜间巡逻", "保洁阿姨很辛苦，谢谢", "地下车库灯光太暗", "快递柜不够用"]


def _build(estate, manager):
    today = timezone.localdate()
    survey = services.survey_create(
        estate=estate,
        actor=manager,
        title=DEMO_TITLE,
        starts_on=today - timedelta(days=30),
        ends_on=today,
    )
    sections = {}
    for dimension, kind, text, options in QUESTIONS:
        if dimension not in sections:
            sections[dimension] = services.section_add(
                survey_id=survey.pk, actor=manager, dimension=dimension
            )
        services.question_add(
            survey_id=survey.pk,
            actor=manager,
            section_id=sections[dimension].pk,
            kind=kind,
            text=text,
            required=kind != QuestionKind.TEXT,
            choices=options,
        )
    return survey


def _answers(survey, rng, manager):
    questions = list(Question.objects.filter(survey=survey).prefetch_related("choices"))
    units = list(audience_units(survey).order_by("id"))
    now = timezone.now()
    responses = [
        Response(
            survey=survey,
            unit=unit,
            building_id=unit.building_id,
            channel=rng.choice([Channel.PAPER, Channel.PHONE]),
            entered_by=manager,
            submitted_at=now - timedelta(days=rng.randint(0, 29)),
        )
        for unit in units
        if rng.random() < 0.6
    ]
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = []
    for response in responses:
        for q in questions:
            row = Answer(response=response, survey=survey, question=q)
            if q.kind == QuestionKind.RATING:
                # Greening a little weaker than the rest: flagged below the target.
                low = 2 if q.section.dimension == Dimension.GREENING else 3
                row.number = rng.randint(low, 5)
            elif q.kind == QuestionKind.RECOMMEND:
                row.number = rng.randint(4, 10)
            elif q.kind == QuestionKind.SINGLE:
                row.choice = rng.choice(list(q.choices.all()))
            elif rng.random() < 0.2:
                row.text = rng.choice(REMARKS)
            else:
                continue
            answers.append(row)
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(responses)


def seed_survey(estate, *, rng) -> int:
    if Survey.objects.filter(estate=estate, title=DEMO_TITLE).exists():
        return 0
    manager = (
        StaffMembership.objects.filter(estate=estate, role=Role.MANAGER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if manager is None:
        return 0
    manager = manager.user
    with transaction.atomic():
        survey = _build(estate, manager)
        services.survey_publish(survey_id=survey.pk, actor=manager)
        count = _answers(survey, rng, manager)
        services.survey_close(survey_id=survey.pk, actor=manager)
        _open_copy(survey, manager)
    return count


def _open_copy(survey, manager):
    """The next survey, open now: what owners find in the portal."""
    today = timezone.localdate()
    copy = services.survey_copy(survey_id=survey.pk, actor=manager)
    services.survey_update(
        survey_id=copy.pk,
        actor=manager,
        title=OPEN_TITLE,
        starts_on=today,
        ends_on=today + timedelta(days=14),
        target=copy.target,
    )
    services.survey_publish(survey_id=copy.pk, actor=manager)
