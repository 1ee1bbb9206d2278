"""Repairs that went badly (rated low, urged repeatedly) become complaints in one step.
Maintenance's ticket page offers no extension point, so the list lives here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from ..choices import Category, Kind
from ..selectors import follow_up_comments, tickets_to_review


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
    comments = list(follow_up_comments(_reviewable(request))[:100])
    return render(
        request,
        "complaints/staff/repairs.html",
        {
            "page": page,
            "rows": page.rows,
            "comments": comments,
            "kinds": Kind.choices,
            "categories": Category.choices,
        },
    )


@staff_required
@require_POST
def complaint_from_ticket(request, ticket_pk):
    """From the list of repairs to review, or from the ticket's own page (from=ticket: an
    error goes back there)."""
    try:
        complaint = services.complaint_from_ticket(ticket_id=ticket_pk, actor=request.user)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc))
        if request.POST.get("from") == "ticket":
            return redirect("maintenance:ticket_detail", ticket_pk=ticket_pk)
        return redirect("complaints:repairs_to_review")
    messages.success(request, _("Complaint %(number)s opened from the repair.")
                     % {"number": complaint.number})  # fmt: skip
    return redirect(complaint.get_absolute_url())


@staff_required
@require_POST
def classify_follow_up(request, follow_up_pk):
    from maintenance.models import FollowUp

    try:
        complaint = services.complaint_from_follow_up(
            follow_up_id=follow_up_pk,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            category=request.POST.get("category", ""),
        )
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc
    except (DomainError, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("complaints:repairs_to_review")
    messages.success(
        request,
        _("The comment is now %(kind)s %(number)s.")
        % {"kind": complaint.get_kind_display(), "number": complaint.number},
    )
    return redirect("complaints:repairs_to_review")
