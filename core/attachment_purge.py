"""Stored attachment files that no row refers to, deleted once they are a day old.

A service stores its photos inside its transaction; when something later in that
transaction fails, the rows roll back but the files stay in storage, where no view can
reach them. A daily task (core.tasks.attachments_purge_orphans) removes them. The day's
grace leaves alone the files of transactions still running."""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from .attachments import AttachmentBase

ROOT = "attachments"


def attachment_models() -> list:
    """Every concrete table of attachments (each module's own, inheriting AttachmentBase)."""
    return [model for model in apps.get_models() if issubclass(model, AttachmentBase)]


def purge_orphans(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete files under attachments/ that no attachment row names and that were last
    modified before `older_than` ago. Returns how many. Works folder by folder (one month
    each), so memory stays bounded by one month's attachments."""
    storage = AttachmentBase._meta.get_field("file").storage
    cutoff = timezone.now() - older_than
    models = attachment_models()
    removed = 0
    for folder, files in _folders(storage, ROOT):
        referenced = set()
        for model in models:
            referenced.update(
                model.objects.filter(file__startswith=f"{folder}/").values_list("file", flat=True)
            )
        for name in files:
            path = f"{folder}/{name}"
            if path in referenced:
                continue
            try:
                modified = storage.get_modified_time(path)
            except (NotImplementedError, OSError):
                continue  # a storage that cannot tell: keep the file
            if modified < cutoff:
                storage.delete(path)
                removed += 1
    return removed


def _folders(storage, folder):
    """(folder, its file names) for `folder` and every folder below it."""
    try:
        subfolders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    if files:
        yield folder, files
    for sub in subfolders:
        yield from _folders(storage, f"{folder}/{sub}")
