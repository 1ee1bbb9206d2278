"""The complaint board as a spreadsheet (the board's filters; the estates where the user
may export). An anonymous complainant's name only for the manager."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.export import xlsx_response
from core.listing import apply_filters
from core.pagination import bounded_count
from estates import permissions as EP
from estates.access import scoped_list, staff_required
from estates.permissions import has_perm_somewhere
from estates.scoping import estate_ids_for

from .. import permissions as P
from ..filters import ComplaintFilter
from ..models import Complaint
from ..selectors import board_complaints

EXPORT_LIMIT = 20_000

HEADERS = [
    gettext_lazy("Number"),
    gettext_lazy("Estate"),
    gettext_lazy("Kind"),
    gettext_lazy("Category"),
    gettext_lazy("Severity"),
    gettext_lazy("Channel"),
    gettext_lazy("Status"),
    gettext_lazy("Place"),
    gettext_lazy("Complainant"),
    gettext_lazy("Responsible person"),
    gettext_lazy("Filed at"),
    gettext_lazy("Acknowledge by"),
    gettext_lazy("Resolve by"),
    gettext_lazy("Overdue"),
    gettext_lazy("Cause"),
    gettext_lazy("Rating"),
    gettext_lazy("Typical case"),
]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _row(c, now, anonymous_ok):
    hidden = c.anonymous and anonymous_ok is not None and c.estate_id not in anonymous_ok
    if hidden:  # neither the name nor the unit (which would name them)
        name, place = _("Anonymous"), c.building.name if c.building_id else ""
    else:
        name = c.complainant.name if c.complainant_id else c.contact_name
        place = c.place
    return (
        c.number,
        c.estate.name,
        c.get_kind_display(),
        c.get_category_display(),
        c.get_severity_display(),
        c.get_channel_display(),
        c.get_status_display(),
        place,
        name,
        str(c.responsible) if c.responsible_id else "",
        _local(c.filed_at),
        _local(c.acknowledge_due),
        _local(c.resolve_due),
        _("Yes") if c.is_overdue(now) else "",
        c.get_cause_display(),
        c.rating,
        _("Yes") if c.typical else "",
    )


@staff_required
def complaint_export(request):
    if not has_perm_somewhere(request.user, EP.EXPORT):
        raise PermissionDenied
    complaints = scoped_list(Complaint.objects, request, P.VIEW)
    exportable = estate_ids_for(request.user, EP.EXPORT)
    if exportable is not None:
        complaints = complaints.filter(estate_id__in=exportable)
    _f, complaints = apply_filters(request, complaints, ComplaintFilter)
    complaints = board_complaints(complaints).order_by("-filed_at", "-id")
    _count, too_many = bounded_count(complaints, EXPORT_LIMIT)
    if too_many:
        messages.error(request, _("More than %(limit)d complaints match: narrow the filters.")
                       % {"limit": EXPORT_LIMIT})  # fmt: skip
        return redirect(reverse("complaints:complaint_board"))
    anonymous_ok = estate_ids_for(request.user, P.SEE_ANONYMOUS)
    now = timezone.now()
    rows = (_row(c, now, anonymous_ok) for c in complaints.iterator(chunk_size=2000))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    headers = [str(h) for h in HEADERS]
    return xlsx_response(f"complaints-{stamp}.xlsx", _("Complaints"), headers, rows)
