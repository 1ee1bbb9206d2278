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
from ..filters import EquipmentFilter
from ..forms import EquipmentForm
from ..models import Equipment
from ..panels import panels_for
from ..permissions import require
from ..selectors import current_estate

EQUIPMENT_SORTS = {
    "code": ["code", "id"],
    "-code": ["-code", "-id"],
    "category": ["category", "code", "id"],
    "-category": ["-category", "-code", "-id"],
}


@staff_required
def equipment_list(request):
    items = scoped_list(Equipment.objects, request, P.VIEW_EQUIPMENT).select_related(
        "building", "estate"
    )
    ctx = list_context(
        request,
        items,
        filterset_class=EquipmentFilter,
        sort_options=EQUIPMENT_SORTS,
        default_sort="code",
    )
    estate = current_estate(request)
    ctx["can_add"] = estate is not None and P.has_perm(request.user, P.MANAGE_EQUIPMENT, estate)
    ctx["can_export"] = P.has_perm_somewhere(request.user, P.EXPORT)
    ctx["today"] = timezone.localdate()
    return render(request, "estates/equipment_list.html", ctx)


@staff_required
def equipment_export(request):
    items = scoped_list(Equipment.objects, request, P.EXPORT).select_related("building", "estate")
    _filterset, items = apply_filters(request, items, EquipmentFilter)
    rows = (
        (
            e.estate.name,
            e.code,
            e.name,
            e.get_category_display(),
            e.building.name if e.building else "",
            e.location,
            e.model_number,
            e.supplier,
            e.install_date,
            e.warranty_end,
            e.get_status_display(),
        )
        for e in items.order_by("estate_id", "code")
    )
    headers = [
        _("Estate"),
        _("Code"),
        _("Name"),
        _("Category"),
        _("Building"),
        _("Location"),
        _("Model"),
        _("Supplier"),
        _("Installed on"),
        _("Warranty ends"),
        _("Status"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"equipment-{stamp}.xlsx", _("Equipment"), headers, rows)


@staff_required
def equipment_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New equipment")})
    require(request.user, P.MANAGE_EQUIPMENT, estate)
    form = EquipmentForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        item = run_service(
            request,
            form,
            lambda: services.equipment_create(
                estate=estate, actor=request.user, data=form.cleaned_data
            ),
            _("Equipment %(code)s registered.") % {"code": form.cleaned_data["code"]},
        )
        if item:
            return redirect(item)
    return render(
        request,
        "estates/form.html",
        {
            "form": form,
            "title": _("New equipment in %(estate)s") % {"estate": estate},
            "back": "staff:equipment_list",
        },
    )


@staff_required
def equipment_detail(request, equipment_pk):
    item = get_scoped_or_404(
        Equipment.objects.select_related("building", "estate"),
        request.user,
        P.VIEW_EQUIPMENT,
        pk=equipment_pk,
    )
    return render(
        request,
        "estates/equipment_detail.html",
        {
            "item": item,
            "events": timeline_for(item),
            "can_edit": P.has_perm(request.user, P.MANAGE_EQUIPMENT, item.estate),
            "panels": panels_for("equipment", request, item),
        },
    )


@staff_required
def equipment_edit(request, equipment_pk):
    item = get_scoped_or_404(
        Equipment.objects.select_related("estate"),
        request.user,
        P.MANAGE_EQUIPMENT,
        pk=equipment_pk,
    )
    form = EquipmentForm(request.POST or None, instance=item, estate=item.estate)
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            form,
            lambda: services.equipment_update(
                equipment_id=item.pk, actor=request.user, data=form.cleaned_data
            ),
            _("Saved."),
        ):
            return redirect(item)
    return render(
        request,
        "estates/form.html",
        {"form": form, "title": str(item), "back": item.get_absolute_url()},
    )
