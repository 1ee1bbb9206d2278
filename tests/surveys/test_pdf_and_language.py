"""The results PDF (its Chinese text, read back with pypdf, and the same figures as the
page), and the survey pages in Chinese: every string translated, full-width punctuation."""

import re

import pytest
from django.urls import reverse

from estates.choices import Role
from surveys.choices import SurveyStatus
from tests.core.test_language import _visible_text
from tests.maintenance.test_pdfs import pdf_text

from ..factories import UnitFactory
from .factories import answers_for, response, standard_survey

pytestmark = pytest.mark.django_db

ASCII_NEXT_TO_CHINESE = re.compile(r"[\u4e00-\u9fff]\s*[:;,?!()]|[:,?!()]\s*[\u4e00-\u9fff]")


@pytest.fixture
def answered(world):
    survey, q = standard_survey(world.estate, title="二〇二六年业主满意度调查", target=90)
    response(survey, world.unit, answers_for(q, polite=5, quick=4, clean=2, text="希望增加路灯"))
    response(survey, UnitFactory(building=world.building), answers_for(q, polite=3, nps=4))
    return survey


def _chinese(user):
    user.language = "zh-hans"
    user.save()
    return user


def test_the_results_pdf_reads_in_chinese_with_the_figures(world, login, answered):
    client = login(_chinese(world.staff[Role.FINANCE]))
    r = client.get(reverse("surveys:survey_results_pdf", kwargs={"survey_pk": answered.pk}))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(r.content))
    for expected in ("二〇二六年业主满意度调查", "满意度调查结果", "各维度得分", "服务态度",
                     "环境卫生", "各楼栋参与率", "希望增加路灯", "3栋", "净推荐值"):  # fmt: skip
        assert expected in text, expected
    # Attitude: 5, 4, 3, 4 → 3 of 4 satisfied; hygiene 2, 3 → 0 of 2; NPS (9, 4) → 0.0.
    assert "75.0%" in text and "0.0%" in text
    assert world.owner_person.name not in text and world.unit.number not in text


def test_survey_pages_in_chinese_are_translated_with_full_width_punctuation(world, login, answered):
    draft, _ = standard_survey(world.estate, status=SurveyStatus.DRAFT)
    manager = _chinese(world.manager)
    owner = _chinese(world.owner)
    pages = {
        manager: [
            reverse("surveys:survey_list"),
            reverse("surveys:survey_detail", kwargs={"survey_pk": draft.pk}),
            reverse("surveys:survey_results", kwargs={"survey_pk": answered.pk}),
            reverse("surveys:paper_entry", kwargs={"survey_pk": answered.pk}),
            reverse("surveys:followup_list"),
        ],
        owner: [reverse("portal_surveys:my_surveys")],
    }
    other_survey, _ = standard_survey(world.estate)
    pages[owner].append(reverse("portal_surveys:answer", kwargs={"survey_pk": other_survey.pk}))
    for user, urls in pages.items():
        client = login(user)
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, url
            text = _visible_text(r.content.decode())
            assert not ASCII_NEXT_TO_CHINESE.findall(text), (
                url,
                ASCII_NEXT_TO_CHINESE.findall(text),
            )
            for english in ("Satisfaction surveys", "Results", "Questions", "Please answer",
                            "Send my answers", "Response rate", "Open period"):  # fmt: skip
                assert english not in text, (url, english)
