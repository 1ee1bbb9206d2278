"""Import services: upload and check a file, then apply it all-or-nothing.

import_upload  saves the file and checks every row: READY, or INVALID with every error.
import_enqueue asks a worker to apply a big file (through the outbox, after the commit).
import_apply   claims the batch (READY -> APPLYING with a token and a lease, one conditional
               UPDATE: two clicks or two workers never apply at once), checks again (the
               database may have changed), creates everything in ONE transaction with an
               audit event per object and marks the batch APPLIED in that same transaction.
               Any error: rollback, FAILED with the errors.
import_batches_recover  (beat) a claim whose lease ran out belongs to a worker that died
               mid-apply; its transaction was rolled back with its connection, so the batch
               goes back to READY and is queued again. The retry applies it exactly once:
               the rows and the APPLIED mark commit together, or neither does.
"""

import io
import logging
import os
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import texts
from core.audit import record_events_bulk
from core.errors import DomainError, TransitionError
from core.notifications import notify
from core.outbox import enqueue_on_commit

from .. import permissions as P
from ..choices import ImportKind, ImportStatus
from ..models import Building, Estate, ImportBatch, Occupancy, Person, Unit
from . import parsing, rows

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
MODELS = {
    ImportKind.BUILDINGS: Building,
    ImportKind.UNITS: Unit,
    ImportKind.PEOPLE: Person,
    ImportKind.OCCUPANCIES: Occupancy,
}


def _file_error(problem: ValidationError | texts.Message) -> list[dict]:
    """A problem with the whole file, stored as message keys (read in the reader's language)."""
    if isinstance(problem, ValidationError):
        problem = texts.from_validation_error(problem)
    return [{"line": None, "column": "", "message": problem.data}]


# --- Upload ------------------------------------------------------------------------------------


def import_upload(*, estate: Estate, kind: str, upload, actor) -> ImportBatch:
    """Save the upload as a batch of `estate` and check the whole file.

    A file that is not CSV/XLSX or too large raises ValidationError (nothing is saved).
    Otherwise the batch is READY, or INVALID with every error listed."""
    P.require(actor, P.IMPORT, estate)
    if kind not in ImportKind.values:
        raise DomainError(_("Choose what the file contains."))
    file_type = parsing.check_file(upload)
    name = os.path.basename(getattr(upload, "name", "") or "") or f"import.{file_type}"
    batch = ImportBatch(
        estate=estate,
        kind=kind,
        original_name=name[:200],
        status=ImportStatus.VALIDATING,
        created_by=actor if actor.is_authenticated else None,
    )
    upload.seek(0)
    batch.file.save(f"{uuid.uuid4().hex}.{file_type}", upload, save=False)
    batch.save()
    try:
        table = parsing.read_table(_stored(batch), kind)
    except ValidationError as exc:
        _finish_check(batch, errors=_file_error(exc), row_count=0, preview=[])
        return batch
    result = rows.validate(table, estate=estate)
    _finish_check(batch, errors=result.errors, row_count=result.row_count, preview=result.preview)
    return batch


_GONE = gettext_lazy("The uploaded file is no longer kept; upload it again.")


def _stored(batch: ImportBatch):
    """The stored file's bytes as an in-memory file (read once; openpyxl wants to seek)."""
    if not batch.file:
        raise ValidationError(_GONE)
    try:
        with batch.file.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ValidationError(_GONE) from exc
    buffer = io.BytesIO(data)
    buffer.size = len(data)
    buffer.name = batch.file.name
    return buffer


def _finish_check(batch: ImportBatch, *, errors, row_count, preview):
    batch.errors = errors
    batch.error_count = len(errors)
    batch.row_count = row_count
    batch.preview = preview
    batch.status = ImportStatus.INVALID if errors else ImportStatus.READY
    batch.save(
        update_fields=[
            "errors",
            "error_count",
            "row_count",
            "preview",
            "status",
            "updated_at",
        ]
    )


# --- Progress ----------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.ANJU_IMPORT_LEASE_SECONDS)


class Progress:
    """Writes batch.progress so that the page can poll it while the import runs, and renews
    the claim's lease (a heartbeat: a lease that runs out means the worker died).

    Outside a transaction a plain UPDATE commits at once. Inside the import's transaction
    the UPDATE goes through a second connection (PostgreSQL), skipping the row if it is
    locked, so that the page sees it before the import commits. SQLite allows one writer
    at a time: there, progress inside the transaction is not reported."""

    def __init__(self, batch_id: int, token: str):
        self.batch_id = batch_id
        self.token = token
        self.last = -1
        self.last_beat = time.monotonic()
        self.side = None
        self.side_broken = False

    def __call__(self, percent: float):
        percent = max(0, min(100, int(percent)))
        beat_due = time.monotonic() - self.last_beat > _lease().total_seconds() / 4
        if percent == self.last and not beat_due:
            return
        self.last = percent
        self.last_beat = time.monotonic()
        lease_until = timezone.now() + _lease()
        if not connection.in_atomic_block:
            ImportBatch.objects.filter(
                pk=self.batch_id, status=ImportStatus.APPLYING, claim_token=self.token
            ).update(progress=percent, lease_until=lease_until)
            return
        if connection.vendor != "postgresql" or self.side_broken:
            return
        table = ImportBatch._meta.db_table
        try:
            if self.side is None:
                self.side = connection.copy()
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s, lease_until = %s WHERE id IN "
                    f"(SELECT id FROM {table} WHERE id = %s AND status = %s "
                    "AND claim_token = %s FOR UPDATE SKIP LOCKED)",
                    [percent, lease_until, self.batch_id, ImportStatus.APPLYING, self.token],
                )
        except DatabaseError:
            logger.warning("import %s: progress not reported", self.batch_id, exc_info=True)
            self.side_broken = True

    def close(self):
        if self.side is not None:
            self.side.close()
            self.side = None


