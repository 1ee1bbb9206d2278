"""surveys.services: building only while a draft, publish tells the audience after the
commit, one answer per household (also two at once), paper entry records its channel,
closing flags the dimensions below target as follow-ups, once."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from core.audit import timeline_for
from core.errors import DomainError, TransitionError
from core.models import Notification
from estates.choices import Role, ServiceLevel
from surveys import services
from surveys.choices import Channel, Dimension, FollowUpStatus, QuestionKind, SurveyStatus
from surveys.models import Answer, Choice, FollowUp, Question, Response, Survey
from surveys.services.responses import AlreadyAnswered

from ..factories import BuildingFactory, OccupancyFactory, PersonFactory, UnitFactory, UserFactory
from .factories import SurveyFactory, answers_for, response, standard_survey

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _new(world, **kwargs):
    return services.survey_create(
        estate=world.estate,
        actor=world.manager,
        title="2026年满意度调查",
        starts_on=TODAY(),
        ends_on=TODAY() + dt.timedelta(days=14),
        **kwargs,
    )


# --- Building -------------------------------------------------------------------------------


def test_a_new_survey_takes_its_target_from_the_estates_service_level(world):
    assert _new(world).target == 85  # level 2
    world.estate.service_level = ServiceLevel.LEVEL_1
    world.estate.save()
    assert _new(world).target == 90
    assert _new(world, target=70).target == 70


def test_only_manager_and_customer_service_build_surveys(world):
    for role in (Role.TECHNICIAN, Role.FINANCE, Role.SECURITY, Role.ENVIRONMENT):
        with pytest.raises(PermissionDenied):
            services.survey_create(
                estate=world.estate,
                actor=world.staff[role],
                title="x",
                starts_on=TODAY(),
                ends_on=TODAY(),
            )
    survey = services.survey_create(
        estate=world.estate,
        actor=world.staff[Role.CUSTOMER_SERVICE],
        title="客服建的",
        starts_on=TODAY(),
        ends_on=TODAY(),
    )
    assert survey.status == SurveyStatus.DRAFT


def test_the_end_may_not_be_before_the_start_nor_buildings_of_another_estate(world):
    with pytest.raises(ValidationError) as exc:
        services.survey_create(
            estate=world.estate,
            actor=world.manager,
            title="x",
            starts_on=TODAY(),
            ends_on=TODAY() - dt.timedelta(days=1),
        )
    assert "ends_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        _new(world, buildings=[world.other_building])
    assert "buildings" in exc.value.error_dict


def test_questions_change_only_while_the_survey_is_a_draft(world):
    survey = _new(world)
    section = services.section_add(
        survey_id=survey.pk, actor=world.manager, dimension=Dimension.SECURITY
    )
    question = services.question_add(
        survey_id=survey.pk,
        actor=world.manager,
        section_id=section.pk,
        kind=QuestionKind.SINGLE,
        text="夜间巡逻频次",
        choices=["足够", "不够", " "],
    )
    assert list(question.choices.values_list("text", flat=True)) == ["足够", "不够"]
    services.survey_publish(survey_id=survey.pk, actor=world.manager)
    frozen = [
        lambda: services.section_add(
            survey_id=survey.pk, actor=world.manager, dimension=Dimension.GREENING
        ),
        lambda: services.question_add(
            survey_id=survey.pk,
            actor=world.manager,
            section_id=section.pk,
            kind=QuestionKind.RATING,
            text="新问题",
        ),
        lambda: services.question_delete(
            survey_id=survey.pk, actor=world.manager, question_id=question.pk
        ),
        lambda: services.choice_add(
            survey_id=survey.pk, actor=world.manager, question_id=question.pk, text="很好"
        ),
        lambda: services.survey_update(
            survey_id=survey.pk,
            actor=world.manager,
            title="改名",
            starts_on=TODAY(),
            ends_on=TODAY(),
            target=80,
        ),
    ]
    for change in frozen:
        with pytest.raises(TransitionError):
            change()
    assert Question.objects.filter(survey=survey).count() == 1
    assert Choice.objects.filter(question=question).count() == 2
    assert Survey.objects.get(pk=survey.pk).title == "2026年满意度调查"


def test_a_choice_question_needs_two_options_and_a_section_of_its_survey(world):
    survey = _new(world)
    other, _ = standard_survey(world.estate, status=SurveyStatus.DRAFT)
    section = services.section_add(
        survey_id=survey.pk, actor=world.manager, dimension=Dimension.SECURITY
    )
    with pytest.raises(ValidationError) as exc:
        services.question_add(
            survey_id=survey.pk,
            actor=world.manager,
            section_id=section.pk,
            kind=QuestionKind.MULTIPLE,
            text="x",
            choices=["只有一个"],
        )
    assert "choices" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.question_add(
            survey_id=survey.pk,
            actor=world.manager,
            section_id=other.sections.first().pk,
            kind=QuestionKind.RATING,
            text="x",
        )
    assert "section" in exc.value.error_dict


def test_copy_makes_a_draft_with_the_same_questions_and_no_answers(world):
    survey, q = standard_survey(world.estate)
    response(survey, world.unit, answers_for(q))
    copy = services.survey_copy(survey_id=survey.pk, actor=world.manager)
    assert copy.status == SurveyStatus.DRAFT and copy.copied_from == survey
    assert list(
        Question.objects.filter(survey=copy).values_list("section__dimension", "kind", "text")
    ) == list(
        Question.objects.filter(survey=survey).values_list("section__dimension", "kind", "text")
    )
    assert Choice.objects.filter(question__survey=copy).count() == 5
    assert not Response.objects.filter(survey=copy).exists()
    assert [e.verb for e in timeline_for(copy)] == ["survey_copied"]


# --- Publishing and closing -------------------------------------------------------------------


def test_publish_needs_a_question_and_tells_the_owners_asked_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    survey = _new(world, buildings=[world.building])
    with pytest.raises(ValidationError):
        services.survey_publish(survey_id=survey.pk, actor=world.manager)
    section = services.section_add(
        survey_id=survey.pk, actor=world.manager, dimension=Dimension.REPAIRS
    )
    services.question_add(
        survey_id=survey.pk,
        actor=world.manager,
        section_id=section.pk,
        kind=QuestionKind.RATING,
        text="维修及时吗",
    )
    # An owner of another building of the estate is not asked; one without a login can't be.
    elsewhere = UnitFactory(building=BuildingFactory(estate=world.estate, name="9栋"))
    neighbour = UserFactory(username="13800009999")
    OccupancyFactory(person=PersonFactory(user=neighbour), unit=elsewhere)
    OccupancyFactory(person=PersonFactory(user=None), unit=world.unit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.survey_publish(survey_id=survey.pk, actor=world.manager)
        assert not Notification.objects.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [world.owner.pk]
    note = Notification.objects.get()
    assert "2026年满意度调查" in str(note.title)
    assert note.url == f"/portal/surveys/{survey.pk}/"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.PUBLISHED and survey.published_at is not None
    with pytest.raises(TransitionError):
        services.survey_publish(survey_id=survey.pk, actor=world.manager)


def test_other_staff_may_not_publish_or_close(world):
    survey, _ = standard_survey(world.estate, status=SurveyStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        services.survey_publish(survey_id=survey.pk, actor=world.staff[Role.TECHNICIAN])
    with pytest.raises(Survey.DoesNotExist):
        services.survey_publish(survey_id=survey.pk, actor=world.other_manager)
    services.survey_publish(survey_id=survey.pk, actor=world.staff[Role.CUSTOMER_SERVICE])
    with pytest.raises(PermissionDenied):
        services.survey_close(survey_id=survey.pk, actor=world.staff[Role.FINANCE])


def test_closing_turns_each_dimension_below_target_into_one_follow_up(world):
    survey, q = standard_survey(world.estate, target=60)
    units = [world.unit, *(UnitFactory(building=world.building) for _ in range(3))]
    for unit, (polite, quick, clean) in zip(
        units, [(5, 4, 3), (4, 2, 5), (3, 5, 2), (1, 4, 4)], strict=True
    ):
        response(survey, unit, answers_for(q, polite=polite, quick=quick, clean=clean))
    services.survey_close(survey_id=survey.pk, actor=world.manager)
    item = FollowUp.objects.get(survey=survey)  # attitude 62.5 % ≥ 60; hygiene 50 % < 60
    assert item.dimension == Dimension.ENVIRONMENT
    assert str(item.score) == "50.0" and item.target == 60
    assert item.status == FollowUpStatus.OPEN and item.due_on > TODAY()
    assert services.follow_ups_create(survey=survey) == []  # once
    assert FollowUp.objects.filter(survey=survey).count() == 1


def test_surveys_past_their_end_are_closed_once(world):
    ended, _ = standard_survey(
        world.estate, starts_on=TODAY() - dt.timedelta(days=9), ends_on=TODAY() - dt.timedelta(1)
    )
    running, _ = standard_survey(world.estate)
    assert services.surveys_close_ended() == 1
    assert services.surveys_close_ended() == 0
    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.status == SurveyStatus.CLOSED and running.status == SurveyStatus.PUBLISHED
    assert [e.verb for e in timeline_for(ended)] == ["survey_closed"]
    assert timeline_for(ended)[0].actor is None


# --- Answers ----------------------------------------------------------------------------------


def test_an_owner_answers_once_per_household(world):
    survey, q = standard_survey(world.estate)
    r = services.response_submit(
        survey_id=survey.pk,
        actor=world.owner,
        unit_id=world.unit.pk,
        answers=answers_for(q, single="电梯", multi=["会所", "泳池"], text="很好"),
    )
    assert r.channel == Channel.PORTAL and r.entered_by is None
    assert Answer.objects.filter(response=r).count() == 4 + 1 + 2 + 1
    # Another person of the same household cannot answer again.
    spouse = UserFactory(username="13800007777")
    OccupancyFactory(person=PersonFactory(user=spouse), unit=world.unit)
    with pytest.raises(AlreadyAnswered, match="already answered"):
        services.response_submit(
            survey_id=survey.pk, actor=spouse, unit_id=world.unit.pk, answers=answers_for(q)
        )
    assert Response.objects.filter(survey=survey).count() == 1


def test_an_owner_answers_only_for_their_own_home_in_the_audience(world):
    survey, q = standard_survey(world.estate)
    neighbour_unit = UnitFactory(building=world.building)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            survey_id=survey.pk, actor=world.owner, unit_id=neighbour_unit.pk, answers={}
        )
    assert "unit" in exc.value.error_dict
    with pytest.raises(Survey.DoesNotExist):  # another estate's survey: not in their scope
        services.response_submit(
            survey_id=survey.pk,
            actor=world.other_owner,
            unit_id=world.other_unit.pk,
            answers=answers_for(q),
        )
    other_building = BuildingFactory(estate=world.estate, name="12栋")
    only_there = SurveyFactory(estate=world.estate, status=SurveyStatus.PUBLISHED)
    only_there.buildings.set([other_building])
    with pytest.raises(ValidationError):
        services.response_submit(
            survey_id=only_there.pk, actor=world.owner, unit_id=world.unit.pk, answers={}
        )


def test_answers_are_checked_question_by_question(world):
    survey, q = standard_survey(world.estate)
    bad = answers_for(q, polite=6, nps=11)
    del bad[q["quick"].pk]
    bad[q["single"].pk] = q["multi"].choices.first().pk  # an option of another question
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            survey_id=survey.pk, actor=world.owner, unit_id=world.unit.pk, answers=bad
        )
    assert set(exc.value.error_dict) == {
        f"q_{q[key].pk}" for key in ("polite", "quick", "nps", "single")
    }
    assert not Response.objects.exists()


@pytest.mark.parametrize("state", ["draft", "closed", "over", "not_yet"])
def test_a_survey_takes_answers_only_while_open(world, state):
    kwargs = {"status": SurveyStatus.PUBLISHED}
    if state in ("draft", "closed"):
        kwargs["status"] = state
    elif state == "over":
        kwargs.update(starts_on=TODAY() - dt.timedelta(9), ends_on=TODAY() - dt.timedelta(1))
    else:
        kwargs.update(starts_on=TODAY() + dt.timedelta(1), ends_on=TODAY() + dt.timedelta(9))
    survey, q = standard_survey(world.estate, **kwargs)
    with pytest.raises(DomainError, match="not open"):
        services.response_submit(
            survey_id=survey.pk, actor=world.owner, unit_id=world.unit.pk, answers=answers_for(q)
        )


def test_staff_type_in_paper_questionnaires_with_the_channel(world):
    survey, q = standard_survey(world.estate)
    clerk = world.staff[Role.CUSTOMER_SERVICE]
    r = services.response_enter_paper(
        survey_id=survey.pk,
        actor=clerk,
        unit_id=world.unit.pk,
        channel=Channel.PHONE,
        answers=answers_for(q),
    )
    assert (r.channel, r.entered_by, r.building_id) == (Channel.PHONE, clerk, world.building.pk)
    with pytest.raises(AlreadyAnswered):  # the owner can't answer again online
        services.response_submit(
            survey_id=survey.pk, actor=world.owner, unit_id=world.unit.pk, answers=answers_for(q)
        )
    other = UnitFactory(building=world.building)
    with pytest.raises(PermissionDenied):
        services.response_enter_paper(
            survey_id=survey.pk,
            actor=world.staff[Role.TECHNICIAN],
            unit_id=other.pk,
            channel=Channel.PAPER,
            answers=answers_for(q),
        )
    with pytest.raises(ValidationError) as exc:
        services.response_enter_paper(
            survey_id=survey.pk,
            actor=clerk,
            unit_id=other.pk,
            channel=Channel.PORTAL,
            answers=answers_for(q),
        )
    assert "channel" in exc.value.error_dict
    with pytest.raises(ValidationError):  # a unit of another estate
        services.response_enter_paper(
            survey_id=survey.pk,
            actor=clerk,
            unit_id=world.other_unit.pk,
            channel=Channel.PAPER,
            answers=answers_for(q),
        )


@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_household_at_once_save_one_response(world):
    survey, q = standard_survey(world.estate)
    spouse = UserFactory(username="13800006666")
    OccupancyFactory(person=PersonFactory(user=spouse), unit=world.unit)
    answers = answers_for(q)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(user):
        try:
            barrier.wait()
            services.response_submit(
                survey_id=survey.pk, actor=user, unit_id=world.unit.pk, answers=answers
            )
            outcomes.append("saved")
        except AlreadyAnswered as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(u,)) for u in (world.owner, spouse)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["This household has already answered this survey.", "saved"]
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(survey=survey).count() == 4


# --- Follow-ups -----------------------------------------------------------------------------


def test_a_follow_up_is_assigned_to_staff_of_the_estate_and_closed_with_what_was_done(
    world, django_capture_on_commit_callbacks
):
    survey, _ = standard_survey(world.estate)
    item = FollowUp.objects.create(survey=survey, dimension=Dimension.GREENING, score=70, target=85)
    env = world.staff[Role.ENVIRONMENT]
    due = TODAY() + dt.timedelta(days=20)
    with pytest.raises(PermissionDenied):
        services.follow_up_assign(
            follow_up_id=item.pk, actor=world.staff[Role.TECHNICIAN], assignee=env, due_on=due
        )
    with pytest.raises(ValidationError):
        services.follow_up_assign(
            follow_up_id=item.pk, actor=world.manager, assignee=world.other_manager, due_on=due
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_assign(
            follow_up_id=item.pk, actor=world.manager, assignee=env, due_on=due
        )
    note = Notification.objects.get(recipient=env)
    assert str(note.title) == f"Follow-up for you: Greening ({survey.title})"
    assert note.url == f"/staff/surveys/follow-ups/{item.pk}/"
    with pytest.raises(ValidationError):
        services.follow_up_done(follow_up_id=item.pk, actor=world.manager, outcome=" ")
    services.follow_up_done(follow_up_id=item.pk, actor=world.manager, outcome="增加绿化巡查")
    item.refresh_from_db()
    assert (item.assignee, item.due_on, item.status) == (env, due, FollowUpStatus.DONE)
    with pytest.raises(TransitionError):
        services.follow_up_done(follow_up_id=item.pk, actor=world.manager, outcome="again")
    services.follow_up_reopen(follow_up_id=item.pk, actor=world.manager)
    assert FollowUp.objects.get(pk=item.pk).status == FollowUpStatus.OPEN
    assert [e.verb for e in timeline_for(item)] == [
        "follow_up_reopened",
        "follow_up_done",
        "follow_up_assigned",
    ]


def test_questions_move_within_their_section_only_while_a_draft(world):
    survey, q = standard_survey(world.estate, status=SurveyStatus.DRAFT)

    def attitude():
        return list(q["polite"].section.questions.order_by("order").values_list("text", flat=True))

    services.question_move(
        survey_id=survey.pk, actor=world.manager, question_id=q["quick"].pk, up=True
    )
    assert attitude() == ["响应速度", "客服态度"]
    services.question_move(  # already last: stays
        survey_id=survey.pk, actor=world.manager, question_id=q["polite"].pk, up=False
    )
    assert attitude() == ["响应速度", "客服态度"]
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.PUBLISHED)
    with pytest.raises(TransitionError):
        services.question_move(
            survey_id=survey.pk, actor=world.manager, question_id=q["polite"].pk, up=True
        )
