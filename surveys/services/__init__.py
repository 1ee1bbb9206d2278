"""Every write on surveys. Callers import from here (`from surveys import services`)."""

from .building import (
    choice_add,
    question_add,
    question_delete,
    question_move,
    section_add,
    section_delete,
    survey_copy,
    survey_create,
    survey_update,
)
from .follow_ups import follow_up_assign, follow_up_done, follow_up_reopen, follow_ups_create
from .lifecycle import survey_close, survey_publish, surveys_close_ended
from .responses import response_enter_paper, response_submit

__all__ = [
    "choice_add",
    "follow_up_assign",
    "follow_up_done",
    "follow_up_reopen",
    "follow_ups_create",
    "question_add",
    "question_delete",
    "question_move",
    "response_enter_paper",
    "response_submit",
    "section_add",
    "section_delete",
    "survey_close",
    "survey_copy",
    "survey_create",
    "survey_publish",
    "survey_update",
    "surveys_close_ended",
]
