"""The case summary (by category, cause, estate and month) as a page and a PDF, and the
prevention actions learnt from the cases; the estate's complaint deadlines."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import run_service
from core.pdf import pdf_response, render_pdf
from estates.access import scoped_list, staff_required
from estates.permissions import has_perm, require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from ..choices import Category, Cause
from ..deadlines import deadline_table, working_hours_of
from ..forms import DeadlinesForm, PreventionForm, WorkingHoursForm
from ..models import Complaint, NonWorkingDay, PreventionAction
from ..selectors import summary


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this + 1 else this


def _summary_context(request):
    year = _year(request)
    start = timezone.make_aware(datetime.combine(datetime(year, 1, 1).date(), time.min))
    end = timezone.make_aware(datetime.combine(datetime(year + 1, 1, 1).date(), time.min))
    complaints = scoped_list(Complaint.objects, request, P.REPORT).filter(
        filed_at__gte=start, filed_at__lt=end
    )
    data = summary(complaints)
    categories, causes = dict(Category.choices), dict(Cause.choices)
    for row in data["category"]:
        row["label"] = categories.get(row["category"], row["category"])
    for row in data["cause"]:
        row["label"] = causes.get(row["cause"], _("Not recorded yet"))
    actions = scoped_list(PreventionAction.objects, request, P.REPORT).select_related(
        "owner", "estate", "complaint"
    )
    estate = current_estate(request)
    return {
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 4, -1)),
        "data": data,
        "actions": list(actions[:200]),
        "estate": estate,
        "today": timezone.localdate(),
    }


@staff_required
def case_summary(request):
    ctx = _summary_context(request)
    estate = ctx["estate"]
    if estate is not None and has_perm(request.user, P.REPORT, estate):
        ctx["form"] = PreventionForm(estate=estate)
    return render(request, "complaints/staff/summary.html", ctx)


@staff_required
def case_summary_pdf(request):
    ctx = _summary_context(request)
    ctx["generated_at"] = timezone.now()
    pdf = render_pdf("pdf/complaint_summary.html", ctx, request=request)
    return pdf_response(pdf, f"complaint-summary-{ctx['year']}.pdf")


@staff_required
@require_POST
def prevention_add(request):
    estate = current_estate(request)
    if estate is None:
        messages.error(request, _("Choose an estate first."))
        return redirect("complaints:case_summary")
    require(request.user, P.REPORT, estate)
    form = PreventionForm(request.POST, estate=estate)
    if form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            form,
            lambda: services.prevention_action_add(
                actor=request.user,
                estate=estate,
                category=d["category"],
                description=d["description"],
                owner=d["owner"],
                due_date=d["due_date"],
            ),
            _("Prevention action added."),
        )
        if done is not None:
            return redirect("complaints:case_summary")
    ctx = _summary_context(request)
    ctx["form"] = form
    return render(request, "complaints/staff/summary.html", ctx)


@staff_required
@require_POST
def prevention_done(request, prevention_pk):
    qs = PreventionAction.objects.for_user(request.user)
    action = qs.filter(pk=prevention_pk).select_related("estate").first()
    if action is None:
        raise Http404
    if not has_perm(request.user, P.REPORT, action.estate):
        raise PermissionDenied
    services.prevention_action_done(action_id=action.pk, actor=request.user)
    messages.success(request, _("Prevention action done."))
    return redirect("complaints:case_summary")


@staff_required
def deadline_settings(request):
    """Two forms on one page: the deadline table, and the working hours (with holidays)
    that the categories counted in working hours follow."""
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("Complaint deadlines")})
    require(request.user, P.CONFIGURE, estate)
    post = request.POST if request.method == "POST" else None
    is_hours = post is not None and post.get("which") == "hours"
    form = DeadlinesForm(None if is_hours else post, table=deadline_table(estate))
    hours_form = WorkingHoursForm(
        post if is_hours else None,
        hours=working_hours_of(estate),
        holidays=NonWorkingDay.objects.filter(estate=estate).values_list("day", flat=True),
    )
    if post is not None and not is_hours and form.is_valid():
        services.deadline_rules_save(actor=request.user, estate=estate, rules=form.rules())
        messages.success(request, _("Complaint deadlines saved."))
        return redirect("complaints:deadline_settings")
    if is_hours and hours_form.is_valid():
        d = hours_form.cleaned_data
        done = run_service(
            request,
            hours_form,
            lambda: services.working_hours_save(
                actor=request.user,
                estate=estate,
                time_zone=d["time_zone"],
                start=d["start"],
                end=d["end"],
                weekdays=d["weekdays"],
                holidays=d["holidays"],
            ),
            _("Working hours saved."),
        )
        if done is not None:
            return redirect("complaints:deadline_settings")
    return render(
        request,
        "complaints/staff/deadlines.html",
        {"form": form, "hours_form": hours_form, "estate": estate},
    )
