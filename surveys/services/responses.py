"""Answers: an owner answers in the portal, once per household; staff type in paper and
phone questionnaires with the channel recorded. Two submits for one household at once: the
unique constraint lets one in, the other reads a clear message."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from estates.owners import units_for_owner
from estates.permissions import require

from .. import permissions as P
from ..choices import STAFF_CHANNELS, Channel, QuestionKind, SurveyStatus
from ..models import Answer, Question, Response, Survey
from ..selectors import accepting, audience_units

ALREADY_ANSWERED = "This household has already answered this survey."
MAX_TEXT = 2000


class AlreadyAnswered(DomainError):
    pass


def _number(question, value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError(
            {f"q_{question.pk}": _("Choose from %(low)d to %(high)d.") % {"low": low, "high": high}}
        )
    return [Answer(question=question, number=number)]


def _choices(question, value, option_ids):
    values = value if isinstance(value, list | tuple | set) else [value]
    try:
        chosen = {int(v) for v in values}
    except (TypeError, ValueError):
        chosen = {0}
    if not chosen <= option_ids or (question.kind == QuestionKind.SINGLE and len(chosen) != 1):
        raise ValidationError({f"q_{question.pk}": _("Choose one of the options.")})
    return [Answer(question=question, choice_id=c) for c in sorted(chosen)]


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


def answer_rows(survey, answers: dict) -> list[Answer]:
    """The Answer rows for {question_id: value}; a ValidationError names each bad field."""
    questions = Question.objects.filter(survey=survey).prefetch_related("choices")
    rows, errors = [], {}
    for question in questions:
        value = answers.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        if _blank(value):
            if question.required:
                errors[f"q_{question.pk}"] = _("Please answer this question.")
            continue
        try:
            if question.kind == QuestionKind.RATING:
                rows += _number(question, value, 1, 5)
            elif question.kind == QuestionKind.RECOMMEND:
                rows += _number(question, value, 0, 10)
            elif question.kind == QuestionKind.TEXT:
                rows.append(Answer(question=question, text=str(value)[:MAX_TEXT]))
            else:
                rows += _choices(question, value, {c.pk for c in question.choices.all()})
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return rows


def _save(survey, unit, channel, entered_by, answers) -> Response:
    """Lock the survey (a close waits for the answers being saved, and the other way round),
    check it takes answers, then insert in a savepoint: the unique constraint refuses a
    second response of the household even when both arrive at once."""
    survey = Survey.objects.select_for_update(no_key=True).get(pk=survey.pk)
    # Owners answer within the period; paper questionnaires may be typed in until it closes.
    is_open = survey.status == SurveyStatus.PUBLISHED if entered_by else accepting(survey)
    if not is_open:
        raise DomainError(_("This survey is not open for answers."))
    rows = answer_rows(survey, answers)
    if Response.objects.filter(survey=survey, unit=unit).exists():
        raise AlreadyAnswered(_(ALREADY_ANSWERED))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                unit=unit,
                building_id=unit.building_id,
                channel=channel,
                entered_by=entered_by,
                submitted_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise AlreadyAnswered(_(ALREADY_ANSWERED)) from exc
    for row in rows:
        row.response, row.survey = response, survey
    Answer.objects.bulk_create(rows)
    return response


def response_submit(*, survey_id, actor, unit_id, answers: dict) -> Response:
    """The owner answers for one of their units that the survey asks."""
    survey = Survey.objects.for_owner(actor).get(pk=survey_id)
    unit = units_for_owner(actor).filter(pk=unit_id).first()
    if unit is None or not audience_units(survey).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Choose one of your homes this survey asks.")})
    with transaction.atomic():
        return _save(survey, unit, Channel.PORTAL, None, answers)


def response_enter_paper(*, survey_id, actor, unit_id, channel, answers: dict) -> Response:
    """Staff type in a paper (or phone) questionnaire of a household; the channel and who
    typed it are recorded, not who answered."""
    survey = Survey.objects.for_user(actor).select_related("estate").get(pk=survey_id)
    require(actor, P.ENTER, survey.estate)
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": _("Choose paper or phone.")})
    unit = audience_units(survey).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({"unit": _("Choose a unit this survey asks.")})
    with transaction.atomic():
        return _save(survey, unit, channel, actor, answers)
