"""Photos stored before core.attachments kept the uploader's file name (tickets/YYYY/MM/
<name>) and were never re-encoded: run each through the same checks as a new upload, store
it under a random name with the detected type's extension, fill type, size and original
name, and delete the old file once the migration has committed. A file whose content cannot
be made an image is kept as an opaque download (served as an attachment, never inline)."""

import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import migrations, transaction


def forwards(apps, schema_editor):
    from core.attachments import EXTENSIONS, OPAQUE_TYPE, prepare_upload

    TicketPhoto = apps.get_model("maintenance", "TicketPhoto")
    for photo in TicketPhoto.objects.exclude(file="").filter(content_type="").iterator():
        storage, old_name = photo.file.storage, photo.file.name
        original = PurePath(old_name).name[:255]
        try:
            with storage.open(old_name, "rb") as handle:
                raw = handle.read()
        except OSError:
            photo.original_name, photo.content_type = original, OPAQUE_TYPE
            photo.save(update_fields=["original_name", "content_type"])
            continue
        try:
            prepared = prepare_upload(ContentFile(raw, name=original))
            content, content_type = prepared.content, prepared.content_type
        except ValidationError:
            content, content_type = raw, OPAQUE_TYPE
        month = photo.created_at.strftime("%Y/%m")
        extension = EXTENSIONS.get(content_type, "bin")
        new_name = storage.save(
            f"attachments/{month}/{secrets.token_urlsafe(18)}.{extension}", ContentFile(content)
        )
        photo.file.name = new_name
        photo.original_name, photo.content_type, photo.size = original, content_type, len(content)
        photo.save(update_fields=["file", "original_name", "content_type", "size"])
        transaction.on_commit(lambda s=storage, n=old_name: s.delete(n))


class Migration(migrations.Migration):
    dependencies = [("maintenance", "0005_ticketphoto_attachment")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
