"""Printed output of the estates register: the building's unit register (PDF) and the QR
labels stuck on equipment and in buildings' common areas (one, or a sheet of them)."""

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.listing import apply_filters
from core.pdf import pdf_response, render_pdf

from .. import permissions as P
from ..access import get_scoped_or_404, scoped_list, staff_required
from ..choices import OccupancyRole
from ..filters import EquipmentFilter
from ..models import Building, Equipment, Occupancy


@staff_required
def building_register_pdf(request, building_pk):
    """房屋登记表: every unit of one building with its current occupants (masked)."""
    building = get_scoped_or_404(
        Building.objects.select_related("estate"), request.user, P.VIEW_PEOPLE, pk=building_pk
    )
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


def building_qr_target(request, building) -> str:
    """What a building's label opens: a report about its common parts (lobby, stairs …)."""
    return request.build_absolute_uri(
        reverse("maintenance:scan_building", kwargs={"building_pk": building.pk})
    )


def _qr(target: str) -> segno.QRCode:
    return segno.make(target, error="m", micro=False)


def _qr_inline(target: str, title: str) -> str:
    return _qr(target).svg_inline(
        scale=4, border=2, omitsize=True, title=title, svgclass="label-qr", lineclass=None
    )


@dataclass
class Label:
    estate_name: str
    code: str
    name: str
    rows: list[tuple[str, str]]
    hint: str
    target: str  # the absolute URL the code opens
    title: str  # of the code's SVG

    @property
    def qr_svg(self) -> str:
        return _qr_inline(self.target, self.title)


def equipment_label_of(request, equipment) -> Label:
    place = " ".join(
        p for p in (equipment.building.name if equipment.building else "", equipment.location) if p
    )
    return Label(
        estate_name=equipment.estate.name,
        code=equipment.code,
        name=equipment.name,
        rows=[
            (_("Category"), equipment.get_category_display()),
            (_("Location"), place or "—"),
            (_("Service phone"), equipment.estate.service_phone),
        ],
        hint=_("Something wrong here? Scan the code to report it, or call the service phone."),
        target=equipment_qr_target(request, equipment),
        title=str(equipment),
    )


def building_label_of(request, building) -> Label:
    return Label(
        estate_name=building.estate.name,
        code=building.name,
        name=_("Common areas"),
        rows=[
            (_("Building"), building.name),
            (_("Service phone"), building.estate.service_phone),
        ],
        hint=_("Something wrong in the lobby, stairs or corridors? Scan the code to report it."),
        target=building_qr_target(request, building),
        title=str(building),
    )


def _scoped_equipment(request, equipment_pk):
    equipment = get_scoped_or_404(
        Equipment.objects.select_related("estate", "building"),
        request.user,
        P.VIEW_EQUIPMENT,
        pk=equipment_pk,
    )
    return equipment


@staff_required
def equipment_qr_svg(request, equipment_pk):
    equipment = _scoped_equipment(request, equipment_pk)
    buffer = io.BytesIO()
    _qr(equipment_qr_target(request, equipment)).save(
        buffer, kind="svg", scale=4, border=2, xmldecl=True, title=str(equipment)
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_required
def equipment_label(request, equipment_pk):
    equipment = _scoped_equipment(request, equipment_pk)
    label = equipment_label_of(request, equipment)
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("QR label of %(code)s") % {"code": equipment.code},
            "labels": [label],
            "back_url": equipment.get_absolute_url(),
            "back_label": _("Back to equipment"),
            "svg_url": reverse("staff:equipment_qr", kwargs={"equipment_pk": equipment.pk}),
            "svg_name": f"{equipment.code}.svg",
            "qr_target": label.target,
        },
    )


# A sheet is printed and cut by hand: beyond this many labels, narrow the list first.
LABEL_SHEET_LIMIT = 200


@staff_required
def equipment_labels(request):
    """The labels of every item of the equipment list as filtered, on one printable sheet."""
    items = scoped_list(Equipment.objects, request, P.VIEW_EQUIPMENT).select_related(
        "estate", "building"
    )
    _filterset, items = apply_filters(request, items, EquipmentFilter)
    chosen = list(items.order_by("estate__name", "code", "id")[: LABEL_SHEET_LIMIT + 1])
    too_many = 0
    if len(chosen) > LABEL_SHEET_LIMIT:
        too_many, chosen = items.count(), []
    query = request.GET.urlencode()
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("QR labels"),
            "labels": [equipment_label_of(request, e) for e in chosen],
            "too_many": too_many,
            "limit": LABEL_SHEET_LIMIT,
            "back_url": reverse("staff:equipment_list") + (f"?{query}" if query else ""),
            "back_label": _("Back to the list"),
        },
    )


@staff_required
def building_label(request, building_pk):
    """The label for a building's common parts: a report from it names the building."""
    building = get_scoped_or_404(
        Building.objects.select_related("estate"), request.user, P.VIEW_EQUIPMENT, pk=building_pk
    )
    label = building_label_of(request, building)
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("QR label of %(building)s") % {"building": building.name},
            "labels": [label],
            "back_url": building.get_absolute_url(),
            "back_label": _("Back to the building"),
            "qr_target": label.target,
        },
    )
