"""Published transparency summaries (财务公示) for owners: the list of their estates'
summaries, one summary and its PDF. Drafts and other estates' summaries are a 404."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import pdf_response, render_pdf
from estates.owners import owner_required

from ..models.costs import TransparencySummary
from ..selectors_costs import summary_figures
from .common import company_name


def _mine(request):
    return TransparencySummary.objects.for_owner(request.user).published().select_related("estate")


@owner_required
def summaries(request):
    return render(request, "billing/owner/summaries.html", {"summaries": _mine(request)[:100]})


@owner_required
def summary_detail(request, summary_pk):
    summary = get_object_or_404(_mine(request), pk=summary_pk)
    return render(
        request,
        "billing/owner/summary_detail.html",
        {"summary": summary, "figures": summary_figures(summary)},
    )


@owner_required
def summary_pdf(request, summary_pk):
    return summary_response(request, get_object_or_404(_mine(request), pk=summary_pk))


def summary_response(request, summary):
    context = {
        "title": _("Financial summary"),
        "company_name": company_name(),
        "summary": summary,
        "estate": summary.estate,
        "figures": summary_figures(summary),
        "printed_at": timezone.now(),
    }
    pdf = render_pdf("pdf/billing_summary.html", context, request=request)
    name = f"summary-{summary.estate.code}-{summary.year}-{summary.quarter or 'y'}.pdf"
    return pdf_response(pdf, name)
