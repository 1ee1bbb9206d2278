"""Fee standards (收费标准) of the chosen estate: those in force, one standard's versions,
a new standard, and a change (费用调整) as a new version."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.feedback import run_service
from estates.access import get_scoped_or_404, staff_required
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from ..forms import FeeItemForm, StandardForm
from ..models import FeeStandard
from ..selectors import standard_versions, standards_in_force
from .common import choose_estate, events


@staff_required
def standard_list(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Fee standards"))
    require(request.user, P.VIEW, estate)
    upcoming = FeeStandard.objects.filter(estate=estate).select_related("fee_item")
    in_force = standards_in_force(estate)
    ids = {s.pk for s in in_force}
    upcoming = [
        s for s in upcoming.filter(effective_from__gt=timezone.localdate()) if s.pk not in ids
    ]
    return render(
        request,
        "billing/staff/standard_list.html",
        {
            "estate": estate,
            "standards": in_force,
            "upcoming": upcoming,
            "may_configure": has_perm(request.user, P.CONFIGURE, estate),
        },
    )


def _values(form):
    data = form.cleaned_data
    return {
        "method": data["method"],
        "price": data["price"],
        "effective_from": data["effective_from"],
        "buildings": list(data["buildings"]),
        "unit_kinds": data["unit_kinds"],
        "tiers": data["tiers"],
    }


@staff_required
def standard_create(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("New fee standard"))
    require(request.user, P.CONFIGURE, estate)
    form = StandardForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        standard = run_service(
            request,
            form,
            lambda: services.standard_create(
                estate=estate,
                fee_item=form.cleaned_data["fee_item"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **_values(form),
            ),
            _("Fee standard saved."),
        )
        if standard is not None:
            return redirect(standard)
    return render(
        request,
        "billing/staff/standard_form.html",
        {"form": form, "estate": estate, "title": _("New fee standard")},
    )


@staff_required
def standard_detail(request, standard_pk):
    standard = get_scoped_or_404(
        FeeStandard.objects.select_related("estate", "fee_item"),
        request.user,
        P.VIEW,
        pk=standard_pk,
    )
    return render(
        request,
        "billing/staff/standard_detail.html",
        {
            "standard": standard,
            "versions": standard_versions(standard),
            "may_configure": has_perm(request.user, P.CONFIGURE, standard.estate),
            "events": events(standard),
        },
    )


@staff_required
def standard_revise(request, standard_pk):
    standard = get_scoped_or_404(
        FeeStandard.objects.select_related("estate", "fee_item"),
        request.user,
        P.CONFIGURE,
        pk=standard_pk,
    )
    initial = {
        "method": standard.method,
        "price": standard.price,
        "unit_kinds": standard.unit_kinds,
        "buildings": list(standard.buildings.all()),
        "tiers": "\n".join(
            f"{t.up_to if t.up_to is not None else '-'} {t.price}" for t in standard.tiers.all()
        ),
    }
    form = StandardForm(
        request.POST or None, estate=standard.estate, revising=standard, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        latest = standard_versions(standard)[0]
        new = run_service(
            request,
            form,
            lambda: services.standard_revise(
                standard=latest,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **_values(form),
            ),
            _("New version saved: it takes effect on %(date)s.")
            % {"date": form.cleaned_data["effective_from"]},
        )
        if new is not None:
            return redirect(new)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "billing/staff/standard_form.html",
        {
            "form": form,
            "estate": standard.estate,
            "standard": standard,
            "title": _("Change the fee standard"),
        },
    )


@staff_required
def fee_item_create(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("New fee item"))
    require(request.user, P.CONFIGURE, estate)
    form = FeeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = run_service(
            request,
            form,
            lambda: services.fee_item_create(
                estate=estate, actor=request.user, **form.cleaned_data
            ),
            _("Fee item saved: now give it a fee standard."),
        )
        if item is not None:
            return redirect("billing:standard_create")
    return render(
        request,
        "billing/staff/standard_form.html",
        {"form": form, "estate": estate, "title": _("New fee item")},
    )
