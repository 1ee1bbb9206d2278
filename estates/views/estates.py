from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.audit import timeline_for
from core.feedback import run_service
from core.listing import list_context

from .. import permissions as P
from .. import services
from ..access import get_scoped_or_404, staff_required
from ..filters import BuildingFilter
from ..forms import BuildingForm, EstateForm
from ..models import Building, Estate
from ..panels import panels_for
from ..selectors import estate_figures


@staff_required
def estate_list(request):
    estates = (
        Estate.objects.for_user(request.user)
        .annotate(n_buildings=Count("buildings", distinct=True))
        .order_by("name")
    )
    return render(request, "estates/estate_list.html", {"estates": estates})


@staff_required
def estate_create(request):
    if not request.user.is_company_admin:
        raise PermissionDenied
    form = EstateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        estate = run_service(
            request,
            form,
            lambda: services.estate_create(actor=request.user, data=form.cleaned_data),
            _("Estate created."),
        )
        if estate:
            return redirect(estate)
    return render(request, "estates/form.html", {"form": form, "title": _("New estate")})


@staff_required
def estate_detail(request, estate_pk):
    estate = get_scoped_or_404(Estate.objects, request.user, P.VIEW, pk=estate_pk)
    buildings = estate.buildings.annotate(n_units=Count("units")).order_by("name")
    ctx = list_context(
        request,
        buildings,
        filterset_class=BuildingFilter,
        sort_options={"name": ["name", "pk"]},
        default_sort="name",
        page_size=100,
    )
    return render(
        request,
        "estates/estate_detail.html",
        {
            **ctx,
            "estate": estate,
            "figures": estate_figures(estate),
            "can_manage": P.has_perm(request.user, P.MANAGE_ESTATE, estate),
            "events": timeline_for(estate),
            "panels": panels_for("estate", request, estate),
        },
    )


@staff_required
def estate_edit(request, estate_pk):
    estate = get_scoped_or_404(Estate.objects, request.user, P.MANAGE_ESTATE, pk=estate_pk)
    form = EstateForm(request.POST or None, instance=Estate.objects.get(pk=estate.pk))
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            lambda: services.estate_update(
                estate_id=estate.pk, actor=request.user, data=form.cleaned_data
            ),
            _("Estate saved."),
        ):
            return redirect(estate)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": estate.name, "back": estate.get_absolute_url()},
    )


@staff_required
def building_create(request, estate_pk):
    estate = get_scoped_or_404(Estate.objects, request.user, P.MANAGE_ESTATE, pk=estate_pk)
    form = BuildingForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        building = run_service(
            request,
            form,
            lambda: services.building_create(
                estate=estate, actor=request.user, data=form.cleaned_data
            ),
            _("Building %(name)s added.") % {"name": form.cleaned_data["name"]},
        )
        if building:
            return redirect(building)
    return render(
        request,
        "estates/form.html",
        {
            "form": form,
            "title": _("New building in %(estate)s") % {"estate": estate},
            "back": estate.get_absolute_url(),
        },
    )


@staff_required
def building_detail(request, building_pk):
    building = get_scoped_or_404(
        Building.objects.select_related("estate"), request.user, P.VIEW, pk=building_pk
    )
    units = building.units.order_by("entrance", "number")
    return render(
        request,
        "estates/building_detail.html",
        {
            "building": building,
            "units": units,
            "events": timeline_for(building),
            "can_manage": P.has_perm(request.user, P.MANAGE_ESTATE, building.estate),
            "can_add_units": P.has_perm(request.user, P.MANAGE_UNITS, building.estate),
            "can_print": P.has_perm(request.user, P.VIEW_PEOPLE, building.estate),
            "can_label": P.has_perm(request.user, P.VIEW_EQUIPMENT, building.estate),
            "panels": panels_for("building", request, building),
        },
    )


@staff_required
def building_edit(request, building_pk):
    building = get_scoped_or_404(Building.objects, request.user, P.MANAGE_ESTATE, pk=building_pk)
    form = BuildingForm(request.POST or None, instance=building, estate=building.estate)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            lambda: services.building_update(
                building_id=building.pk, actor=request.user, data=form.cleaned_data
            ),
            _("Building saved."),
        ):
            return redirect(building)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": str(building), "back": building.get_absolute_url()},
    )
