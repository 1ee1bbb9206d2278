"""The survey pages: the builder and its buttons from the transition table, paper entry,
the results page, follow-ups; the owner's list, questionnaire and "already answered";
anonymity (no page shows who answered what); the menu entries; demo data."""

import random
import re

import pytest
from django.apps import apps
from django.urls import reverse

from estates.choices import Role
from estates.nav import owner_nav, staff_nav
from surveys.choices import Channel, Dimension, QuestionKind, SurveyStatus
from surveys.models import FollowUp, Question, Response, Survey

from ..factories import OccupancyFactory, PersonFactory, UnitFactory, UserFactory
from .factories import answers_for, response, standard_survey

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _detail(survey):
    return reverse("surveys:survey_detail", kwargs={"survey_pk": survey.pk})


def test_build_and_publish_a_survey_from_the_pages(world, login):
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    r = client.post(
        reverse("surveys:survey_create"),
        {"title": "年中满意度调查", "starts_on": "2026-01-10", "ends_on": "2030-01-31",
         "target": "85"},
    )  # fmt: skip
    survey = Survey.objects.get(title="年中满意度调查")
    assert r.status_code == 302 and r["Location"] == _detail(survey)
    page = _page(client.get(_detail(survey)))
    assert 'data-testid="do-publish"' in page and 'data-testid="do-close"' not in page
    client.post(
        reverse("surveys:section_add", kwargs={"survey_pk": survey.pk}),
        {"dimension": Dimension.SECURITY},
    )
    section = survey.sections.get()
    client.post(
        reverse("surveys:question_add", kwargs={"survey_pk": survey.pk}),
        {"section": section.pk, "kind": QuestionKind.RATING, "text": "门岗服务", "required": "on"},
    )
    r = client.post(
        reverse("surveys:question_add", kwargs={"survey_pk": survey.pk}),
        {"section": section.pk, "kind": QuestionKind.SINGLE, "text": "只有一项", "choices": "是"},
        follow=True,
    )
    assert "Give at least two options" in r.content.decode()
    assert list(Question.objects.filter(survey=survey).values_list("text", flat=True)) == [
        "门岗服务"
    ]
    r = client.post(reverse("surveys:survey_publish", kwargs={"survey_pk": survey.pk}), follow=True)
    page = _page(r)
    assert "is published" in page
    assert 'data-testid="do-close"' in page and 'data-testid="do-publish"' not in page
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.PUBLISHED
    # Frozen: the builder's forms are gone and a late post changes nothing.
    assert 'data-testid="question-form"' not in page
    client.post(
        reverse("surveys:question_add", kwargs={"survey_pk": survey.pk}),
        {"section": section.pk, "kind": QuestionKind.RATING, "text": "迟到的问题"},
    )
    assert Question.objects.filter(survey=survey).count() == 1


def test_staff_who_may_only_view_see_no_buttons(world, login):
    survey, _ = standard_survey(world.estate, status=SurveyStatus.DRAFT)
    page = _page(login(world.staff[Role.TECHNICIAN]).get(_detail(survey)))
    assert 'data-testid="do-' not in page and 'data-testid="section-form"' not in page
    r = login(world.staff[Role.TECHNICIAN]).post(
        reverse("surveys:survey_publish", kwargs={"survey_pk": survey.pk})
    )
    assert r.status_code == 403


def test_the_owner_answers_on_the_phone_page_then_reads_already_answered(world, login):
    survey, q = standard_survey(world.estate)
    client = login(world.owner)
    listing = _page(client.get(reverse("portal_surveys:my_surveys")))
    assert survey.title in listing and "Please answer" in listing
    url = reverse("portal_surveys:answer", kwargs={"survey_pk": survey.pk})
    page = _page(client.get(url))
    assert 'name="unit"' not in page  # one home: nothing to choose
    assert page.count('type="radio"') == 5 + 5 + 5 + 11 + 2
    incomplete = {f"q_{k}": v for k, v in answers_for(q).items() if k != q["clean"].pk}
    page = _page(client.post(url, incomplete))
    assert "Please answer this question." in page and not Response.objects.exists()
    data = {f"q_{k}": v for k, v in answers_for(q, text="电梯要修").items()}
    data[f"q_{q['multi'].pk}"] = [c.pk for c in q["multi"].choices.all()[:2]]
    r = client.post(url, data, follow=True)
    page = _page(r)
    assert "Thank you" in page and "already answered" in page
    saved = Response.objects.get()
    assert (saved.unit, saved.channel) == (world.unit, Channel.PORTAL)
    assert saved.answers.count() == 4 + 2 + 1
    client.post(url, data)  # again: still one
    assert Response.objects.count() == 1
    assert "Answered" in _page(client.get(reverse("portal_surveys:my_surveys")))


