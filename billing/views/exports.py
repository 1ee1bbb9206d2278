"""Exports for the accounting system: bills, payments and receipts of a month (XLSX or CSV)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from core.export import xlsx_response
from estates import permissions as EP
from estates.access import staff_required
from estates.permissions import require
from estates.selectors import current_estate

from .. import exports
from ..forms.bank import ExportForm, this_month
from .common import choose_estate


def _form(request):
    data = request.GET.copy()
    data.setdefault("period", this_month())
    return ExportForm(data)


@staff_required
def export_home(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Exports for accounting"))
    require(request.user, EP.EXPORT, estate)
    form = _form(request)
    period = form.cleaned_data["period"] if form.is_valid() else None
    return render(
        request,
        "billing/staff/exports.html",
        {
            "estate": estate,
            "form": form,
            "period": period,
            "totals": exports.totals(estate, period) if period else None,
            "kinds": list(exports.KINDS.items()),
        },
    )


@staff_required
def export_download(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Exports for accounting"))
    require(request.user, EP.EXPORT, estate)
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(_("Write the month as YYYY-MM, e.g. 2026-11."), status=400)
    kind = form.cleaned_data["kind"] or "bills"
    period = form.cleaned_data["period"]
    export = exports.build(kind, estate, period)
    name = f"{kind}-{estate.code}-{period}"
    if form.cleaned_data["format"] == "csv":
        response = HttpResponse(exports.csv_bytes(export), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{escape_uri_path(name)}.csv"
        )
        return response
    return xlsx_response(f"{name}.xlsx", period, export.headers, exports.with_total(export))