# --- Apply -------------------------------------------------------------------------------------


class ImportBusy(TransitionError):
    """Another worker holds a live claim on the batch: ask again in `retry_in` seconds."""

    def __init__(self, message, retry_in: int):
        super().__init__(message)
        self.retry_in = retry_in


class _LostClaim(Exception):
    """The lease ran out and another attempt took the batch over: this one rolls back."""


def _claim(batch: ImportBatch, actor) -> str | None:
    """READY -> APPLYING in one conditional UPDATE: only one caller ever wins. A claim whose
    lease ran out (its worker died) may be taken over. Returns the new claim's token."""
    now = timezone.now()
    token = uuid.uuid4().hex
    won = (
        ImportBatch.objects.filter(pk=batch.pk)
        .filter(Q(status=ImportStatus.READY) | Q(status=ImportStatus.APPLYING, lease_until__lt=now))
        .update(
            status=ImportStatus.APPLYING,
            progress=0,
            claim_token=token,
            lease_until=now + _lease(),
            apply_requested_by=actor,
            updated_at=now,
        )
    )
    if won and batch.status == ImportStatus.APPLYING:
        logger.warning("import %s: took over a claim whose worker stopped", batch.pk)
    return token if won else None


def _fail(batch_id: int, token: str, errors: list[dict]) -> bool:
    return bool(
        ImportBatch.objects.filter(pk=batch_id, claim_token=token).update(
            status=ImportStatus.FAILED,
            errors=errors,
            error_count=len(errors),
            progress=0,
            lease_until=None,
            updated_at=timezone.now(),
        )
    )


def _refuse(batch: ImportBatch):
    batch.refresh_from_db()
    if batch.status == ImportStatus.APPLIED:
        raise TransitionError(_("This file has already been imported."))
    if batch.status == ImportStatus.APPLYING:
        left = (batch.lease_until - timezone.now()).total_seconds() if batch.lease_until else 0
        raise ImportBusy(_("This file is being imported right now."), retry_in=int(left) + 5)
    raise TransitionError(_("This file cannot be imported; see the errors below."))


def import_enqueue(*, batch_id: int, actor) -> ImportBatch:
    """Queue a READY batch for a worker (after the commit, through the outbox). Its page
    shows it waiting until the worker starts."""
    with transaction.atomic():
        batch = ImportBatch.objects.for_user(actor).select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise DomainError(_("This import does not exist."))
        P.require(actor, P.IMPORT, batch.estate)
        if batch.status != ImportStatus.READY:
            raise TransitionError(
                _("This file cannot be imported now: %(status)s.")
                % {"status": batch.get_status_display()}
            )
        batch.apply_requested_by = actor
        batch.save(update_fields=["apply_requested_by", "updated_at"])
        from ..tasks import import_apply_task

        enqueue_on_commit(import_apply_task, batch.pk, actor.pk)
    return batch


def import_apply(*, batch_id: int, actor) -> ImportBatch:
    """Create what the batch's file describes, all or nothing. Returns the batch, APPLIED or
    FAILED. Raises TransitionError if the batch is not READY (already applied, running, or
    has errors): calling it twice applies the file once. ImportBusy (a TransitionError)
    when another worker is applying it now."""
    batch = ImportBatch.objects.for_user(actor).select_related("estate").filter(pk=batch_id).first()
    if batch is None:
        raise DomainError(_("This import does not exist."))
    P.require(actor, P.IMPORT, batch.estate)
    token = _claim(batch, actor)
    if token is None:
        _refuse(batch)
    progress = Progress(batch.pk, token)
    failure = None
    try:
        _apply(batch, actor, progress, token)
    except _LostClaim:
        logger.warning("import %s: claim lost to a newer attempt; rolled back", batch.pk)
    except _Failed as failed:
        failure = failed.errors
    except IntegrityError:
        logger.warning("import %s: integrity error", batch.pk, exc_info=True)
        failure = _file_error(
            texts.gettext(
                "Someone changed the same records while the file was being imported. "
                "Nothing was imported; upload the file again."
            )
        )
    except Exception:
        logger.exception("import %s failed", batch.pk)
        failure = _file_error(
            texts.gettext("The import failed unexpectedly. Nothing was imported.")
        )
    finally:
        progress.close()
    if failure is not None:
        with transaction.atomic():
            if _fail(batch.pk, token, failure):
                batch.refresh_from_db()
                _tell_uploader(batch)
    batch.refresh_from_db()
    return batch


