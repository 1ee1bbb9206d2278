"""Printed output of inspections: the monthly inspection report (PDF) and QR labels of
checkpoints, one or a printable sheet of the filtered list (the same label
layout as the equipment register's). The code opens the checkpoint's scan page; the round
page's scanner reads the checkpoint code from it."""

import datetime as dt
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.listing import apply_filters
from core.pdf import pdf_response, render_pdf
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import require
from estates.selectors import current_estate

from .. import permissions as P
from ..filters import CheckpointFilter
from ..models import Checkpoint
from ..reports import daily_figures, monthly_figures

LABEL_SHEET_LIMIT = 200


@dataclass
class Label:
    estate_name: str
    code: str
    name: str
    rows: list
    hint: str
    target: str
    title: str

    @property
    def qr_svg(self) -> str:
        return segno.make(self.target, error="m", micro=False).svg_inline(
            scale=4, border=2, omitsize=True, title=self.title, svgclass="label-qr", lineclass=None
        )


def scan_target(request, checkpoint) -> str:
    return request.build_absolute_uri(
        reverse("inspections:checkpoint_scan", kwargs={"code": checkpoint.code})
    )


def label_of(request, checkpoint) -> Label:
    return Label(
        estate_name=checkpoint.estate.name,
        code=checkpoint.code,
        name=checkpoint.name,
        rows=[
            (_("Checkpoint"), checkpoint.name),
            (_("Place"), checkpoint.where or "—"),
        ],
        hint=_("Inspection checkpoint: scan this code on your round."),
        target=scan_target(request, checkpoint),
        title=str(checkpoint),
    )


@staff_required
def checkpoint_label(request, checkpoint_pk):
    checkpoint = get_scoped_or_404(
        Checkpoint.objects.select_related("estate", "equipment"),
        request.user,
        P.VIEW,
        pk=checkpoint_pk,
    )
    label = label_of(request, checkpoint)
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("QR label of %(name)s") % {"name": checkpoint.name},
            "labels": [label],
            "back_url": checkpoint.get_absolute_url(),
            "back_label": _("Back to the checkpoint"),
            "qr_target": label.target,
        },
    )


@staff_required
def checkpoint_labels(request):
    items = scoped_list(Checkpoint.objects, request, P.VIEW).select_related("estate", "equipment")
    _filterset, items = apply_filters(request, items, CheckpointFilter)
    chosen = list(items.order_by("estate__name", "name", "id")[: LABEL_SHEET_LIMIT + 1])
    too_many = 0
    if len(chosen) > LABEL_SHEET_LIMIT:
        too_many, chosen = items.count(), []
    query = request.GET.urlencode()
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("Checkpoint QR labels"),
            "labels": [label_of(request, c) for c in chosen],
            "too_many": too_many,
            "limit": LABEL_SHEET_LIMIT,
            "back_url": reverse("inspections:checkpoint_list") + (f"?{query}" if query else ""),
            "back_label": _("Back to the list"),
        },
    )


@staff_required
def monthly_report_pdf(request, year, month):
    """月度巡检报告 of the estate chosen in the switcher."""
    if not 1 <= month <= 12 or not dt.MINYEAR < year < dt.MAXYEAR:
        raise Http404
    estate = current_estate(request)
    if estate is None:
        messages.info(request, _("Choose an estate first: the report covers one estate."))
        return redirect("inspections:round_list")
    require(request.user, P.VIEW, estate)
    title = _("Monthly inspection report")
    context = {
        "title": title,
        "company_name": settings.ANJU_COMPANY_NAME,
        "estate": estate,
        "figures": monthly_figures(estate, year, month),
        "period": dt.date(year, month, 1),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    pdf = render_pdf("pdf/inspection_monthly_report.html", context, request=request)
    return pdf_response(pdf, f"{estate.name}-{title}-{year}-{month:02d}.pdf")


@staff_required
def daily_report_pdf(request, year, month, day):
    """日巡检报告 of the estate chosen in the switcher: the day's rounds (done, late,
    missed), the findings opened on them and their repair tickets."""
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise Http404 from None
    estate = current_estate(request)
    if estate is None:
        messages.info(request, _("Choose an estate first: the report covers one estate."))
        return redirect("inspections:round_list")
    require(request.user, P.VIEW, estate)
    title = _("Daily inspection report")
    context = {
        "title": title,
        "company_name": settings.ANJU_COMPANY_NAME,
        "estate": estate,
        "figures": daily_figures(estate, date),
        "period": date,
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    pdf = render_pdf("pdf/inspection_daily_report.html", context, request=request)
    return pdf_response(pdf, f"{estate.name}-{title}-{date:%Y-%m-%d}.pdf")
