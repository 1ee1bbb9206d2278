"""The states and kinds of surveys, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("survey", "Open")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")


STATUS_COLOURS = {
    SurveyStatus.DRAFT: "secondary",
    SurveyStatus.PUBLISHED: "success",
    SurveyStatus.CLOSED: "dark",
}


class Dimension(models.TextChoices):
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    ENVIRONMENT = "environment", _("Environment and hygiene")
    SECURITY = "security", _("Security")
    REPAIRS = "repairs", _("Repairs")
    GREENING = "greening", _("Greening")
    FEES = "fees", _("Fees and transparency")
    OVERALL = "overall", _("Overall")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RECOMMEND = "recommend", _("Recommendation 0–10")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    PAPER = "paper", _("Paper questionnaire")
    PHONE = "phone", _("Phone")


STAFF_CHANNELS = (Channel.PAPER, Channel.PHONE)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up item", "Open")
    DONE = "done", _("Done")


# A rating of 4 or 5 counts as satisfied; recommendations: 9–10 promoters, 0–6 detractors.
SATISFIED_FROM = 4
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6

# The satisfaction target (% satisfied) a new survey takes from its estate's service level.
TARGET_BY_SERVICE_LEVEL = {"level_1": 90, "level_2": 85, "level_3": 80}
DEFAULT_TARGET = 85
