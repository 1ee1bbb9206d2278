"""Ticket photos go through core.attachments (checked, re-encoded, random storage names)."""

from core.attachments import store_upload

from .models import TicketPhoto


def store_photos(*, ticket, kind, uploads, uploaded_by):
    """Save each upload (a file, or one a form field already prepared) as a photo of
    `ticket`. Called inside the transition's transaction."""
    return [
        store_upload(TicketPhoto, upload, ticket=ticket, kind=kind, uploaded_by=uploaded_by)
        for upload in uploads
    ]
