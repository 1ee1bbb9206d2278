"""Costs: the month's cost records (entered or imported), income against cost for a
month, a quarter or a year, and the transparency summaries staff prepare and publish."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.export import XLSX_MIME
from core.feedback import run_service
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import has_perm_somewhere, require
from estates.selectors import current_estate

from .. import permissions as P
from ..forms.bank import CostForm, SpanForm, SpreadsheetForm, SummaryForm, clean_month, this_month
from ..imports import COSTS
from ..models.costs import CostRecord, SummaryStatus, TransparencySummary
from ..selectors_costs import Span, cost_groups, income_and_cost, summary_figures
from ..services import costs as services
from .common import choose_estate, events


def _estate(request, title):
    estate = current_estate(request)
    if estate is not None:
        require(request.user, P.COSTS, estate)
    return estate


@staff_required
def cost_list(request):
    estate = _estate(request, _("Costs"))
    if estate is None:
        return choose_estate(request, _("Costs"))
    try:
        period = clean_month(request.GET.get("period") or this_month())
    except ValidationError:
        period = this_month()
    records = CostRecord.objects.filter(estate=estate, period=period).select_related("created_by")
    groups, total = cost_groups(records)
    return render(
        request,
        "billing/staff/costs/list.html",
        {"estate": estate, "period": period, "records": records, "groups": groups,
         "total": total},
    )  # fmt: skip


@staff_required
def cost_create(request):
    estate = _estate(request, _("Record a cost"))
    if estate is None:
        return choose_estate(request, _("Record a cost"))
    form = CostForm(request.POST or None, initial={"period": this_month()})
    if request.method == "POST" and form.is_valid():
        record = run_service(
            request, form,
            lambda: services.cost_create(estate=estate, actor=request.user, **form.cleaned_data),
            _("Cost recorded."),
        )  # fmt: skip
        if record is not None:
            return redirect(f"{reverse('billing:cost_list')}?period={record.period}")
    return render(request, "billing/staff/costs/form.html", {"form": form, "estate": estate})


@staff_required
def cost_import(request):
    estate = _estate(request, _("Import costs"))
    if estate is None:
        return choose_estate(request, _("Import costs"))
    form = SpreadsheetForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        try:
            checked = services.costs_import(
                estate=estate, upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if not checked.errors:
                messages.success(
                    request, _("%(count)s cost records imported.") % {"count": len(checked.rows)}
                )
                return redirect("billing:cost_list")
            errors = checked.error_rows
    return render(
        request,
        "billing/staff/costs/import.html",
        {"form": form, "estate": estate, "errors": errors},
    )


@staff_required
def cost_template(request):
    from estates.imports.services import import_template_xlsx

    if not has_perm_somewhere(request.user, P.COSTS):
        raise PermissionDenied

    response = HttpResponse(import_template_xlsx(COSTS), content_type=XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="costs-template.xlsx"'
    return response


@staff_required
def income_cost(request):
    estate = _estate(request, _("Income and costs"))
    if estate is None:
        return choose_estate(request, _("Income and costs"))
    form = SpanForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    if form.errors:
        data = {"kind": "year", "year": timezone.localdate().year, "number": 0}
    span = Span(data["kind"], data["year"], data["number"])
    return render(
        request,
        "billing/staff/costs/income_cost.html",
        {"estate": estate, "form": form, "report": income_and_cost(estate, span)},
    )


# --- Transparency summaries ---------------------------------------------------------------


@staff_required
def summary_list(request):
    summaries = scoped_list(TransparencySummary.objects.select_related("estate"), request, P.COSTS)
    estate = current_estate(request)
    return render(
        request,
        "billing/staff/costs/summary_list.html",
        {"summaries": summaries[:200], "estate": estate,
         "form": SummaryForm(initial={"year": timezone.localdate().year})},
    )  # fmt: skip


@require_POST
@staff_required
def summary_prepare(request):
    estate = _estate(request, _("Prepare a summary"))
    if estate is None:
        return choose_estate(request, _("Prepare a summary"))
    form = SummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year and the quarter."))
        return redirect("billing:summary_list")
    try:
        summary = services.summary_prepare(estate=estate, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("billing:summary_list")
    messages.success(request, _("Summary prepared: check it, then publish it to the owners."))
    return redirect(summary)


def _summary(request, summary_pk):
    return get_scoped_or_404(
        TransparencySummary.objects.select_related("estate", "prepared_by", "published_by"),
        request.user,
        P.COSTS,
        pk=summary_pk,
    )


@staff_required
def summary_detail(request, summary_pk):
    summary = _summary(request, summary_pk)
    return render(
        request,
        "billing/staff/costs/summary_detail.html",
        {
            "summary": summary,
            "figures": summary_figures(summary),
            "draft": summary.status == SummaryStatus.DRAFT,
            "events": events(summary),
        },
    )


@require_POST
@staff_required
def summary_refresh(request, summary_pk):
    summary = _summary(request, summary_pk)
    try:
        services.summary_prepare(
            estate=summary.estate, year=summary.year, quarter=summary.quarter,
            note=summary.note, actor=request.user,
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The figures were taken again."))
    return redirect(summary)


@require_POST
@staff_required
def summary_publish(request, summary_pk):
    summary = _summary(request, summary_pk)
    try:
        services.summary_publish(summary_id=summary.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The summary is published: the owners of the estate see it."))
    return redirect(summary)


@staff_required
def summary_pdf(request, summary_pk):
    from .transparency import summary_response

    return summary_response(request, _summary(request, summary_pk))
