"""Meters of the chosen estate: the list (with the buildings to read), one meter and its
readings, adding and changing a meter, the phone entry page of a building (or a floor),
the month's consumption with "compute usage"."""

import re

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.feedback import run_service
from core.listing import list_context
from estates.access import get_scoped_or_404, staff_required
from estates.models import Building
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from ..choices import ReadingSource
from ..forms import MeterForm
from ..meter_filters import MeterFilter
from ..meter_selectors import entry_meters, entry_rows, period_summary, reading_history
from ..models import Meter, Usage
from ..services.meter_usage import usage_compute
from ..services.meters import meter_create as create_meter
from ..services.meters import meter_update, period_closed, reading_record
from .common import choose_estate, events

METER_SORTS = {
    "serial": ["serial_number", "id"],
    "-serial": ["-serial_number", "-id"],
    "unit": ["building__name", "unit__floor", "unit__number", "id"],
}


def this_period() -> str:
    return timezone.localdate().strftime("%Y-%m")


def chosen_period(request) -> str:
    period = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        return period
    return this_period()


@staff_required
def meter_list(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Meters"))
    require(request.user, P.READ_METERS, estate)
    meters = Meter.objects.filter(estate=estate).select_related("unit", "building", "fee_item")
    context = list_context(
        request, meters, filterset_class=MeterFilter, sort_options=METER_SORTS, default_sort="unit"
    )
    context.update(
        {
            "estate": estate,
            "buildings": Building.objects.filter(estate=estate).order_by("name"),
            "may_configure": has_perm(request.user, P.CONFIGURE, estate),
            "may_run": has_perm(request.user, P.RUN, estate),
        }
    )
    return render(request, "billing/meters/meter_list.html", context)


def _meter(request, meter_pk, perm):
    return get_scoped_or_404(
        Meter.objects.select_related("estate", "unit__building", "building", "fee_item"),
        request.user,
        perm,
        pk=meter_pk,
    )


def _detail(request, meter, outcome=None, typed=""):
    return render(
        request,
        "billing/meters/meter_detail.html",
        {
            "meter": meter,
            "history": reading_history(meter),
            "served": meter.served_units.select_related("building") if meter.is_shared else [],
            "may_configure": has_perm(request.user, P.CONFIGURE, meter.estate),
            "events": events(meter),
            "period": chosen_period(request),
            "outcome": outcome,
            "typed": typed,
        },
    )


@staff_required
def meter_detail(request, meter_pk):
    return _detail(request, _meter(request, meter_pk, P.READ_METERS))


@require_POST
@staff_required
def meter_read(request, meter_pk):
    """One reading typed on the meter's page (any meter: also an estate-wide shared one)."""
    meter = _meter(request, meter_pk, P.READ_METERS)
    raw = request.POST.get("value", "").strip()
    outcome = reading_record(
        meter=meter,
        period=chosen_period(request),
        raw_value=raw,
        actor=request.user,
        source=ReadingSource.MANUAL,
        confirmed=request.POST.getlist("confirm"),
    )
    if outcome.errors or outcome.warnings:
        return _detail(request, meter, outcome, raw)
    messages.success(request, _("Reading saved."))
    return redirect(meter)


def _form_page(request, form, estate, title, meter=None):
    return render(
        request,
        "billing/meters/meter_form.html",
        {"form": form, "estate": estate, "title": title, "meter": meter},
    )


@staff_required
def meter_create(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("New meter"))
    require(request.user, P.CONFIGURE, estate)
    initial = {"installed_on": timezone.localdate(), "multiplier": 1, "initial_value": 0}
    form = MeterForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST" and form.is_valid():
        meter = run_service(
            request,
            form,
            lambda: create_meter(estate=estate, actor=request.user, **form.service_data()),
            _("Meter saved."),
        )
        if meter is not None:
            return redirect(meter)
    return _form_page(request, form, estate, _("New meter"))


@staff_required
def meter_edit(request, meter_pk):
    meter = _meter(request, meter_pk, P.CONFIGURE)
    form = MeterForm(request.POST or None, instance=meter, estate=meter.estate)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            form,
            lambda: meter_update(meter_id=meter.pk, actor=request.user, **form.service_data()),
            _("Meter saved."),
        )
        if saved is not None:
            return redirect(saved)
    return _form_page(request, form, meter.estate, _("Change the meter"), meter)


# --- The phone entry page ---------------------------------------------------------------------


