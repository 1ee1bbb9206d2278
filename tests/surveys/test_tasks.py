"""The hourly task that closes surveys past their end, through a REAL Celery worker: the
task delivered twice closes each survey once (and opens its follow-ups once)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.audit import timeline_for
from surveys.choices import Dimension, SurveyStatus
from surveys.models import FollowUp, Survey
from surveys.tasks import close_ended_surveys

from ..celery_worker import finished_named, needs_redis, wait_for
from .factories import answers_for, response, standard_survey

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_task_is_on_the_beat_schedule():
    from config.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["surveys-close-ended"]["task"] == close_ended_surveys.name


@needs_redis
def test_the_closing_task_twice_closes_each_survey_once(worker, world):  # noqa: F811
    today = timezone.localdate()
    ended, q = standard_survey(
        world.estate, starts_on=today - dt.timedelta(days=20), ends_on=today - dt.timedelta(1)
    )
    response(ended, world.unit, answers_for(q, polite=2, quick=2, clean=5))
    running, _ = standard_survey(world.estate)
    ids = [close_ended_surveys.delay().id for _ in range(2)]
    wait_for(lambda: all(i in worker.finished for i in ids), what="both runs to finish")
    assert sorted(worker.finished[i].retval for i in ids) == [0, 1]
    assert len(finished_named(worker, close_ended_surveys.name)) == 2
    assert Survey.objects.get(pk=ended.pk).status == SurveyStatus.CLOSED
    assert Survey.objects.get(pk=running.pk).status == SurveyStatus.PUBLISHED
    assert [e.verb for e in timeline_for(ended)] == ["survey_closed"]
    assert list(FollowUp.objects.values_list("dimension", flat=True)) == [
        Dimension.SERVICE_ATTITUDE
    ]
