"""Files stored by a transaction that then failed are left in storage with no row: the
daily purge deletes them once a day old, and never a file a row refers to."""

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from core.attachment_purge import purge_orphans
from core.tasks import attachments_purge_orphans
from maintenance.attachments import store_photos
from maintenance.choices import Category, Channel, PhotoKind
from maintenance.models import TicketPhoto
from maintenance.services import ReportData, ticket_report_by_staff

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def png(name="p.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def age(name: str, seconds: int) -> None:
    path = default_storage.path(name)
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_failed_transactions_files_are_purged_after_a_day_and_kept_photos_stay(world):
    ticket = ticket_report_by_staff(
        actor=world.manager,
        estate=world.estate,
        data=ReportData(category=Category.PLUMBING, description="漏水", unit=world.unit),
        channel=Channel.PHONE,
        photos=[png("kept.png")],
    )
    kept = ticket.photos.get().file.name

    class Failed(Exception):
        pass

    stored = []
    with pytest.raises(Failed), transaction.atomic():
        stored = store_photos(
            ticket=ticket, kind=PhotoKind.AFTER, uploads=[png(), png()], uploaded_by=None
        )
        raise Failed  # e.g. a check after the photos were saved
    orphans = [photo.file.name for photo in stored]
    assert TicketPhoto.objects.filter(file__in=orphans).count() == 0
    assert all(default_storage.exists(name) for name in orphans)

    age(orphans[0], 2 * DAY)
    age(kept, 30 * DAY)  # old, but a row refers to it
    # orphans[1] is fresh: it may belong to a transaction still running

    assert attachments_purge_orphans() == 1
    assert not default_storage.exists(orphans[0])
    assert default_storage.exists(orphans[1])
    assert default_storage.exists(kept)
    assert purge_orphans() == 0  # nothing more to do
