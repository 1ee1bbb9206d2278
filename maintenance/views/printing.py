"""Printed output of the repair module: the work order (派工单) a technician takes along, and
the monthly repair report (月度维修报告) of an estate."""

import base64
import datetime as dt

import filetype
import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import money_sum
from core.pdf import pdf_response, render_pdf
from estates.access import get_scoped_or_404, staff_required
from estates.permissions import require
from estates.selectors import current_estate
from estates.validators import mask_phone

from .. import permissions as P
from ..choices import PhotoKind
from ..models import Ticket
from ..reports import category_chart_svg, monthly_figures

# Images a PDF may embed (WeasyPrint reads these), and how big a signature may be.
EMBEDDABLE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
MAX_EMBEDDED_BYTES = 2 * 1024 * 1024
BLANK_MATERIAL_ROWS = 4


def image_data_uri(field_file) -> str | None:
    """A stored image as a data: URI (the PDF renderer fetches nothing but file/data URLs).
    None when the file is missing, too big or not an image a PDF can show."""
    try:
        with field_file.open("rb") as f:
            content = f.read(MAX_EMBEDDED_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(content) > MAX_EMBEDDED_BYTES:
        return None
    mime = filetype.guess_mime(content)
    if mime not in EMBEDDABLE:
        return None
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def ticket_qr_svg(request, ticket) -> str:
    target = request.build_absolute_uri(ticket.get_absolute_url())
    return segno.make(target, error="m", micro=False).svg_inline(
        scale=3, border=2, omitsize=True, title=ticket.number or "", svgclass="qr", lineclass=None
    )


@staff_required
def work_order_pdf(request, ticket_pk):
    """派工单: what the technician needs on site, and room to write what was done (or, once
    the repair is completed, what was recorded)."""
    ticket = get_scoped_or_404(
        Ticket.objects.select_related(
            "estate", "unit__building", "building", "equipment", "reporter", "technician"
        ),
        request.user,
        P.VIEW,
        pk=ticket_pk,
    )
    materials = list(ticket.materials.order_by("pk"))
    signature = (
        ticket.photos.filter(kind=PhotoKind.SIGNATURE).order_by("-created_at", "-id").first()
    )
    completed = ticket.completed_at is not None
    title = _("Work order")
    context = {
        "title": title,
        "company_name": settings.ANJU_COMPANY_NAME,
        "estate": ticket.estate,
        "ticket": ticket,
        "contact_name": ticket.contact_name or (ticket.reporter.name if ticket.reporter else ""),
        "contact_phone": mask_phone(ticket.contact_phone),
        "completed": completed,
        "materials": materials,
        "materials_total": money_sum(m.amount for m in materials),
        "blank_rows": range(BLANK_MATERIAL_ROWS),
        "signature_uri": image_data_uri(signature.file) if signature else None,
        "qr_svg": ticket_qr_svg(request, ticket),
        "qr_target": request.build_absolute_uri(ticket.get_absolute_url()),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    pdf = render_pdf("pdf/work_order.html", context, request=request)
    return pdf_response(pdf, f"{title}-{ticket.number or ticket.pk}.pdf")


@staff_required
def monthly_report_pdf(request, year, month):
    """月度维修报告 of the estate chosen in the switcher."""
    if not 1 <= month <= 12 or not dt.MINYEAR < year < dt.MAXYEAR:
        raise Http404
    estate = current_estate(request)
    if estate is None:
        messages.info(request, _("Choose an estate first: the report covers one estate."))
        return redirect("maintenance:ticket_board")
    require(request.user, P.REPORT, estate)
    figures = monthly_figures(estate, year, month)
    title = _("Monthly repair report")
    context = {
        "title": title,
        "company_name": settings.ANJU_COMPANY_NAME,
        "estate": estate,
        "figures": figures,
        "period": dt.date(year, month, 1),
        "chart_svg": category_chart_svg(figures),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    pdf = render_pdf("pdf/repair_monthly_report.html", context, request=request)
    return pdf_response(pdf, f"{estate.name}-{title}-{year}-{month:02d}.pdf")
