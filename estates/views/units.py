from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import timeline_for
from core.export import xlsx_response
from core.feedback import run_service
from core.listing import apply_filters, list_context

from .. import permissions as P
from .. import services
from ..access import get_scoped_or_404, scoped_list, staff_required
from ..filters import UnitFilter
from ..forms import UnitForm
from ..models import Unit
from ..panels import panels_for
from ..permissions import require
from ..selectors import current_estate, owners_of_unit

# Every sort ends in the primary key so that keyset pages are stable.
UNIT_SORTS = {
    "number": ["building_id", "entrance", "number", "id"],
    "-number": ["-building_id", "-entrance", "-number", "-id"],
    "area": ["area", "id"],
    "-area": ["-area", "-id"],
    "floor": ["floor", "id"],
    "-floor": ["-floor", "-id"],
}


UNIT_LIST_FIELDS = [
    "estate_id",
    "building__name",
    "entrance",
    "number",
    "floor",
    "area",
    "kind",
    "status",
]


def _units(request):
    units = scoped_list(Unit.objects, request, P.VIEW).select_related("building")
    if current_estate(request) is None:  # rows of several estates show the estate's name
        return units.select_related("estate").only(*UNIT_LIST_FIELDS, "estate__name")
    return units.only(*UNIT_LIST_FIELDS)


@staff_required
def unit_list(request):
    ctx = list_context(
        request,
        _units(request),
        filterset_class=UnitFilter,
        sort_options=UNIT_SORTS,
        default_sort="number",
    )
    estate = current_estate(request)
    ctx["can_add"] = estate is not None and P.has_perm(request.user, P.MANAGE_UNITS, estate)
    ctx["can_export"] = P.has_perm_somewhere(request.user, P.EXPORT)
    return render(request, "estates/unit_list.html", ctx)


@staff_required
def unit_export(request):
    units = scoped_list(Unit.objects, request, P.EXPORT).select_related("building", "estate")
    _filterset, units = apply_filters(request, units, UnitFilter)
    rows = (
        (
            u.estate.name,
            u.building.name,
            u.entrance,
            u.number,
            u.floor,
            u.area,
            u.get_kind_display(),
            u.get_status_display(),
        )
        for u in units.order_by("estate_id", "building_id", "entrance", "number").iterator()
    )
    headers = [
        _("Estate"),
        _("Building"),
        _("Entrance"),
        _("Number"),
        _("Floor"),
        _("Floor area (m²)"),
        _("Kind"),
        _("Status"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"units-{stamp}.xlsx", _("Units"), headers, rows)


@staff_required
def unit_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New unit")})
    require(request.user, P.MANAGE_UNITS, estate)
    initial = {"building": request.GET.get("building")}
    form = UnitForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = run_service(
            request,
            form,
            lambda: services.unit_create(estate=estate, actor=request.user, data=form.cleaned_data),
            _("Unit %(number)s added.") % {"number": form.cleaned_data["number"]},
        )
        if unit:
            if "add_another" in request.POST:
                return redirect(f"{request.path}?building={unit.building_id}")
            return redirect(unit)
    return render(
        request,
        "estates/form.html",
        {
            "form": form,
            "title": _("New unit in %(estate)s") % {"estate": estate},
            "add_another": True,
            "back": "staff:unit_list",
        },
    )


@staff_required
def unit_detail(request, unit_pk):
    unit = get_scoped_or_404(
        Unit.objects.select_related("building", "estate"), request.user, P.VIEW, pk=unit_pk
    )
    can_see_people = P.has_perm(request.user, P.VIEW_PEOPLE, unit.estate)
    return render(
        request,
        "estates/unit_detail.html",
        {
            "unit": unit,
            "occupants": owners_of_unit(unit) if can_see_people else None,
            "past": unit.occupancies.filter(end_date__lt=timezone.localdate()).select_related(
                "person"
            )
            if can_see_people
            else None,
            "can_edit": P.has_perm(request.user, P.MANAGE_UNITS, unit.estate),
            "can_manage_people": P.has_perm(request.user, P.MANAGE_PEOPLE, unit.estate),
            "events": timeline_for(unit),
            "panels": panels_for("unit", request, unit),
        },
    )


@staff_required
def unit_edit(request, unit_pk):
    unit = get_scoped_or_404(
        Unit.objects.select_related("estate"), request.user, P.MANAGE_UNITS, pk=unit_pk
    )
    form = UnitForm(request.POST or None, instance=unit, estate=unit.estate)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            lambda: services.unit_update(
                unit_id=unit.pk, actor=request.user, data=form.cleaned_data
            ),
            _("Unit saved."),
        ):
            return redirect(unit)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": str(unit), "back": unit.get_absolute_url()},
    )
