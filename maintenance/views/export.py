"""The ticket board as a spreadsheet: the tickets the board's filters select, in the user's
estates where they may export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.export import xlsx_response
from core.listing import apply_filters
from core.pagination import bounded_count
from estates import permissions as EP
from estates.access import scoped_list, staff_required
from estates.permissions import has_perm_somewhere
from estates.scoping import estate_ids_for

from .. import permissions as P
from ..filters import TicketFilter
from ..models import Ticket

# A bigger export would hold a web worker for long: narrow it (a month, an estate) instead.
EXPORT_LIMIT = 20_000

HEADERS = [
    pgettext_lazy("repair ticket", "Number"),
    gettext_lazy("Estate"),
    gettext_lazy("Place"),
    gettext_lazy("Category"),
    gettext_lazy("Priority"),
    gettext_lazy("Status"),
    gettext_lazy("Channel"),
    gettext_lazy("Technician"),
    gettext_lazy("Reported at"),
    gettext_lazy("Response due"),
    gettext_lazy("On site due"),
    gettext_lazy("Completion due"),
    gettext_lazy("Overdue"),
    gettext_lazy("Completed at"),
    gettext_lazy("Charged to the owner"),
    gettext_lazy("Amount"),
    gettext_lazy("Rating"),
]


def _local(moment):
    """Excel has no time zones: the local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _row(t: Ticket):
    return (
        t.number,
        t.estate.name,
        t.place,
        t.get_category_display(),
        t.get_priority_display(),
        t.get_status_display(),
        t.get_channel_display(),
        str(t.technician) if t.technician_id else "",
        _local(t.reported_at),
        _local(t.response_due),
        _local(t.onsite_due),
        _local(t.completion_due),
        _("Yes") if t.is_overdue else "",
        _local(t.completed_at),
        _("Yes") if t.chargeable else _("No"),
        t.amount,
        t.rating,
    )


@staff_required
def ticket_export(request):
    if not has_perm_somewhere(request.user, EP.EXPORT):
        raise PermissionDenied
    tickets = scoped_list(Ticket.objects, request, P.VIEW)
    exportable = estate_ids_for(request.user, EP.EXPORT)
    if exportable is not None:
        tickets = tickets.filter(estate_id__in=exportable)
    _filterset, tickets = apply_filters(request, tickets, TicketFilter)
    tickets = tickets.select_related(
        "estate", "unit__building", "building", "equipment", "technician"
    ).order_by("-reported_at", "-id")
    _count, too_many = bounded_count(tickets, EXPORT_LIMIT)
    if too_many:
        messages.error(
            request,
            _(
                "More than %(limit)d tickets match: choose a shorter period or fewer "
                "statuses, then export again."
            )
            % {"limit": EXPORT_LIMIT},
        )
        query = request.GET.urlencode()
        return redirect(reverse("maintenance:ticket_board") + (f"?{query}" if query else ""))
    headers = [str(header) for header in HEADERS]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = (_row(t) for t in tickets.iterator(chunk_size=2000))
    return xlsx_response(f"repair-tickets-{stamp}.xlsx", _("Repair tickets"), headers, rows)
