"""Printed output of the estates register: the building's unit register (PDF) and the QR
labels stuck on equipment."""

import io

import segno
from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import pdf_response, render_pdf

from .. import permissions as P
from ..choices import OccupancyRole
from ..models import Building, Equipment, Occupancy
from ..permissions import require
from .base import get_scoped_or_404, staff_required


@staff_required
def building_register_pdf(request, building_pk):
    """房屋登记表: every unit of one building with its current occupants (masked)."""
    building = get_scoped_or_404(
        Building.objects.select_related("estate"), request.user, pk=building_pk
    )
    require(request.user, P.VIEW_PEOPLE, building.estate)
    owners_first = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(OccupancyRole.values)),
        output_field=IntegerField(),
    )
    current = (
        Occupancy.objects.current()
        .select_related("person")
        .order_by(owners_first, "person__name", "pk")
    )
    units = list(
        building.units.order_by("entrance", "floor", "number", "pk").prefetch_related(
            Prefetch("occupancies", queryset=current, to_attr="current_occupancies")
        )
    )
    title = _("Unit register")
    context = {
        "title": title,
        "company_name": settings.ANJU_COMPANY_NAME,
        "estate": building.estate,
        "building": building,
        "units": units,
        "occupant_count": sum(len(u.current_occupancies) for u in units),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    pdf = render_pdf("pdf/building_register.html", context, request=request)
    filename = f"{building.estate.name}-{building.name}-{title}.pdf"
    return pdf_response(pdf, filename)


def equipment_qr_target(request, equipment) -> str:
    """The absolute URL a piece of equipment's QR code opens: "report a problem here". The
    scan page sends staff to the staff report form and owners to the portal's, with the
    equipment filled in (by URL name only: estates imports nothing of maintenance)."""
    return request.build_absolute_uri(
        reverse("maintenance:scan_equipment", kwargs={"equipment_pk": equipment.pk})
    )


def _equipment_qr(request, equipment) -> segno.QRCode:
    return segno.make(equipment_qr_target(request, equipment), error="m", micro=False)


def _scoped_equipment(request, equipment_pk):
    equipment = get_scoped_or_404(
        Equipment.objects.select_related("estate", "building"), request.user, pk=equipment_pk
    )
    require(request.user, P.VIEW_EQUIPMENT, equipment.estate)
    return equipment


@staff_required
def equipment_qr_svg(request, equipment_pk):
    equipment = _scoped_equipment(request, equipment_pk)
    buffer = io.BytesIO()
    _equipment_qr(request, equipment).save(
        buffer, kind="svg", scale=4, border=2, xmldecl=True, title=str(equipment)
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_required
def equipment_label(request, equipment_pk):
    equipment = _scoped_equipment(request, equipment_pk)
    qr_svg = _equipment_qr(request, equipment).svg_inline(
        scale=4,
        border=2,
        omitsize=True,
        title=str(equipment),
        svgclass="label-qr",
        lineclass=None,
    )
    return render(
        request,
        "estates/equipment_label.html",
        {
            "equipment": equipment,
            "qr_svg": qr_svg,
            "qr_target": equipment_qr_target(request, equipment),
        },
    )