def import_batches_recover() -> int:
    """Batches left APPLYING by a worker that died: back to READY (their transaction was
    rolled back with the dead connection) and queued again as the person who asked."""
    now = timezone.now()
    recovered = 0
    stale = ImportBatch.objects.filter(status=ImportStatus.APPLYING, lease_until__lt=now)
    for batch in stale.select_related("apply_requested_by"):
        actor = batch.apply_requested_by
        if actor is not None and not actor.is_active:
            actor = None  # nobody to run it as: the page offers the import button again
        with transaction.atomic():
            reset = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportStatus.APPLYING, lease_until__lt=now
            ).update(
                status=ImportStatus.READY,
                progress=0,
                claim_token="",
                lease_until=None,
                apply_requested_by=actor,
                updated_at=now,
            )
            if not reset:
                continue  # a retry took it over meanwhile
            recovered += 1
            logger.warning("import %s: its worker stopped; queued again", batch.pk)
            if actor is not None:
                from ..tasks import import_apply_task

                enqueue_on_commit(import_apply_task, batch.pk, actor.pk)
    return recovered


def _tell_uploader(batch: ImportBatch) -> None:
    """Long imports run in the background: the uploader hears how it ended (in the same
    transaction as the end, so exactly once)."""
    if batch.created_by is None:
        return
    name = batch.original_name
    if batch.status == ImportStatus.APPLIED:
        title = texts.gettext("Import finished: %(file)s", file=name)
        body = texts.gettext("%(count)d rows imported.", count=batch.applied_count)
    else:
        title = texts.gettext("Import failed: %(file)s", file=name)
        body = texts.gettext("Nothing was imported. Open the import to see why.")
    notify(
        recipients=[batch.created_by],
        title=title,
        body=body,
        url=batch.get_absolute_url(),
        email=False,
    )


class _Failed(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def _apply(batch: ImportBatch, actor, progress: Progress, token: str) -> int:
    progress(2)
    try:
        table = parsing.read_table(_stored(batch), batch.kind)
    except ValidationError as exc:
        raise _Failed(_file_error(exc)) from exc
    progress(10)
    result = rows.validate(table, estate=batch.estate, progress=lambda p: progress(10 + p * 0.3))
    if result.errors:
        raise _Failed(result.errors)
    objects = result.objects
    model = MODELS[batch.kind]
    created = []
    total = len(objects) or 1
    with transaction.atomic():
        for start in range(0, len(objects), BULK_CHUNK):
            chunk = model.objects.bulk_create(objects[start : start + BULK_CHUNK])
            created.extend(chunk)
            progress(40 + 50 * len(created) / total)
        if any(obj.pk is None for obj in created):  # a backend that returns no ids
            raise RuntimeError("bulk_create did not return primary keys")
        record_events_bulk(created, actor=actor, verb="imported", note=batch.original_name)
        if batch.kind == ImportKind.OCCUPANCIES:
            _record_moves(created, actor=actor, note=batch.original_name)
        progress(98)
        # The APPLIED mark commits with the rows: a worker killed before this commit leaves
        # nothing behind, and a retry after it finds the batch APPLIED.
        now = timezone.now()
        done = ImportBatch.objects.filter(
            pk=batch.pk, status=ImportStatus.APPLYING, claim_token=token
        ).update(
            status=ImportStatus.APPLIED,
            progress=100,
            applied_count=len(created),
            applied_at=now,
            lease_until=None,
            updated_at=now,
        )
        if not done:
            raise _LostClaim
        batch.refresh_from_db()
        _tell_uploader(batch)
    return len(created)


def _record_moves(occupancies: list[Occupancy], *, actor, note: str):
    """The people's and the units' timelines show the move-in, as occupancy_create does."""
    people = {o.person_id: o.person for o in occupancies}
    units = {o.unit_id: o.unit for o in occupancies}
    record_events_bulk(list(people.values()), actor=actor, verb="occupancy_added", note=note)
    record_events_bulk(list(units.values()), actor=actor, verb="occupancy_added", note=note)


# --- Template ----------------------------------------------------------------------------------


def import_template_xlsx(kind: str) -> bytes:
    """An XLSX with the header row (Chinese / English) and one example row.
    Raises ValueError for an unknown kind."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = parsing.columns_for(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind)[:31]
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.template_header)
        header.font = Font(bold=True)
        if column.required:
            header.fill = required_fill
        example = sheet.cell(row=2, column=index, value=column.example or None)
        if column.text:
            example.number_format = "@"
            if example.value is not None:
                example.value = str(example.value)
            # Typed cells below the example stay text too (mobile and ID numbers).
            sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = max(14, len(column.template_header) * 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
