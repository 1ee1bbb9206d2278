"""Every write of inspections, one module per subdomain. Callers import from here
(`from inspections import services`)."""

from .answers import AnswerData, RoundConflict, checkpoint_record, evaluate
from .calendar import holiday_add, holiday_remove, templates_save
from .config import (
    checkpoint_save,
    items_from_templates,
    plan_save,
    route_save,
)
from .findings import finding_for_answer
from .generate import rounds_generate
from .rounds import round_assign, round_finish, round_start
from .upkeep import Completion, upkeep_complete, upkeep_generate, upkeep_plan_save, upkeep_review

__all__ = [
    "Completion",
    "upkeep_complete",
    "upkeep_generate",
    "upkeep_plan_save",
    "upkeep_review",
    "AnswerData",
    "RoundConflict",
    "checkpoint_record",
    "checkpoint_save",
    "evaluate",
    "finding_for_answer",
    "holiday_add",
    "holiday_remove",
    "items_from_templates",
    "plan_save",
    "round_assign",
    "round_finish",
    "round_start",
    "rounds_generate",
    "route_save",
    "templates_save",
]