def test_an_owner_with_two_homes_chooses_which_one_answers(world, login):
    survey, q = standard_survey(world.estate)
    second = UnitFactory(building=world.building)
    OccupancyFactory(person=world.owner_person, unit=second)
    client = login(world.owner)
    url = reverse("portal_surveys:answer", kwargs={"survey_pk": survey.pk})
    assert 'name="unit"' in _page(client.get(url))
    data = {f"q_{k}": v for k, v in answers_for(q).items()}
    client.post(url, {**data, "unit": second.pk})
    assert list(Response.objects.values_list("unit", flat=True)) == [second.pk]
    page = _page(client.get(url))  # the other home may still answer
    assert 'name="unit"' not in page and 'data-testid="answer-form"' in page


def test_paper_entry_records_the_channel_and_offers_only_households_not_answered(world, login):
    survey, q = standard_survey(world.estate)
    other = UnitFactory(building=world.building, number="0909")
    response(survey, other, answers_for(q))
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    url = reverse("surveys:paper_entry", kwargs={"survey_pk": survey.pk})
    page = _page(client.get(url))
    units = re.search(r'(?s)<select name="unit".*?</select>', page).group(0)
    assert f'value="{world.unit.pk}"' in units and f'value="{other.pk}"' not in units
    data = {f"q_{k}": v for k, v in answers_for(q).items()}
    r = client.post(url, {**data, "unit": world.unit.pk, "channel": Channel.PAPER})
    assert r.status_code == 302
    saved = Response.objects.get(unit=world.unit)
    assert (saved.channel, saved.entered_by) == (Channel.PAPER, world.staff[Role.CUSTOMER_SERVICE])


def test_results_page_shows_the_figures_and_never_who_answered(world, login):
    survey, q = standard_survey(world.estate, target=90)
    clerk = world.staff[Role.CUSTOMER_SERVICE]
    clerk.display_name = "录入员小赵"
    clerk.save()
    r = response(survey, world.unit, answers_for(q, polite=5, quick=3, clean=2, text="楼道太暗"))
    r.entered_by, r.channel = clerk, Channel.PAPER
    r.save()
    pages = [
        reverse("surveys:survey_results", kwargs={"survey_pk": survey.pk}),
        _detail(survey),
    ]
    for url in pages:
        page = _page(login(world.staff[Role.FINANCE]).get(url))
        for secret in (world.owner_person.name, world.owner_person.mobile, world.unit.number,
                       clerk.display_name):  # fmt: skip
            assert secret not in page, (url, secret)
    page = _page(login(world.staff[Role.FINANCE]).get(pages[0]))
    assert "楼道太暗" in page
    assert re.search(r'data-testid="response-rate">100\.0%<', page)
    assert re.search(r'data-testid="satisfied">33\.3%<', page)
    assert 'class="table-danger flagged" data-dimension="environment"' in page
    assert page.count("<svg") >= 2


def test_a_follow_up_is_assigned_and_done_from_its_page(world, login):
    survey, _ = standard_survey(world.estate)
    item = FollowUp.objects.create(survey=survey, dimension=Dimension.GREENING, score=60, target=85)
    client = login(world.manager)
    detail = reverse("surveys:followup_detail", kwargs={"followup_pk": item.pk})
    assert 'data-testid="assign-form"' in _page(client.get(detail))
    env = world.staff[Role.ENVIRONMENT]
    client.post(
        reverse("surveys:followup_assign", kwargs={"followup_pk": item.pk}),
        {"assignee": env.pk, "due_on": "2030-03-01"},
    )
    client.post(
        reverse("surveys:followup_done", kwargs={"followup_pk": item.pk}),
        {"outcome": "补种草坪"},
    )
    item.refresh_from_db()
    assert (item.assignee, str(item.due_on), item.status, item.outcome) == (
        env, "2030-03-01", "done", "补种草坪",
    )  # fmt: skip
    page = _page(login(world.staff[Role.TECHNICIAN]).get(detail))
    assert 'data-testid="assign-form"' not in page and 'data-testid="done-form"' not in page
    listing = _page(client.get(reverse("surveys:followup_list") + "?status=done"))
    assert survey.title in listing


def test_menu_entries_for_staff_and_owners(world):
    labels = [str(e["label"]) for e in staff_nav(world.staff[Role.TECHNICIAN])]
    assert "Surveys" in labels
    assert "Surveys" in [str(e["label"]) for e in owner_nav()]
    outsider = UserFactory(username="no-role")
    assert "Surveys" not in [str(e["label"]) for e in staff_nav(outsider)]


