"""Import services: upload and check a file, then apply it all-or-nothing.

import_upload  saves the file and checks every row: READY, or INVALID with every error.
import_apply   claims the batch (READY -> APPLYING, one conditional UPDATE: two clicks or two
               workers never apply twice), checks again (the database may have changed),
               creates everything in ONE transaction with an audit event per object, then
               marks the batch APPLIED. Any error: rollback, FAILED with the errors.
"""

import io
import logging
import os
import uuid

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import texts
from core.audit import record_events_bulk
from core.errors import DomainError, TransitionError
from core.notifications import notify

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


class Progress:
    """Writes batch.progress so that the page can poll it while the import runs.

    Outside a transaction a plain UPDATE commits at once. Inside the import's transaction
    the UPDATE goes through a second connection (PostgreSQL), skipping the row if it is
    locked, so that the page sees it before the import commits. SQLite allows one writer
    at a time: there, progress inside the transaction is not reported."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.last = -1
        self.side = None
        self.side_broken = False

    def __call__(self, percent: float):
        percent = max(0, min(100, int(percent)))
        if percent == self.last:
            return
        self.last = percent
        if not connection.in_atomic_block:
            ImportBatch.objects.filter(pk=self.batch_id, status=ImportStatus.APPLYING).update(
                progress=percent
            )
            return
        if connection.vendor != "postgresql" or self.side_broken:
            return
        table = ImportBatch._meta.db_table
        try:
            if self.side is None:
                self.side = connection.copy()
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s WHERE id IN "
                    f"(SELECT id FROM {table} WHERE id = %s AND status = %s "
                    "FOR UPDATE SKIP LOCKED)",
                    [percent, self.batch_id, ImportStatus.APPLYING],
                )
        except DatabaseError:
            logger.warning("import %s: progress not reported", self.batch_id, exc_info=True)
            self.side_broken = True

    def close(self):
        if self.side is not None:
            self.side.close()
            self.side = None


# --- Apply -------------------------------------------------------------------------------------


def _claim(batch_id: int) -> bool:
    """READY -> APPLYING in one conditional UPDATE: only one caller ever wins."""
    return bool(
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.READY).update(
            status=ImportStatus.APPLYING, progress=0, updated_at=timezone.now()
        )
    )


def _fail(batch_id: int, errors: list[dict]):
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportStatus.FAILED,
        errors=errors,
        error_count=len(errors),
        progress=0,
        updated_at=timezone.now(),
    )


def import_apply(*, batch_id: int, actor) -> ImportBatch:
    """Create what the batch's file describes, all or nothing. Returns the batch, APPLIED or
    FAILED. Raises TransitionError if the batch is not READY (already applied, running, or
    has errors): calling it twice applies the file once."""
    batch = ImportBatch.objects.for_user(actor).select_related("estate").filter(pk=batch_id).first()
    if batch is None:
        raise DomainError(_("This import does not exist."))
    P.require(actor, P.IMPORT, batch.estate)
    if not _claim(batch.pk):
        batch.refresh_from_db()
        if batch.status == ImportStatus.APPLIED:
            raise TransitionError(_("This file has already been imported."))
        if batch.status == ImportStatus.APPLYING:
            raise TransitionError(_("This file is being imported right now."))
        raise TransitionError(_("This file cannot be imported; see the errors below."))
    progress = Progress(batch.pk)
    try:
        count = _apply(batch, actor, progress)
    except _Failed as failed:
        _fail(batch.pk, failed.errors)
    except IntegrityError:
        logger.warning("import %s: integrity error", batch.pk, exc_info=True)
        _fail(
            batch.pk,
            _file_error(
                texts.gettext(
                    "Someone changed the same records while the file was being imported. "
                    "Nothing was imported; upload the file again."
                )
            ),
        )
    except Exception:
        logger.exception("import %s failed", batch.pk)
        _fail(
            batch.pk,
            _file_error(texts.gettext("The import failed unexpectedly. Nothing was imported.")),
        )
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.APPLIED,
            progress=100,
            applied_count=count,
            applied_at=timezone.now(),
            updated_at=timezone.now(),
        )
    finally:
        progress.close()
    batch.refresh_from_db()
    _tell_uploader(batch)
    return batch


def _tell_uploader(batch: ImportBatch) -> None:
    """Long imports run in the background: the uploader hears how it ended."""
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


def _apply(batch: ImportBatch, actor, progress: Progress) -> int:
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
