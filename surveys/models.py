"""Satisfaction surveys (满意度调查): a survey of one estate (all of it or some buildings),
its sections by dimension, questions and choices; the households' responses with their
answers, anonymous (a response names the unit, for one answer per household, never the
person); follow-up items for dimensions below the target."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from estates.models import Building, Estate, EstateScopedQuerySet, Unit

from .choices import (
    DEFAULT_TARGET,
    STATUS_COLOURS,
    Channel,
    Dimension,
    FollowUpStatus,
    QuestionKind,
    SurveyStatus,
)


class SurveyQuerySet(EstateScopedQuerySet):
    owner_estate_wide = True  # owners see the surveys of the estates they live in


class Survey(TimeStampedModel):
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="surveys"
    )
    buildings = models.ManyToManyField(
        Building,
        verbose_name=_("buildings"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to ask every household of the estate."),
    )
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True)
    starts_on = models.DateField(_("open from"))
    ends_on = models.DateField(_("open until"))
    target = models.PositiveSmallIntegerField(
        _("satisfaction target (%)"),
        default=DEFAULT_TARGET,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A dimension with fewer satisfied answers than this is flagged."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SurveyQuerySet.as_manager()
    badge_colours = {"status": STATUS_COLOURS}

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="survey_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(target__gte=1, target__lte=100), name="survey_target_percent"
            ),
        ]
        indexes = [models.Index(fields=["estate", "status", "starts_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey_detail", kwargs={"survey_pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == SurveyStatus.DRAFT


class Section(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="sections"
    )
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension.choices)
    title = models.CharField(
        _("heading"), max_length=120, blank=True, help_text=_("Empty: the dimension's name.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title or self.get_dimension_display()


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__order", "section_id", "order", "id"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("option"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One household's questionnaire. It names the unit (one answer per household) and,
    for a paper one, the staff member who typed it in; never the person who answered."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(  # copied from the unit: response rates by building
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit"], name="survey_one_response_per_household"
            )
        ]
        indexes = [models.Index(fields=["survey", "building"])]

    def __str__(self):  # no person: responses are anonymous
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """One answer: a number (rating 1–5 or recommendation 0–10), one chosen option (a
    multiple choice has one row per option ticked) or a text. `survey` is copied from the
    question so that the results are grouped without a join."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    number = models.SmallIntegerField(_("score"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice, verbose_name=_("option"), null=True, blank=True, on_delete=models.CASCADE
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="survey_answer_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="survey_answer_choice_once",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=10),
                name="survey_answer_number_0_10",
            ),
        ]
        indexes = [models.Index(fields=["survey", "question", "choice"])]

    def __str__(self):
        return f"{self.question_id}: {self.number if self.number is not None else self.text}"


class FollowUpQuerySet(EstateScopedQuerySet):
    estate_lookup = "survey__estate_id"


class FollowUp(TimeStampedModel):
    """A dimension that fell below the survey's target: who improves it, by when."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension.choices)
    score = models.DecimalField(_("satisfied (%)"), max_digits=5, decimal_places=1)
    target = models.PositiveSmallIntegerField(_("target (%)"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.TextField(_("what was done"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()
    badge_colours = {"status": {FollowUpStatus.OPEN: "warning", FollowUpStatus.DONE: "success"}}

    class Meta:
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "dimension"], name="survey_follow_up_once_per_dimension"
            )
        ]

    def __str__(self):
        return f"{self.survey} · {self.get_dimension_display()}"

    def get_absolute_url(self):
        return reverse("surveys:followup_detail", kwargs={"followup_pk": self.pk})