def _floor(request):
    raw = request.GET.get("floor") or request.POST.get("floor") or ""
    try:
        return int(raw)
    except ValueError:
        return None


@staff_required
def meter_entry(request, building_pk):
    """Type the new values of a building's meters (or one floor's): each row saved on its
    own; a row with a warning is saved once its box is ticked, a row with an error is not."""
    building = get_scoped_or_404(
        Building.objects.select_related("estate"), request.user, P.READ_METERS, pk=building_pk
    )
    period, floor = chosen_period(request), _floor(request)
    meters = entry_meters(building, floor)
    if request.method == "POST" and request.headers.get("HX-Request") and "row" in request.POST:
        return _entry_row(request, building, period, meters)
    saved = 0
    outcomes = {}
    if request.method == "POST":
        for meter in meters:
            raw = request.POST.get(f"value-{meter.pk}", "").strip()
            if not raw:
                continue
            outcome = _read(request, meter, period)
            outcomes[meter.pk] = (raw, outcome)
            saved += outcome.changed
        pending = sum(1 for _raw, o in outcomes.values() if o.errors or o.warnings)
        if saved:
            messages.success(
                request,
                ngettext("%(count)s reading saved.", "%(count)s readings saved.", saved)
                % {"count": saved},
            )
        if not pending:
            return redirect(
                f"{request.path}?period={period}" + (f"&floor={floor}" if floor is not None else "")
            )
        messages.warning(
            request,
            ngettext(
                "%(count)s reading is not saved yet: correct it or confirm the warning.",
                "%(count)s readings are not saved yet: correct them or confirm the warning.",
                pending,
            )
            % {"count": pending},
        )
    rows = entry_rows(meters, period)
    for row in rows:
        if row.meter.pk in outcomes:
            raw, outcome = outcomes[row.meter.pk]
            if outcome.errors or outcome.warnings:
                row.typed, row.errors, row.warnings = raw, outcome.errors, outcome.warnings
    floors = sorted(
        set(
            Meter.objects.filter(building=building, is_active=True, unit__isnull=False).values_list(
                "unit__floor", flat=True
            )
        )
    )
    return render(
        request,
        "billing/meters/entry.html",
        {
            "building": building,
            "period": period,
            "floor": floor,
            "floors": floors,
            "rows": rows,
            "closed": period_closed(building.estate, period),
        },
    )


def _read(request, meter, period):
    return reading_record(
        meter=meter,
        period=period,
        raw_value=request.POST.get(f"value-{meter.pk}", "").strip(),
        actor=request.user,
        source=ReadingSource.PHONE,
        confirmed=request.POST.getlist(f"confirm-{meter.pk}"),
    )


def _entry_row(request, building, period, meters):
    """htmx: save one row, answer with that row (its warning, or saved)."""
    meter = next((m for m in meters if str(m.pk) == request.POST["row"]), None)
    if meter is None:
        raise Http404
    outcome = _read(request, meter, period)
    row = entry_rows([meter], period)[0]
    if outcome.errors or outcome.warnings:
        row.typed = request.POST.get(f"value-{meter.pk}", "")
        row.errors, row.warnings = outcome.errors, outcome.warnings
    else:
        row.saved = True
    context = {"row": row, "period": period, "closed": period_closed(building.estate, period)}
    return render(request, "billing/meters/partials/entry_row.html", context)


# --- The month's consumption ------------------------------------------------------------------


@staff_required
def meter_usage(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Metered usage"))
    require(request.user, P.READ_METERS, estate)
    period = chosen_period(request)
    usage = (
        Usage.objects.filter(unit__estate=estate, period=period)
        .values("fee_item__name")
        .order_by("fee_item__name")
    )
    return render(
        request,
        "billing/meters/usage.html",
        {
            "estate": estate,
            "period": period,
            "summary": period_summary(estate, period),
            "usage": usage.annotate(units=Count("id"), total=Sum("quantity")),
            "closed": period_closed(estate, period),
            "may_run": has_perm(request.user, P.RUN, estate),
        },
    )


@require_POST
@staff_required
def meter_usage_compute(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Metered usage"))
    require(request.user, P.RUN, estate)
    period = chosen_period(request)
    try:
        count = usage_compute(estate=estate, period=period, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Usage of %(period)s computed from the readings: %(count)s rows.")
            % {"period": period, "count": count},
        )
    return redirect(reverse("billing:meter_usage") + f"?period={period}")
