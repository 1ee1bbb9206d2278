"""The surveys' URLs in the role × URL matrix (tests/test_url_scoping.py): a published
survey, one of its questions and a follow-up item in estate A and in estate B."""

from surveys import permissions as P
from surveys.choices import Dimension
from surveys.models import FollowUp
from tests.url_rules import A, B, Owner, Staff

from .factories import standard_survey

RULES = {
    "surveys:survey_list": Staff(P.VIEW, "any"),
    "surveys:survey_create": Staff(P.MANAGE, "current"),
    "surveys:survey_detail": Staff(P.VIEW),
    "surveys:survey_edit": Staff(P.MANAGE),
    "surveys:section_add": Staff(P.MANAGE),
    "surveys:question_add": Staff(P.MANAGE),
    "surveys:question_delete": Staff(P.MANAGE),
    "surveys:question_move": Staff(P.MANAGE),
    "surveys:section_delete": Staff(P.MANAGE),
    "surveys:choice_add": Staff(P.MANAGE),
    "surveys:survey_publish": Staff(P.MANAGE),
    "surveys:survey_close": Staff(P.MANAGE),
    "surveys:survey_copy": Staff(P.MANAGE),
    "surveys:paper_entry": Staff(P.ENTER),
    "surveys:survey_results": Staff(P.VIEW),
    "surveys:survey_results_pdf": Staff(P.VIEW),
    "surveys:survey_results_xlsx": Staff(P.VIEW),
    "surveys:followup_list": Staff(P.VIEW, "any"),
    "surveys:followup_detail": Staff(P.VIEW),
    "surveys:followup_assign": Staff(P.FOLLOW_UP),
    "surveys:followup_done": Staff(P.FOLLOW_UP),
    "surveys:followup_reopen": Staff(P.FOLLOW_UP),
    "portal_surveys:my_surveys": Owner(),
    "portal_surveys:answer": Owner(),
}


def build(world):
    surveys, sections, questions, follow_ups = {}, {}, {}, {}
    for side in (A, B):
        survey, q = standard_survey(world.estate[side])
        surveys[side], questions[side] = survey, q["single"]
        sections[side] = q["single"].section
        follow_ups[side] = FollowUp.objects.create(
            survey=survey, dimension=Dimension.ENVIRONMENT, score=50, target=85
        )
    world.extra["survey_pk"] = surveys
    world.extra["question_pk"] = questions
    world.extra["section_pk"] = sections
    world.extra["followup_pk"] = follow_ups
