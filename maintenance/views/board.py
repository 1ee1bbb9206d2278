"""The staff's ticket board: every ticket in the user's scope, filtered, sorted and paged,
with the open emergencies on top and the monthly reports the user may print."""

from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.listing import list_context
from estates import permissions as EP
from estates.access import scoped_list, staff_required
from estates.permissions import has_perm, has_perm_somewhere
from estates.scoping import estate_ids_for
from estates.selectors import current_estate, my_estates

from .. import permissions as P
from ..board_cache import cached
from ..choices import Status as S
from ..filters import TicketFilter
from ..models import Ticket
from ..selectors import board_tickets, open_emergencies, status_counts
from .board_rows import board_rows, emergencies_html, estates_of, table_rows_html

BOARD_SORTS = {
    "-reported_at": ["-reported_at", "-id"],
    "reported_at": ["reported_at", "id"],
}


@staff_required
def ticket_board(request):
    tickets = scoped_list(Ticket.objects, request, P.VIEW)
    ctx = list_context(
        request,
        board_tickets(tickets),
        filterset_class=TicketFilter,
        sort_options=BOARD_SORTS,
        default_sort="-reported_at",
    )
    now = timezone.now()
    estate = current_estate(request)
    estates = estates_of(ctx["rows"], my_estates(request))
    ctx["rows"] = board_rows(ctx["rows"], estates=estates, now=now)
    ctx["rows_html"] = table_rows_html(ctx["rows"], show_estate=estate is None)
    # The same for everyone who sees these estates: cached until one of their tickets changes.
    shown = {estate.pk} if estate is not None else estate_ids_for(request.user, P.VIEW)
    emergencies = cached("emergencies", shown, lambda: open_emergencies(tickets))
    emergencies = board_rows(emergencies, estates=estates_of(emergencies, estates), now=now)
    counts = cached("counts", shown, lambda: status_counts(tickets))
    chosen = request.GET.get("status", "")
    tabs = [("", _("All"), None), ("open", _("Open"), counts["open"])]
    tabs += [(value, label, counts.get(value)) for value, label in S.choices]
    tabs = [
        # (status, label, count, link): the steps with tickets, and the chosen one
        (value, label, n, _query(request, status=value or None))
        for value, label, n in tabs
        if n or n is None or value == chosen or value == "open"
    ]
    ctx.update(
        {
            "emergencies": emergencies,
            "emergencies_html": emergencies_html(emergencies, show_estate=estate is None),
            "counts": counts,
            "tabs": tabs,
            "chosen_status": chosen,
            "can_create": estate is not None and has_perm(request.user, P.CREATE, estate),
            "can_configure": estate is not None and has_perm(request.user, P.CONFIGURE, estate),
            "can_work": has_perm_somewhere(request.user, P.WORK),
            "can_export": has_perm_somewhere(request.user, EP.EXPORT),
            "report_months": _report_months()
            if estate is not None and has_perm(request.user, P.REPORT, estate)
            else [],
        }
    )
    return render(request, "maintenance/staff/ticket_board.html", ctx)


def _query(request, **changes) -> str:
    """What {% querystring ... after=None before=None last=None %} gives (a tab starts on
    the first page): request.GET with `changes`, a None value removing its key."""
    params = request.GET.copy()
    for key, value in {**changes, "after": None, "before": None, "last": None}.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}" if params or request.GET else ""


def _report_months(count: int = 6) -> list[date]:
    """The first day of this month and the months before: the monthly reports offered."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _month in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months
