"""A satisfaction survey end to end in real browsers: the manager publishes a survey;
three owners answer it on their phones in the portal (and are told they have answered);
the results page shows the response rate and the scores per dimension, computed from what
they chose."""

import re

import pytest
from playwright.sync_api import expect

from surveys.choices import SurveyStatus
from surveys.models import Response, Survey

from ..factories import OccupancyFactory, PersonFactory, UnitFactory, UserFactory
from ..surveys.factories import standard_survey
from .conftest import PHONE
from .helpers import wider_than_viewport
from .repair_helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Owner-Anju-2026!"
# polite, quick, clean (1–5) and the recommendation (0–10) of each owner.
ANSWERS = [(5, 4, 5, 10), (4, 4, 3, 8), (2, 3, 1, 3)]


def _owners(world):
    users = [world.owner]
    for i in (1, 2):
        unit = UnitFactory(building=world.building, number=f"050{i}")
        user = UserFactory(username=f"1390000000{i}", display_name=f"业主{i}")
        OccupancyFactory(person=PersonFactory(user=user, registered_estate=world.estate), unit=unit)
        users.append(user)
    UnitFactory(building=world.building, number="0909")  # a household that does not answer
    for user in users:
        user.set_password(PASSWORD)
        user.save()
    return users


def _answer(page, survey, q, values, comment=""):
    page.goto(f"/portal/surveys/{survey.pk}/")
    form = page.get_by_test_id("answer-form")
    for key, value in zip(("polite", "quick", "clean"), values[:3], strict=True):
        form.locator(f"label[for=id_q_{q[key].pk}_{value - 1}]").click()
    form.locator(f"label[for=id_q_{q['nps'].pk}_{values[3]}]").click()
    if comment:
        form.locator(f"#id_q_{q['text'].pk}").fill(comment)
    wide = [w for w in wider_than_viewport(page) if not w["in_navbar"]]
    assert not wide, wide
    with page.expect_navigation():
        form.get_by_test_id("submit").click()
    expect(page.get_by_test_id("answered")).to_contain_text("already answered")


def test_a_survey_is_published_answered_by_three_owners_and_scored(world, new_context):
    manager = world.manager
    manager.set_password(PASSWORD)
    manager.save()
    owners = _owners(world)
    survey, q = standard_survey(world.estate, status=SurveyStatus.DRAFT, title="秋季满意度调查")

    # --- 1. The manager publishes it (the button of the transition table, confirmed).
    staff = new_context().new_page()
    staff.on("dialog", lambda dialog: dialog.accept())
    sign_in(staff, manager.username, PASSWORD, f"/staff/surveys/{survey.pk}/")
    with staff.expect_navigation():
        staff.get_by_test_id("do-publish").click()
    expect(staff.get_by_test_id("status")).to_have_text("Open")
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.PUBLISHED

    # --- 2. Three owners answer on their phones.
    for user, values, comment in zip(owners, ANSWERS, ["", "", "夜里路灯太暗"], strict=True):
        page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        sign_in(page, user.username, PASSWORD, "/portal/surveys/")
        expect(page.get_by_test_id("my-surveys")).to_contain_text("秋季满意度调查")
        _answer(page, survey, q, values, comment)
    assert Response.objects.filter(survey=survey).count() == 3

    # --- 3. The results: 3 of 4 households; attitude 4 of 6 ratings 4–5, hygiene 1 of 3.
    staff.goto(f"/staff/surveys/{survey.pk}/results/")
    expect(staff.get_by_test_id("response-rate")).to_have_text("75.0%")
    dimensions = staff.get_by_test_id("dimensions")
    expect(dimensions.locator("[data-dimension=service_attitude]")).to_contain_text("66.7%")
    expect(dimensions.locator("[data-dimension=environment]")).to_contain_text("33.3%")
    expect(dimensions.locator("[data-dimension=environment]")).to_contain_text("below target")
    expect(staff.get_by_test_id("nps")).to_have_text("0.0")  # promoters 1, detractors 1 of 3
    expect(staff.get_by_test_id("free-texts")).to_contain_text("夜里路灯太暗")
    assert re.search(r"<svg", staff.content())
    for user in owners:
        expect(staff.locator("body")).not_to_contain_text(user.display_name)
