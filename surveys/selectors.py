"""Reads shared by the survey pages, the services and the results."""

from django.db.models import Prefetch
from django.utils import timezone

from estates.models import Unit
from estates.owners import units_for_owner

from .choices import SurveyStatus
from .models import Choice, Question, Response, Section, Survey


def audience_units(survey):
    """The households asked: the units of the survey's buildings (or of its estate)."""
    units = Unit.objects.filter(estate_id=survey.estate_id)
    building_ids = [b.pk for b in survey.buildings.all()]
    if building_ids:
        units = units.filter(building_id__in=building_ids)
    return units


def sections_with_questions(survey):
    """The survey's sections in order, each with its questions and their options."""
    questions = Question.objects.order_by("order", "id").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))
    )
    return list(
        Section.objects.filter(survey=survey)
        .order_by("order", "id")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )


def accepting(survey, today=None) -> bool:
    """Open for answers: published and today within its period."""
    today = today or timezone.localdate()
    return survey.status == SurveyStatus.PUBLISHED and survey.starts_on <= today <= survey.ends_on


def open_surveys_for_owner(user):
    """Published surveys in the owner's estates, each with `my_units` (the owner's units it
    asks) and `pending_units` (those not answered yet). Surveys that ask none of them are
    left out."""
    units = list(units_for_owner(user))
    today = timezone.localdate()
    surveys = (
        Survey.objects.for_owner(user)
        .filter(status=SurveyStatus.PUBLISHED, starts_on__lte=today, ends_on__gte=today)
        .select_related("estate")
        .prefetch_related("buildings")
        .order_by("ends_on", "id")
    )
    result = []
    for survey in surveys:
        annotate_owner_units(survey, units)
        if survey.my_units:
            result.append(survey)
    return result


def annotate_owner_units(survey, units):
    building_ids = {b.pk for b in survey.buildings.all()}
    mine = [
        u
        for u in units
        if u.estate_id == survey.estate_id and (not building_ids or u.building_id in building_ids)
    ]
    answered = set(
        Response.objects.filter(survey=survey, unit__in=mine).values_list("unit_id", flat=True)
    )
    survey.my_units = mine
    survey.pending_units = [u for u in mine if u.pk not in answered]
    return survey
