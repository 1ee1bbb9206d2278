"""Staff pages of equipment maintenance: the tasks list, plans (list, create, edit, detail)
and the task page a technician works on at 360 px (complete, accept, send back)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.attachments import attachment_response
from core.audit import timeline_for
from core.errors import DomainError
from core.feedback import run_service
from core.listing import list_context
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import has_perm
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from .. import upkeep_transitions as T
from ..filters import UpkeepPlanFilter, UpkeepTaskFilter
from ..models import UpkeepPlan, UpkeepTask
from ..recurrence import local_zone, plan_windows
from ..upkeep_forms import CompleteForm, PlanUpkeepForm, ReviewForm
from .setup import NAME_SORTS, _chosen_estate

TASK_SORTS = {
    "window_end": ["window_end", "id"],
    "-window_end": ["-window_end", "-id"],
}
PREVIEW_DAYS = 400


@staff_required
def upkeep_task_list(request):
    rows = scoped_list(UpkeepTask.objects, request, P.VIEW).select_related(
        "estate", "plan", "equipment", "assignee"
    )
    ctx = list_context(
        request,
        rows,
        filterset_class=UpkeepTaskFilter,
        sort_options=TASK_SORTS,
        default_sort="-window_end",
    )
    ctx["now"] = timezone.now()
    return render(request, "inspections/upkeep/task_list.html", ctx)


@staff_required
def upkeep_plan_list(request):
    rows = scoped_list(UpkeepPlan.objects, request, P.VIEW).select_related("estate", "equipment")
    ctx = list_context(
        request,
        rows,
        filterset_class=UpkeepPlanFilter,
        sort_options=NAME_SORTS,
        default_sort="name",
    )
    estate = current_estate(request)
    ctx["can_add"] = estate is not None and has_perm(request.user, P.CONFIGURE, estate)
    return render(request, "inspections/upkeep/plan_list.html", ctx)


def _plan_form(request, estate, plan=None):
    form = PlanUpkeepForm(request.POST or None, instance=plan, estate=estate)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            form,
            lambda: services.upkeep_plan_save(
                actor=request.user,
                estate=estate,
                data=form.service_data(),
                assignees=form.cleaned_data["assignees"],
                plan=plan,
            ),
            _("Maintenance plan %(name)s saved.") % {"name": form.cleaned_data["name"]},
        )
        if saved is not None:
            created = services.upkeep_generate(plans=UpkeepPlan.objects.filter(pk=saved.pk))
            if created["created"]:
                messages.info(
                    request, _("%(n)d maintenance tasks scheduled.") % {"n": created["created"]}
                )
            return redirect(saved)
    title = str(plan) if plan else _("New maintenance plan in %(estate)s") % {"estate": estate}
    back = plan.get_absolute_url() if plan else "inspections:upkeep_plan_list"
    return render(request, "estates/form.html", {"form": form, "title": title, "back": back})


@staff_required
def upkeep_plan_create(request):
    estate, chooser = _chosen_estate(request, _("New maintenance plan"))
    return chooser or _plan_form(request, estate)


@staff_required
def upkeep_plan_edit(request, upkeep_plan_pk):
    plan = get_scoped_or_404(
        UpkeepPlan.objects.select_related("estate"), request.user, P.CONFIGURE, pk=upkeep_plan_pk
    )
    return _plan_form(request, plan.estate, plan)


@staff_required
def upkeep_plan_detail(request, upkeep_plan_pk):
    plan = get_scoped_or_404(
        UpkeepPlan.objects.select_related("estate", "equipment"),
        request.user,
        P.VIEW,
        pk=upkeep_plan_pk,
    )
    now = timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    upcoming = [
        w for w in plan_windows(plan, today, today + timedelta(days=PREVIEW_DAYS)) if w.end > now
    ][:6]
    return render(
        request,
        "inspections/upkeep/plan_detail.html",
        {
            "plan": plan,
            "upcoming": upcoming,
            "assignees": plan.assignees.order_by("username"),
            "tasks": plan.tasks.select_related("equipment", "assignee").order_by(
                "-window_start", "-id"
            )[:20],
            "can_edit": has_perm(request.user, P.CONFIGURE, plan.estate),
            "events": timeline_for(plan),
        },
    )


def get_task(request, upkeep_task_pk, perm=P.VIEW):
    return get_scoped_or_404(
        UpkeepTask.objects.select_related("estate", "plan", "equipment", "assignee", "done_by"),
        request.user,
        perm,
        pk=upkeep_task_pk,
    )


@staff_required
def upkeep_task_detail(request, upkeep_task_pk):
    task = get_task(request, upkeep_task_pk)
    actions = {t.slug: t for t in T.available(request.user, task)}
    return render(
        request,
        "inspections/upkeep/task_detail.html",
        {
            "task": task,
            "equipment": task.equipment,
            "parts": list(task.parts.all()),
            "photos": list(task.photos.order_by("id")),
            "actions": actions,
            "complete_form": CompleteForm(
                initial={"outsourced": task.outsourced, "contractor": task.contractor}
            )
            if "complete" in actions
            else None,
            "review_form": ReviewForm() if "accept" in actions else None,
            "events": timeline_for(task),
        },
    )


def _complete(request, task):
    form = CompleteForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    data = form.cleaned_data
    services.upkeep_complete(
        task_id=task.pk,
        actor=request.user,
        done=services.Completion(
            work_done=data["work_done"],
            outsourced=data["outsourced"],
            contractor=data["contractor"],
            parts=tuple(data["parts_text"]),
            photos=tuple(data["photos"]),
        ),
    )
    messages.success(request, _("Maintenance recorded."))


@staff_required
@require_POST
def upkeep_task_step(request, upkeep_task_pk, upkeep_step):
    step = upkeep_step
    transition = T.ACTIONS.get(step)
    if transition is None:
        raise Http404
    task = get_task(request, upkeep_task_pk, transition.permission)
    try:
        if step == "complete":
            _complete(request, task)
        else:
            form = ReviewForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.upkeep_review(
                task_id=task.pk, actor=request.user, accept=step == "accept", note=note
            )
            messages.success(
                request, _("Work accepted.") if step == "accept" else _("Work sent back.")
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(task)


@staff_required
def upkeep_photo(request, upkeep_task_pk, upkeep_photo_pk):
    task = get_task(request, upkeep_task_pk)
    return attachment_response(get_object_or_404(task.photos, pk=upkeep_photo_pk))