def test_demo_data_is_one_closed_survey_with_answers_and_idempotent(world):
    config = apps.get_app_config("surveys")
    UnitFactory.create_batch(9, building=world.building)
    OccupancyFactory(person=PersonFactory(user=None), unit=world.unit)
    created = config.seed_demo(world.estate, rng=random.Random(7))
    closed = Survey.objects.get(estate=world.estate, status=SurveyStatus.CLOSED)
    assert created == closed.responses.count() > 0
    assert closed.follow_ups.exists()  # greening is seeded weaker than the target
    open_now = Survey.objects.get(estate=world.estate, status=SurveyStatus.PUBLISHED)
    assert open_now.copied_from == closed and not open_now.responses.exists()
    assert config.seed_demo(world.estate, rng=random.Random(7)) == 0
    assert Survey.objects.filter(estate=world.estate).count() == 2


def test_the_estate_page_shows_the_latest_surveys_satisfaction(world, login):
    survey, q = standard_survey(world.estate, title="最新一次调查")
    response(survey, world.unit, answers_for(q, polite=5, quick=4, clean=2))  # 2 of 3
    FollowUp.objects.create(survey=survey, dimension=Dimension.ENVIRONMENT, score=0, target=85)
    url = reverse("staff:estate_detail", kwargs={"estate_pk": world.estate.pk})
    page = _page(login(world.staff[Role.FINANCE]).get(url))
    assert "最新一次调查" in page and "66.7% satisfied (target 85%)" in page
    assert "1 open follow-up" in page
    other = reverse("staff:estate_detail", kwargs={"estate_pk": world.other_estate.pk})
    assert 'data-testid="survey-panel"' not in _page(login(world.other_manager).get(other))


def test_a_section_is_removed_with_its_questions_while_a_draft(world, login):
    survey, q = standard_survey(world.estate, status=SurveyStatus.DRAFT)
    section = q["clean"].section
    login(world.manager).post(
        reverse("surveys:section_delete", kwargs={"survey_pk": survey.pk, "section_pk": section.pk})
    )
    assert not Question.objects.filter(pk=q["clean"].pk).exists()
    assert Question.objects.filter(survey=survey).count() == 6


def test_an_owner_told_early_reads_when_the_survey_opens(world, login):
    import datetime as dt

    from django.utils import timezone

    start = timezone.localdate() + dt.timedelta(days=3)
    survey, _ = standard_survey(world.estate, starts_on=start, ends_on=start + dt.timedelta(9))
    page = _page(
        login(world.owner).get(reverse("portal_surveys:answer", kwargs={"survey_pk": survey.pk}))
    )
    assert 'data-testid="opens-on"' in page and 'data-testid="answer-form"' not in page


def test_a_survey_is_copied_into_another_estate_the_user_manages(world, login):
    survey, _ = standard_survey(world.estate)
    client = login(world.admin)
    assert 'data-testid="copy-estate"' in _page(client.get(_detail(survey)))
    url = reverse("surveys:survey_copy", kwargs={"survey_pk": survey.pk})
    client.post(url, {"estate": world.other_estate.pk})
    copy = Survey.objects.get(estate=world.other_estate)
    assert copy.status == SurveyStatus.DRAFT and copy.copied_from == survey
    assert Question.objects.filter(survey=copy).count() == 7
    # The manager of estate A alone may not copy into B (nor learn that it exists).
    assert login(world.manager).post(url, {"estate": world.other_estate.pk}).status_code == 404
    assert Survey.objects.filter(estate=world.other_estate).count() == 1


def test_the_survey_list_filters_by_status_and_title(world, login):
    standard_survey(world.estate, title="春季满意度调查", status=SurveyStatus.CLOSED)
    standard_survey(world.estate, title="秋季满意度调查")
    standard_survey(world.other_estate, title="翠湖苑秋季调查")
    client = login(world.staff[Role.TECHNICIAN])
    page = _page(client.get(reverse("surveys:survey_list")))
    assert "春季满意度调查" in page and "秋季满意度调查" in page and "翠湖苑秋季调查" not in page
    page = _page(client.get(reverse("surveys:survey_list") + "?q=秋季"))
    assert "秋季满意度调查" in page and "春季满意度调查" not in page
    page = _page(client.get(reverse("surveys:survey_list") + "?status=closed"))
    assert "春季满意度调查" in page and "秋季满意度调查" not in page


def test_every_role_may_view_surveys_and_only_manager_and_service_build_them():
    from estates.permissions import role_has
    from surveys import permissions as P

    builders = {Role.MANAGER, Role.CUSTOMER_SERVICE}
    for role in Role:
        assert role_has(role, P.VIEW)
        for perm in (P.MANAGE, P.ENTER, P.FOLLOW_UP):
            assert role_has(role, perm) == (role in builders), (role, perm)
