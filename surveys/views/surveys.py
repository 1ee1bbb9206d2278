"""Staff pages of surveys: the list, create and edit, the builder (sections, questions and
options, while a draft) and the buttons of the transition table (publish, close, copy)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import timeline_for
from core.feedback import run_service
from core.pagination import keyset_page
from estates.access import scoped_list, staff_required
from estates.models import Estate
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services, transitions
from ..choices import SurveyStatus
from ..forms import ChoiceForm, QuestionForm, SectionForm, SurveyForm
from ..models import Survey
from ..selectors import sections_with_questions
from ..services.building import target_for
from .common import ERRORS, flash_error, flash_form_errors, get_survey, to_survey


@staff_required
def survey_list(request):
    surveys = scoped_list(Survey.objects.select_related("estate"), request, P.VIEW)
    status = request.GET.get("status", "")
    if status in SurveyStatus.values:
        surveys = surveys.filter(status=status)
    search = request.GET.get("q", "").strip()
    if search:
        surveys = surveys.filter(title__icontains=search)
    page = keyset_page(
        surveys,
        ordering=["-starts_on", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page_size=30,
    )
    estate = current_estate(request)
    return render(
        request,
        "surveys/staff/survey_list.html",
        {
            "page": page,
            "status": status,
            "search": search,
            "statuses": SurveyStatus.choices,
            "may_create": estate is not None and has_perm(request.user, P.MANAGE, estate),
        },
    )


@staff_required
def survey_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New survey")})
    require(request.user, P.MANAGE, estate)
    form = SurveyForm(request.POST or None, estate=estate, initial={"target": target_for(estate)})
    if request.method == "POST" and form.is_valid():
        survey = run_service(
            request,
            form,
            lambda: services.survey_create(
                estate=estate, actor=request.user, **form.service_kwargs()
            ),
            _("Survey created: now add its sections and questions."),
        )
        if survey is not None:
            return to_survey(survey)
    return render(request, "surveys/staff/survey_form.html", {"form": form, "estate": estate})


@staff_required
def survey_edit(request, survey_pk):
    survey = get_survey(request, survey_pk, P.MANAGE)
    frozen = not survey.is_draft
    form = SurveyForm(request.POST or None, instance=survey, estate=survey.estate)
    if request.method == "POST" and form.is_valid() and not frozen:
        done = run_service(
            request,
            form,
            lambda: services.survey_update(
                survey_id=survey.pk, actor=request.user, **form.service_kwargs()
            ),
            _("Survey saved."),
        )
        if done is not None:
            return to_survey(survey)
    elif request.method == "POST" and frozen:
        messages.error(request, _("A published survey can't be changed."))
        return to_survey(survey)
    return render(
        request,
        "surveys/staff/survey_form.html",
        {"form": form, "estate": survey.estate, "survey": survey, "frozen": frozen},
    )


@staff_required
def survey_detail(request, survey_pk):
    survey = get_survey(request, survey_pk, P.VIEW)
    sections = sections_with_questions(survey)
    may_edit = transitions.SURVEY["edit"].allows(request.user, survey)
    may_copy = transitions.SURVEY["copy"].allows(request.user, survey)
    context = {
        "survey": survey,
        "sections": sections,
        "copy_estates": list(
            Estate.objects.for_user(request.user, P.MANAGE).filter(is_active=True).order_by("name")
        )
        if may_copy
        else [],
        "buildings": list(survey.buildings.order_by("name")),
        "buttons": transitions.buttons(request.user, survey),
        "may_edit": may_edit,
        "may_enter": transitions.SURVEY["enter"].allows(request.user, survey),
        "response_count": survey.responses.count(),
        "events": timeline_for(survey),
    }
    if may_edit:
        context["section_form"] = SectionForm()
        context["question_form"] = QuestionForm(sections=sections) if sections else None
        context["choice_form"] = ChoiceForm()
    return render(request, "surveys/staff/survey_detail.html", context)


# --- The builder's posts (a draft only: the services refuse otherwise) ---------------------


def _builder_post(request, survey_pk, form, call, done):
    """`form`: the posted form, or None for a post that carries nothing (a removal)."""
    survey = get_survey(request, survey_pk, P.MANAGE)
    if form is not None and not form.is_valid():
        flash_form_errors(request, form)
        return to_survey(survey)
    try:
        call(survey)
    except ERRORS as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return to_survey(survey)


@staff_required
@require_POST
def section_add(request, survey_pk):
    form = SectionForm(request.POST)
    return _builder_post(
        request,
        survey_pk,
        form,
        lambda s: services.section_add(
            survey_id=s.pk,
            actor=request.user,
            dimension=form.cleaned_data["dimension"],
            title=form.cleaned_data["title"],
        ),
        _("Section added."),
    )


@staff_required
@require_POST
def question_add(request, survey_pk):
    survey = get_survey(request, survey_pk, P.MANAGE)
    form = QuestionForm(request.POST, sections=survey.sections.all())
    return _builder_post(
        request,
        survey_pk,
        form,
        lambda s: services.question_add(
            survey_id=s.pk,
            actor=request.user,
            section_id=form.cleaned_data["section"],
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            required=form.cleaned_data["required"],
            choices=form.cleaned_data["options"],
        ),
        _("Question added."),
    )


@staff_required
@require_POST
def question_delete(request, survey_pk, question_pk):
    return _builder_post(
        request,
        survey_pk,
        None,
        lambda s: services.question_delete(
            survey_id=s.pk, actor=request.user, question_id=question_pk
        ),
        _("Question removed."),
    )


@staff_required
@require_POST
def question_move(request, survey_pk, question_pk):
    up = request.POST.get("direction") != "down"
    return _builder_post(
        request,
        survey_pk,
        None,
        lambda s: services.question_move(
            survey_id=s.pk, actor=request.user, question_id=question_pk, up=up
        ),
        _("Question moved."),
    )


@staff_required
@require_POST
def section_delete(request, survey_pk, section_pk):
    return _builder_post(
        request,
        survey_pk,
        None,
        lambda s: services.section_delete(
            survey_id=s.pk, actor=request.user, section_id=section_pk
        ),
        _("Section removed with its questions."),
    )


@staff_required
@require_POST
def choice_add(request, survey_pk, question_pk):
    form = ChoiceForm(request.POST)
    return _builder_post(
        request,
        survey_pk,
        form,
        lambda s: services.choice_add(
            survey_id=s.pk,
            actor=request.user,
            question_id=question_pk,
            text=form.cleaned_data["text"],
        ),
        _("Option added."),
    )


# --- Transitions -----------------------------------------------------------------------------


def _transition(request, survey_pk, service, done):
    survey = get_survey(request, survey_pk, P.VIEW)
    try:
        result = service(survey_id=survey.pk, actor=request.user)
    except ERRORS as exc:
        flash_error(request, exc)
        return to_survey(survey)
    messages.success(request, done % {"title": result.title})
    return to_survey(result)


@staff_required
@require_POST
def survey_publish(request, survey_pk):
    get_survey(request, survey_pk, P.MANAGE)
    return _transition(
        request,
        survey_pk,
        services.survey_publish,
        _("“%(title)s” is published; the owners asked are told in the portal."),
    )


@staff_required
@require_POST
def survey_close(request, survey_pk):
    get_survey(request, survey_pk, P.MANAGE)
    return _transition(request, survey_pk, services.survey_close, _("“%(title)s” is closed."))


@staff_required
@require_POST
def survey_copy(request, survey_pk):
    """A new draft of the same questions, in this estate or another one the user manages."""
    get_survey(request, survey_pk, P.MANAGE)
    estate = None
    chosen = request.POST.get("estate", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        estate = get_object_or_404(Estate.objects.for_user(request.user, P.MANAGE), pk=chosen)
    return _transition(
        request,
        survey_pk,
        lambda **kw: services.survey_copy(estate=estate, **kw),
        _("Copied as the new draft “%(title)s”."),
    )
