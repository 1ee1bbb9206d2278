"""Thin tasks: take ids, load, call a service. Idempotent: import_apply claims its batch
with a conditional UPDATE and marks it APPLIED in the import's own transaction, so a
redelivered, doubled or retried task applies a file once."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from core.errors import DomainError

from .choices import ImportStatus
from .models import ImportBatch

log = logging.getLogger(__name__)

IMPORT_FILES_KEPT_DAYS = 90


# acks_late + reject_on_worker_lost: a worker killed mid-apply gives the message back and
# another worker runs it again; the rolled-back attempt left nothing behind.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=100)
def import_apply_task(self, batch_id: int, actor_id: int) -> str | None:
    from .imports.services import ImportBusy, import_apply

    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if actor is None:
        log.warning("import %s: user %s is gone or inactive; not applied", batch_id, actor_id)
        return None
    # Errors are stored on the batch: write them in the uploader's language.
    with translation.override(actor.language or settings.LANGUAGE_CODE):
        try:
            batch = import_apply(batch_id=batch_id, actor=actor)
        except ImportBusy as busy:
            # A duplicate delivery while another worker applies it: look again once that
            # worker's lease would have run out (it finished, or it died and we take over).
            if self.request.called_directly or self.request.is_eager:
                return None
            raise self.retry(countdown=busy.retry_in) from busy
        except (DomainError, PermissionDenied) as exc:
            log.info("import %s not applied: %s", batch_id, exc or type(exc).__name__)
            return None
    return batch.status


@shared_task
def import_batches_recover() -> int:
    """Every minute (beat): imports whose worker died mid-apply are queued again."""
    from .imports.services import import_batches_recover as recover

    return recover()


@shared_task
def import_batches_purge() -> int:
    """Delete the uploaded files of batches older than 90 days (the batch row, its counts
    and errors stay as a record; the preview, which holds personal data, is cleared)."""
    cutoff = timezone.now() - timedelta(days=IMPORT_FILES_KEPT_DAYS)
    old = (
        ImportBatch.objects.filter(created_at__lt=cutoff)
        .exclude(file="")
        .exclude(status=ImportStatus.APPLYING)
    )
    purged = 0
    for batch in old.only("id", "file").iterator():
        try:
            batch.file.delete(save=False)
        except OSError:
            log.warning("import %s: could not delete %s", batch.pk, batch.file.name, exc_info=True)
            continue
        ImportBatch.objects.filter(pk=batch.pk).update(file="", preview=[])
        purged += 1
    return purged
