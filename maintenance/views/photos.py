"""Ticket photos are private: served through a view that checks the ticket is the user's
(never as public /media/ URLs)."""

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from estates.access import get_scoped_or_404, staff_required
from estates.owners import owner_required

from .. import permissions as P
from ..models import Ticket


def _send(ticket, photo_pk):
    photo = get_object_or_404(ticket.photos, pk=photo_pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def staff_photo(request, ticket_pk, photo_pk):
    ticket = get_scoped_or_404(Ticket.objects, request.user, P.VIEW, pk=ticket_pk)
    return _send(ticket, photo_pk)


@owner_required
def owner_photo(request, ticket_pk, photo_pk):
    ticket = get_object_or_404(Ticket.objects.for_owner(request.user), pk=ticket_pk)
    return _send(ticket, photo_pk)
