"""A survey's life: publish (the owners asked are told, after the commit), close (by staff,
or by the periodic task once its period has ended); closing turns each dimension below the
target into a follow-up item."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.notifications import notify
from estates.models import Occupancy

from ..choices import SurveyStatus
from ..models import Question, Survey
from ..selectors import audience_units
from ..transitions import SURVEY, check
from .follow_ups import follow_ups_create


def _locked(survey_id, actor):
    base = Survey.objects.all() if actor is None else Survey.objects.for_user(actor)
    return base.select_for_update().select_related("estate").get(pk=survey_id)


def _status(survey, new) -> dict:
    old, survey.status = survey.status, new
    return {"status": [str(old), str(new)]}


def survey_publish(*, survey_id, actor):
    with transaction.atomic():
        survey = _locked(survey_id, actor)
        check(SURVEY, "publish", actor, survey)
        if not Question.objects.filter(survey=survey).exists():
            raise ValidationError(_("Add at least one question before publishing."))
        if survey.ends_on < timezone.localdate():
            raise ValidationError({"ends_on": _("Its period is over: change the dates first.")})
        changes = _status(survey, SurveyStatus.PUBLISHED)
        survey.published_at = timezone.now()
        survey.save(update_fields=["status", "published_at", "updated_at"])
        record_event(survey, actor=actor, verb="survey_published", changes=changes)
        transaction.on_commit(lambda: notify_audience(survey.pk))
    return survey


def audience_owner_users(survey):
    """The portal accounts of the people who currently live in the units asked."""
    from core.models import User

    occupancies = Occupancy.objects.current().filter(
        unit__in=audience_units(survey), person__user__isnull=False
    )
    return User.objects.filter(is_active=True, person__occupancies__in=occupancies).distinct()


def notify_audience(survey_id):
    survey = Survey.objects.select_related("estate").get(pk=survey_id)
    notify(
        recipients=list(audience_owner_users(survey)),
        title=texts.gettext("New survey: %(title)s", title=survey.title),
        body=texts.gettext(
            "%(estate)s asks for your opinion until %(date)s. It takes a few minutes.",
            estate=survey.estate.name,
            date=survey.ends_on,
        ),
        url=reverse("portal_surveys:answer", kwargs={"survey_pk": survey.pk}),
    )


def survey_close(*, survey_id, actor, note=""):
    with transaction.atomic():
        survey = _locked(survey_id, actor)
        check(SURVEY, "close", actor, survey)
        changes = _status(survey, SurveyStatus.CLOSED)
        survey.closed_at = timezone.now()
        survey.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(survey, actor=actor, verb="survey_closed", changes=changes, note=note)
        follow_ups_create(survey=survey)
    return survey


def surveys_close_ended(today=None) -> int:
    """Close the published surveys whose period has ended (the periodic task). Each survey
    is closed under its row lock by the one service; a second run finds nothing to do."""
    today = today or timezone.localdate()
    ids = Survey.objects.filter(status=SurveyStatus.PUBLISHED, ends_on__lt=today).values_list(
        "pk", flat=True
    )
    closed = 0
    for survey_id in list(ids):
        with transaction.atomic():
            survey = Survey.objects.select_for_update(skip_locked=True).filter(
                pk=survey_id, status=SurveyStatus.PUBLISHED
            )
            if not survey.exists():
                continue
            survey_close(survey_id=survey_id, actor=None, note=texts.gettext("Its period ended."))
            closed += 1
    return closed
