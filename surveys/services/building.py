"""Building a survey: create, edit, copy; its sections, questions and options, which may
change only while the survey is a draft (a published survey's questions are frozen)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import record_event
from estates.models import Estate
from estates.permissions import require

from .. import permissions as P
from ..choices import CHOICE_KINDS, DEFAULT_TARGET, TARGET_BY_SERVICE_LEVEL
from ..models import Choice, Question, Section, Survey
from ..transitions import SURVEY, check


def target_for(estate) -> int:
    """The satisfaction target of the estate's service level."""
    return TARGET_BY_SERVICE_LEVEL.get(estate.service_level, DEFAULT_TARGET)


def _check_period(starts_on, ends_on):
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})


def _check_buildings(estate, buildings):
    if any(b.estate_id != estate.pk for b in buildings):
        raise ValidationError({"buildings": _("Choose buildings of this estate.")})


def survey_create(*, estate: Estate, actor, title, starts_on, ends_on, target=None, intro="",
                  buildings=()):  # fmt: skip
    require(actor, P.MANAGE, estate)
    _check_period(starts_on, ends_on)
    _check_buildings(estate, buildings)
    with transaction.atomic():
        survey = Survey.objects.create(
            estate=estate,
            title=title,
            intro=intro,
            starts_on=starts_on,
            ends_on=ends_on,
            target=target or target_for(estate),
            created_by=actor,
        )
        survey.buildings.set(buildings)
        record_event(survey, actor=actor, verb="survey_created")
    return survey


def _locked_draft(survey_id, actor):
    survey = (
        Survey.objects.for_user(actor)
        .select_for_update()
        .select_related("estate")
        .get(pk=survey_id)
    )
    check(SURVEY, "edit", actor, survey)
    return survey


def survey_update(*, survey_id, actor, title, starts_on, ends_on, target, intro="",
                  buildings=()):  # fmt: skip
    _check_period(starts_on, ends_on)
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        _check_buildings(survey.estate, buildings)
        survey.title, survey.intro, survey.target = title, intro, target
        survey.starts_on, survey.ends_on = starts_on, ends_on
        survey.save()
        survey.buildings.set(buildings)
        record_event(survey, actor=actor, verb="survey_updated")
    return survey


def survey_copy(*, survey_id, actor, estate: Estate | None = None):
    """A new draft with the same sections, questions and options (for the next period, or
    for another estate the actor manages); no answers are copied."""
    source = Survey.objects.for_user(actor).select_related("estate").get(pk=survey_id)
    check(SURVEY, "copy", actor, source)
    estate = estate or source.estate
    require(actor, P.MANAGE, estate)
    with transaction.atomic():
        copy = Survey.objects.create(
            estate=estate,
            title=_("%(title)s (copy)") % {"title": source.title},
            intro=source.intro,
            starts_on=source.starts_on,
            ends_on=source.ends_on,
            target=source.target if estate == source.estate else target_for(estate),
            created_by=actor,
            copied_from=source,
        )
        if estate == source.estate:
            copy.buildings.set(source.buildings.all())
        for section in source.sections.order_by("order", "id"):
            questions = list(section.questions.order_by("order", "id"))
            section.pk, section.survey = None, copy
            section.save()
            for question in questions:
                choices = list(question.choices.order_by("order", "id"))
                question.pk, question.survey, question.section = None, copy, section
                question.save()
                Choice.objects.bulk_create(
                    Choice(question=question, text=c.text, order=c.order) for c in choices
                )
        record_event(copy, actor=actor, verb="survey_copied", note=source.title)
    return copy


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def section_add(*, survey_id, actor, dimension, title=""):
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        return Section.objects.create(
            survey=survey,
            dimension=dimension,
            title=title,
            order=_next_order(survey.sections.all()),
        )


def section_delete(*, survey_id, actor, section_id):
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        Section.objects.filter(survey=survey, pk=section_id).delete()


def question_add(*, survey_id, actor, section_id, kind, text, required=True, choices=()):
    """`choices`: the option texts of a single or multiple choice question (two at least)."""
    options = [c.strip() for c in choices if c.strip()]
    if kind in CHOICE_KINDS and len(options) < 2:
        raise ValidationError({"choices": _("Give at least two options, one per line.")})
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        try:
            section = survey.sections.get(pk=section_id)
        except Section.DoesNotExist as exc:
            raise ValidationError({"section": _("Choose a section of this survey.")}) from exc
        question = Question.objects.create(
            survey=survey,
            section=section,
            kind=kind,
            text=text,
            required=required,
            order=_next_order(section.questions.all()),
        )
        if kind in CHOICE_KINDS:
            Choice.objects.bulk_create(
                Choice(question=question, text=text, order=i) for i, text in enumerate(options, 1)
            )
    return question


def question_delete(*, survey_id, actor, question_id):
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        Question.objects.filter(survey=survey, pk=question_id).delete()


def question_move(*, survey_id, actor, question_id, up: bool):
    """One place up (or down) within its section; the orders are renumbered 1, 2, 3 …"""
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        question = Question.objects.get(survey=survey, pk=question_id)
        siblings = list(question.section.questions.order_by("order", "id"))
        i = siblings.index(question)
        j = i - 1 if up else i + 1
        if 0 <= j < len(siblings):
            siblings[i], siblings[j] = siblings[j], siblings[i]
        for order, q in enumerate(siblings, 1):
            q.order = order
        Question.objects.bulk_update(siblings, ["order"])


def choice_add(*, survey_id, actor, question_id, text):
    with transaction.atomic():
        survey = _locked_draft(survey_id, actor)
        question = Question.objects.get(survey=survey, pk=question_id)
        if question.kind not in CHOICE_KINDS:
            raise ValidationError(_("Only a choice question has options."))
        return Choice.objects.create(
            question=question, text=text, order=_next_order(question.choices.all())
        )
