"""Company settings of inspections on staff pages (the Django admin only looks): the
chosen estate's holidays, and the check item templates per equipment category (company
administrators)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import run_service
from estates.access import get_scoped_or_404, staff_required
from estates.choices import EquipmentCategory
from estates.permissions import require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from ..forms import HolidayForm, TemplateFormSet
from ..models import CheckItemTemplate, Holiday


@staff_required
def holiday_list(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("Holidays")})
    require(request.user, P.CONFIGURE, estate)
    form = HolidayForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            form,
            lambda: services.holiday_add(
                actor=request.user,
                estate=estate,
                date=data["date"],
                name=data["name"],
                company_wide=data.get("company_wide", False),
            ),
            _("Holiday %(name)s added.") % {"name": data["name"]},
        ):
            return redirect("inspections:holiday_list")
    since = timezone.localdate().replace(month=1, day=1)
    holidays = Holiday.objects.filter(Q(estate=estate) | Q(estate__isnull=True), date__gte=since)
    return render(
        request,
        "inspections/holiday_list.html",
        {"form": form, "estate": estate, "holidays": holidays.order_by("date")},
    )


@staff_required
@require_POST
def holiday_delete(request, holiday_pk):
    holiday = get_scoped_or_404(Holiday.objects, request.user, P.CONFIGURE, pk=holiday_pk)
    services.holiday_remove(actor=request.user, holiday_id=holiday.pk)
    messages.success(request, _("Holiday %(name)s removed.") % {"name": holiday.name})
    return redirect("inspections:holiday_list")


def _admin_only(request):
    if not request.user.is_company_admin:
        raise PermissionDenied


@staff_required
def template_list(request):
    _admin_only(request)
    counts = dict(
        CheckItemTemplate.objects.values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    rows = [(c.value, c.label, counts.get(c.value, 0)) for c in EquipmentCategory]
    return render(request, "inspections/template_list.html", {"rows": rows})


@staff_required
def template_edit(request, equipment_category):
    _admin_only(request)
    if equipment_category not in EquipmentCategory.values:
        raise Http404
    queryset = CheckItemTemplate.objects.filter(category=equipment_category)
    formset = TemplateFormSet(request.POST or None, queryset=queryset, prefix="items")
    if request.method == "POST" and formset.is_valid():
        services.templates_save(actor=request.user, category=equipment_category, formset=formset)
        messages.success(request, _("Checklist saved."))
        return redirect("inspections:template_list")
    return render(
        request,
        "inspections/template_form.html",
        {"items": formset, "title": EquipmentCategory(equipment_category).label},
    )
