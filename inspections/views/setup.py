"""Staff pages that set inspections up: checkpoints (with their check items), routes and
plans (with a preview of their next rounds). Lists are the user's estates; create pages
work in the chosen estate; each object is fetched in scope (another estate's: 404)."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import timeline_for
from core.feedback import run_service
from core.listing import list_context
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from ..filters import CheckpointFilter, PlanFilter, RouteFilter
from ..forms import CheckItemFormSet, CheckpointForm, PlanForm, RouteForm
from ..models import Checkpoint, Plan, Route
from ..recurrence import local_zone, plan_windows

NAME_SORTS = {"name": ["name", "id"], "-name": ["-name", "-id"]}
PREVIEW_DAYS, PREVIEW_ROUNDS = 62, 10


def _list(request, model, filterset, template, extra=()):
    rows = scoped_list(model.objects, request, P.VIEW).select_related("estate", *extra)
    ctx = list_context(
        request, rows, filterset_class=filterset, sort_options=NAME_SORTS, default_sort="name"
    )
    estate = current_estate(request)
    ctx["can_add"] = estate is not None and has_perm(request.user, P.CONFIGURE, estate)
    return render(request, template, ctx)


def _chosen_estate(request, title):
    estate = current_estate(request)
    if estate is None:
        return None, render(request, "estates/choose_estate.html", {"title": title})
    require(request.user, P.CONFIGURE, estate)
    return estate, None


# --- Checkpoints ---------------------------------------------------------------------------


@staff_required
def checkpoint_list(request):
    return _list(
        request, Checkpoint, CheckpointFilter, "inspections/checkpoint_list.html", ["equipment"]
    )


def _checkpoint_form(request, estate, checkpoint=None):
    form = CheckpointForm(request.POST or None, instance=checkpoint, estate=estate)
    items = CheckItemFormSet(request.POST or None, instance=checkpoint or Checkpoint())
    if request.method == "POST" and form.is_valid() and items.is_valid():
        saved = run_service(
            request,
            form,
            lambda: services.checkpoint_save(
                actor=request.user,
                estate=estate,
                data=form.cleaned_data,
                checkpoint=checkpoint,
                items_formset=items,
            ),
            _("Checkpoint %(name)s saved.") % {"name": form.cleaned_data["name"]},
        )
        if saved is not None:
            return redirect(saved)
    title = (
        str(checkpoint) if checkpoint else _("New checkpoint in %(estate)s") % {"estate": estate}
    )
    return render(
        request,
        "inspections/checkpoint_form.html",
        {"form": form, "items": items, "title": title, "checkpoint": checkpoint},
    )


@staff_required
def checkpoint_create(request):
    estate, chooser = _chosen_estate(request, _("New checkpoint"))
    return chooser or _checkpoint_form(request, estate)


@staff_required
def checkpoint_edit(request, checkpoint_pk):
    checkpoint = get_scoped_or_404(
        Checkpoint.objects.select_related("estate"), request.user, P.CONFIGURE, pk=checkpoint_pk
    )
    return _checkpoint_form(request, checkpoint.estate, checkpoint)


@staff_required
def checkpoint_detail(request, checkpoint_pk):
    checkpoint = get_scoped_or_404(
        Checkpoint.objects.select_related("estate", "equipment"),
        request.user,
        P.VIEW,
        pk=checkpoint_pk,
    )
    answers = checkpoint.answers.select_related("item", "by", "round__plan").order_by(
        "-taken_at", "-id"
    )[:30]
    return render(
        request,
        "inspections/checkpoint_detail.html",
        {
            "checkpoint": checkpoint,
            "items": checkpoint.items.all(),
            "routes": Route.objects.filter(stops__checkpoint=checkpoint).distinct(),
            "answers": answers,
            "findings": checkpoint.findings.select_related("item", "ticket").order_by(
                "-created_at"
            )[:20],
            "can_edit": has_perm(request.user, P.CONFIGURE, checkpoint.estate),
            "events": timeline_for(checkpoint),
        },
    )


# --- Routes --------------------------------------------------------------------------------


@staff_required
def route_list(request):
    return _list(request, Route, RouteFilter, "inspections/route_list.html")


def _route_form(request, estate, route=None):
    form = RouteForm(request.POST or None, instance=route, estate=estate)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            form,
            lambda: services.route_save(
                actor=request.user,
                estate=estate,
                data=form.cleaned_data,
                checkpoints=form.ordered,
                route=route,
            ),
            _("Route %(name)s saved.") % {"name": form.cleaned_data["name"]},
        )
        if saved is not None:
            return redirect(saved)
    title = str(route) if route else _("New route in %(estate)s") % {"estate": estate}
    back = route.get_absolute_url() if route else "inspections:route_list"
    return render(request, "estates/form.html", {"form": form, "title": title, "back": back})


@staff_required
def route_create(request):
    estate, chooser = _chosen_estate(request, _("New route"))
    return chooser or _route_form(request, estate)


@staff_required
def route_edit(request, route_pk):
    route = get_scoped_or_404(
        Route.objects.select_related("estate"), request.user, P.CONFIGURE, pk=route_pk
    )
    return _route_form(request, route.estate, route)


@staff_required
def route_detail(request, route_pk):
    route = get_scoped_or_404(
        Route.objects.select_related("estate"), request.user, P.VIEW, pk=route_pk
    )
    return render(
        request,
        "inspections/route_detail.html",
        {
            "route": route,
            "checkpoints": route.checkpoints_in_order(),
            "plans": route.plans.order_by("name"),
            "can_edit": has_perm(request.user, P.CONFIGURE, route.estate),
            "events": timeline_for(route),
        },
    )


# --- Plans ---------------------------------------------------------------------------------


@staff_required
def plan_list(request):
    return _list(request, Plan, PlanFilter, "inspections/plan_list.html", ["route"])


def _plan_form(request, estate, plan=None):
    form = PlanForm(request.POST or None, instance=plan, estate=estate)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            form,
            lambda: services.plan_save(
                actor=request.user,
                estate=estate,
                data=form.service_data(),
                assignees=form.cleaned_data["assignees"],
                plan=plan,
            ),
            _("Plan %(name)s saved.") % {"name": form.cleaned_data["name"]},
        )
        if saved is not None:
            created = services.rounds_generate(plans=Plan.objects.filter(pk=saved.pk))["created"]
            if created:
                messages.info(request, _("%(n)d rounds scheduled.") % {"n": created})
            return redirect(saved)
    title = str(plan) if plan else _("New inspection plan in %(estate)s") % {"estate": estate}
    back = plan.get_absolute_url() if plan else "inspections:plan_list"
    return render(request, "estates/form.html", {"form": form, "title": title, "back": back})


@staff_required
def plan_create(request):
    estate, chooser = _chosen_estate(request, _("New inspection plan"))
    return chooser or _plan_form(request, estate)


@staff_required
def plan_edit(request, plan_pk):
    plan = get_scoped_or_404(
        Plan.objects.select_related("estate"), request.user, P.CONFIGURE, pk=plan_pk
    )
    return _plan_form(request, plan.estate, plan)


@staff_required
def plan_detail(request, plan_pk):
    plan = get_scoped_or_404(
        Plan.objects.select_related("estate", "route"), request.user, P.VIEW, pk=plan_pk
    )
    today = timezone.localtime(timezone.now(), local_zone()).date()
    now = timezone.now()
    upcoming = [
        w for w in plan_windows(plan, today, today + timedelta(days=PREVIEW_DAYS)) if w.end > now
    ][:PREVIEW_ROUNDS]
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "upcoming": upcoming,
            "assignees": plan.assignees.order_by("username"),
            "rounds": plan.rounds.select_related("assignee").order_by("-window_start")[:20],
            "can_edit": has_perm(request.user, P.CONFIGURE, plan.estate),
            "events": timeline_for(plan),
        },
    )
