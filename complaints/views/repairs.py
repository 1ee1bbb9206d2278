"""Repairs that went badly (rated low, urged repeatedly) become complaints in one step.
Maintenance's ticket page offers no extension point, so the list lives here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.pagination import keyset_page
from estates.access import staff_required
from estates.permissions import has_perm_somewhere
from estates.scoping import estate_ids_for
from estates.selectors import current_estate
from maintenance import permissions as MP
from maintenance.models import Ticket

from .. import permissions as P
from .. import services
from ..selectors import tickets_to_review


def _reviewable(request):
    if not (has_perm_somewhere(request.user, P.HANDLE)
            and has_perm_somewhere(request.user, MP.VIEW)):  # fmt: skip
        raise PermissionDenied
    tickets = Ticket.objects.for_user(request.user, MP.VIEW)
    ids = estate_ids_for(request.user, P.HANDLE)
    if ids is not None:
        tickets = tickets.filter(estate_id__in=ids)
    estate = current_estate(request)
    return tickets.in_estate(estate) if estate is not None else tickets


@staff_required
def repairs_to_review(request):
    page = keyset_page(
        tickets_to_review(_reviewable(request)),
        ordering=["-reported_at", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=request.GET.get("last") == "1",
        page_size=50,
    )
    return render(request, "complaints/staff/repairs.html", {"page": page, "rows": page.rows})


@staff_required
@require_POST
def complaint_from_ticket(request, ticket_pk):
    try:
        complaint = services.complaint_from_ticket(ticket_id=ticket_pk, actor=request.user)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("complaints:repairs_to_review")
    messages.success(request, _("Complaint %(number)s opened from the repair.")
                     % {"number": complaint.number})  # fmt: skip
    return redirect(complaint.get_absolute_url())
