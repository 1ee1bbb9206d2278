"""Ticket photos are private: served through a view that checks the ticket is the user's
(never as public /media/ URLs), by core.attachments."""

from django.shortcuts import get_object_or_404

from core.attachments import attachment_response
from estates.access import get_scoped_or_404, staff_required
from estates.owners import owner_required

from .. import permissions as P
from ..models import Ticket


def _send(ticket, photo_pk):
    return attachment_response(get_object_or_404(ticket.photos, pk=photo_pk))


@staff_required
def staff_photo(request, ticket_pk, photo_pk):
    ticket = get_scoped_or_404(Ticket.objects, request.user, P.VIEW, pk=ticket_pk)
    return _send(ticket, photo_pk)


@owner_required
def owner_photo(request, ticket_pk, photo_pk):
    ticket = get_object_or_404(Ticket.objects.for_owner(request.user), pk=ticket_pk)
    return _send(ticket, photo_pk)
