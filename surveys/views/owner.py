"""The owner's survey pages (portal): the open surveys for my homes, the questionnaire,
and "already answered" once my household has answered. Surveys come from
Survey.objects.for_owner(user): another estate's survey is a 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.feedback import run_service
from estates.owners import owner_required, units_for_owner

from .. import services
from ..choices import SurveyStatus
from ..forms import QuestionnaireForm
from ..models import Survey
from ..selectors import (
    accepting,
    annotate_owner_units,
    open_surveys_for_owner,
    sections_with_questions,
)


@owner_required
def my_surveys(request):
    return render(
        request, "surveys/owner/my_surveys.html", {"surveys": open_surveys_for_owner(request.user)}
    )


@owner_required
def answer(request, survey_pk):
    survey = get_object_or_404(
        Survey.objects.for_owner(request.user)
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("estate")
        .prefetch_related("buildings"),
        pk=survey_pk,
    )
    annotate_owner_units(survey, list(units_for_owner(request.user)))
    if not survey.pending_units or not accepting(survey):
        return render(
            request,
            "surveys/owner/answered.html",
            {
                "survey": survey,
                "asked": bool(survey.my_units),
                "not_yet": survey.status == SurveyStatus.PUBLISHED
                and survey.starts_on > timezone.localdate(),
            },
        )
    sections = sections_with_questions(survey)
    form = QuestionnaireForm(request.POST or None, sections=sections, units=survey.pending_units)
    if request.method == "POST" and form.is_valid():
        response = run_service(
            request,
            form,
            lambda: services.response_submit(
                survey_id=survey.pk,
                actor=request.user,
                unit_id=form.unit_id(),
                answers=form.answers(),
            ),
        )
        if response is not None:
            messages.success(request, _("Thank you! Your answers were received."))
            return redirect("portal_surveys:answer", survey_pk=survey.pk)
    return render(request, "surveys/owner/answer.html", {"survey": survey, "form": form})
