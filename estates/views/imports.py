"""Bulk import pages: list, upload (check), detail (errors, preview, progress), apply, templates."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from core.errors import DomainError
from core.export import XLSX_MIME
from core.feedback import run_service
from core.pagination import keyset_page

from .. import permissions as P
from ..access import get_scoped_or_404, scoped_list, staff_required
from ..choices import ImportKind, ImportStatus
from ..forms_import import ImportUploadForm
from ..imports import parsing
from ..imports import services as import_services
from ..models import Estate, ImportBatch
from ..selectors import current_estate

log = logging.getLogger(__name__)

# Files up to this many rows are imported during the request; bigger ones by a worker.
SYNC_APPLY_MAX_ROWS = 500
LIST_ORDERING = ["-created_at", "-id"]
STATUS_COLOURS = {
    ImportStatus.VALIDATING: "secondary",
    ImportStatus.INVALID: "danger",
    ImportStatus.READY: "primary",
    ImportStatus.APPLYING: "info",
    ImportStatus.APPLIED: "success",
    ImportStatus.FAILED: "danger",
}


def _badge(batch: ImportBatch) -> ImportBatch:
    batch.badge_colour = STATUS_COLOURS.get(batch.status, "secondary")
    return batch


def _templates() -> list[tuple[str, str]]:
    return [(value, label) for value, label in ImportKind.choices]


def _get_batch(request, import_pk: int) -> ImportBatch:
    """Outside the user's estates: 404. In them, without the import permission: 403."""
    batch = get_scoped_or_404(
        ImportBatch.objects.select_related("estate", "created_by"),
        request.user,
        P.IMPORT,
        pk=import_pk,
    )
    return batch


@staff_required
@require_GET
def import_list(request):
    batches = scoped_list(ImportBatch.objects, request, P.IMPORT).select_related(
        "estate", "created_by"
    )
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in ImportKind.values:
        batches = batches.filter(kind=kind)
    if status in ImportStatus.values:
        batches = batches.filter(status=status)
    page = keyset_page(
        batches,
        ordering=LIST_ORDERING,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=request.GET.get("last") == "1",
        page_size=settings.ANJU_PAGE_SIZE,
    )
    estate = current_estate(request)
    can_upload = (
        P.has_perm(request.user, P.IMPORT, estate)
        if estate is not None
        else P.has_perm_somewhere(request.user, P.IMPORT)
    )
    return render(
        request,
        "estates/imports/list.html",
        {
            "page": page,
            "rows": [_badge(b) for b in page.rows],
            "kind": kind,
            "status": status,
            "kinds": ImportKind.choices,
            "statuses": ImportStatus.choices,
            "filtered": bool(kind or status),
            "can_upload": can_upload,
            "templates": _templates(),
        },
    )


@staff_required
def import_upload(request):
    estate = current_estate(request)
    if estate is not None:
        P.require(request.user, P.IMPORT, estate)
        estates = None
    else:
        estates = Estate.objects.for_user(request.user, P.IMPORT).filter(is_active=True)
        estates = estates.order_by("name")
        if not estates.exists():
            raise PermissionDenied
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else None
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, estates=estates, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        target = estate or form.cleaned_data["estate"]
        batch = run_service(
            request,
            form,
            lambda: import_services.import_upload(
                estate=target,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            ),
        )
        if batch is not None:
            if batch.status == ImportStatus.READY:
                messages.success(
                    request,
                    _(
                        "%(file)s checked: %(rows)s rows, no errors. "
                        "Look at the preview, then import."
                    )
                    % {"file": batch.original_name, "rows": batch.row_count},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "%(file)s has %(errors)s problems; nothing was imported. Correct the "
                        "file and upload it again."
                    )
                    % {"file": batch.original_name, "errors": batch.error_count},
                )
            return redirect(batch)
    return render(
        request,
        "estates/imports/upload.html",
        {"form": form, "estate": estate, "templates": _templates()},
    )


@staff_required
@require_GET
def import_detail(request, import_pk):
    batch = _badge(_get_batch(request, import_pk))
    # Queued for a worker (or queued again after one died): the page waits for it.
    queued = request.GET.get("queued") == "1" or bool(batch.apply_requested_by_id)
    polling = batch.status == ImportStatus.APPLYING or (
        queued and batch.status == ImportStatus.READY
    )
    context = {
        "batch": batch,
        "S": ImportStatus,
        "polling": polling,
        "queued": queued,
        # The worker stopped renewing its claim: say so rather than show a frozen bar.
        "stalled": batch.status == ImportStatus.APPLYING
        and batch.lease_until is not None
        and batch.lease_until < timezone.now(),
        "poll_url": f"{batch.get_absolute_url()}?partial=progress{'&queued=1' if queued else ''}",
    }
    if request.htmx or request.GET.get("partial") == "progress":
        if not polling and request.htmx:
            return HttpResponseClientRefresh()  # finished: reload the page once, stop polling
        return render(request, "estates/imports/partials/progress.html", context)
    columns = parsing.columns_for(batch.kind)
    context.update(
        {
            "columns": [str(c.label) for c in columns],
            "can_apply": batch.status == ImportStatus.READY
            and not queued
            and P.has_perm(request.user, P.IMPORT, batch.estate),
            "sync_limit": SYNC_APPLY_MAX_ROWS,
        }
    )
    return render(request, "estates/imports/detail.html", context)


@staff_required
@require_POST
def import_apply(request, import_pk):
    batch = _get_batch(request, import_pk)
    if batch.status != ImportStatus.READY:
        messages.warning(
            request,
            _("This file cannot be imported now: %(status)s.")
            % {"status": batch.get_status_display()},
        )
        return redirect(batch)
    if batch.row_count > SYNC_APPLY_MAX_ROWS:
        try:
            import_services.import_enqueue(batch_id=batch.pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(batch)
        messages.info(
            request,
            _("Importing %(rows)s rows from %(file)s. This page shows the progress.")
            % {"rows": batch.row_count, "file": batch.original_name},
        )
        return redirect(f"{batch.get_absolute_url()}?queued=1")
    try:
        batch = import_services.import_apply(batch_id=batch.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(batch)
    if batch.status == ImportStatus.APPLIED:
        messages.success(
            request,
            _("Imported %(count)s rows from %(file)s.")
            % {"count": batch.applied_count, "file": batch.original_name},
        )
    else:
        messages.error(
            request,
            _("The import failed and nothing was saved. The reasons are listed below."),
        )
    return redirect(batch)


@staff_required
@require_GET
def import_template(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    data = import_services.import_template_xlsx(kind)
    filename = _("import-template-%(kind)s.xlsx") % {"kind": kind}
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
