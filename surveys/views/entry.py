"""Staff type in a paper or phone questionnaire: the household (unit) and the channel are
recorded with the answers; who answered is not."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.feedback import run_service
from estates.access import staff_required

from .. import permissions as P
from .. import services
from ..forms import QuestionnaireForm
from ..models import Response
from ..selectors import audience_units, sections_with_questions
from .common import get_survey


@staff_required
def paper_entry(request, survey_pk):
    survey = get_survey(request, survey_pk, P.ENTER)
    sections = sections_with_questions(survey)
    answered = Response.objects.filter(survey=survey).values("unit_id")
    units = list(
        audience_units(survey)
        .exclude(pk__in=answered)
        .select_related("building")
        .order_by("building__name", "entrance", "number")
    )
    form = QuestionnaireForm(request.POST or None, sections=sections, units=units, staff=True)
    if request.method == "POST" and form.is_valid():
        response = run_service(
            request,
            form,
            lambda: services.response_enter_paper(
                survey_id=survey.pk,
                actor=request.user,
                unit_id=form.unit_id(),
                channel=form.cleaned_data["channel"],
                answers=form.answers(),
            ),
        )
        if response is not None:
            messages.success(
                request,
                _("Questionnaire of %(unit)s saved. Next one:") % {"unit": response.unit},
            )
            return redirect("surveys:paper_entry", survey_pk=survey.pk)
    return render(
        request,
        "surveys/staff/paper_entry.html",
        {"survey": survey, "form": form, "open": survey.status == "published"},
    )
