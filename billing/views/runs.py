"""Bill runs: the list (billing's home), starting one, its page with the progress (htmx
poll while Celery works) and the preview, and issuing it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.feedback import run_service
from core.pagination import keyset_page
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services, transitions
from ..choices import RunStatus
from ..forms import RunStartForm
from ..models import BillRun
from ..selectors import run_preview
from .common import choose_estate, events

POLLING = (RunStatus.DRAFT, RunStatus.ISSUING)


@staff_required
def home(request):
    runs = scoped_list(BillRun.objects.select_related("estate"), request, P.VIEW)
    page = keyset_page(
        runs,
        ordering=["-period", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page_size=24,
    )
    estate = current_estate(request)
    return render(
        request,
        "billing/staff/home.html",
        {
            "page": page,
            "estate": estate,
            "may_run": estate is not None and has_perm(request.user, P.RUN, estate),
            "may_collect": estate is not None and has_perm(request.user, P.COLLECT, estate),
            "may_export": estate is not None and has_perm(request.user, "estates.export", estate),
            "may_costs": estate is not None and has_perm(request.user, P.COSTS, estate),
            "may_read_meters": estate is not None and has_perm(request.user, P.READ_METERS, estate),
        },
    )


@staff_required
def run_start(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Start a bill run"))
    require(request.user, P.RUN, estate)
    form = RunStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        run = run_service(
            request,
            form,
            lambda: services.bill_run_start(estate=estate, period=period, actor=request.user),
            _("Bill run for %(period)s started.") % {"period": period},
        )
        if run is not None:
            return redirect(run)
    return render(request, "billing/staff/run_start.html", {"form": form, "estate": estate})


def _run(request, run_pk, perm=P.VIEW):
    return get_scoped_or_404(
        BillRun.objects.select_related("estate"), request.user, perm, pk=run_pk
    )


def _progress_context(run):
    return {
        "run": run,
        "polling": run.status in POLLING,
        "poll_url": reverse("billing:run_progress", kwargs={"run_pk": run.pk}),
    }


@staff_required
def run_detail(request, run_pk):
    run = _run(request, run_pk)
    context = _progress_context(run)
    context.update(
        {
            "preview": run_preview(run) if run.status != RunStatus.DRAFT else None,
            "actions": transitions.available(transitions.RUN, request.user, run),
            "events": events(run),
        }
    )
    return render(request, "billing/staff/run_detail.html", context)


@staff_required
def run_progress(request, run_pk):
    """The progress box alone (htmx polls it; when the run is done it asks for a reload)."""
    run = _run(request, run_pk)
    response = render(request, "billing/partials/run_progress.html", _progress_context(run))
    if run.status not in POLLING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _act(request, run_pk, call, done):
    run = _run(request, run_pk, P.RUN)
    try:
        call(run)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(run)


@require_POST
@staff_required
def run_issue(request, run_pk):
    return _act(
        request,
        run_pk,
        lambda run: services.bill_run_issue(run_id=run.pk, actor=request.user),
        _("Issuing the bills; owners are told when they are out."),
    )


@require_POST
@staff_required
def run_recompute(request, run_pk):
    return _act(
        request,
        run_pk,
        lambda run: services.bill_run_recompute(run_id=run.pk, actor=request.user),
        _("Computing the bills again."),
    )


@staff_required
def arrears(request):
    """The arrears aging report (欠费账龄) of the chosen estate, by building or by unit."""
    from ..selectors import arrears_aging

    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Arrears"))
    require(request.user, P.VIEW, estate)
    by = "unit" if request.GET.get("by") == "unit" else "building"
    report = arrears_aging(estate, by=by)
    return render(request, "billing/staff/arrears.html", {"estate": estate, "report": report})


@staff_required
def run_export(request, run_pk):
    """The run's bill lines as XLSX, for the accounting system."""
    from core.export import xlsx_response
    from estates import permissions as EP

    from ..models import BillLine

    run = _run(request, run_pk, EP.EXPORT)
    lines = (
        BillLine.objects.filter(bill__run=run)
        .select_related("bill", "unit__building", "fee_item")
        .order_by("unit__building__name", "unit__entrance", "unit__number", "fee_item__name")
    )
    headers = [_("Building"), _("Unit"), _("Fee item"), _("Quantity"), _("Unit price"),
               _("Amount"), _("How it is computed"), _("Status")]  # fmt: skip
    rows = (
        (line.unit.building.name, line.unit.label, line.fee_item.name, line.quantity,
         line.unit_price, line.amount,
         str(line.explanation), line.bill.get_status_display())
        for line in lines.iterator(chunk_size=2000)
    )  # fmt: skip
    return xlsx_response(f"bills-{run.estate.code}-{run.period}.xlsx", run.period, headers, rows)
