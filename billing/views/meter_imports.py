"""Importing meter readings: upload, the preview of every error and warning with its line,
applying it (warnings confirmed), the template to fill in."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.export import XLSX_MIME
from core.feedback import run_service
from core.texts import Message
from estates.access import get_scoped_or_404, staff_required
from estates.permissions import require
from estates.selectors import current_estate

from .. import permissions as P
from ..choices import ReadingImportStatus
from ..forms import ConfirmForm, ReadingUploadForm
from ..models import ReadingImport
from ..services import meter_imports as imports
from .common import choose_estate
from .meters import chosen_period


@staff_required
def reading_import(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Import meter readings"))
    require(request.user, P.READ_METERS, estate)
    form = ReadingUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = run_service(
            request,
            form,
            lambda: imports.reading_import_upload(
                estate=estate, upload=form.cleaned_data["file"], actor=request.user
            ),
        )
        if record is not None:
            return redirect(record)
    recent = ReadingImport.objects.filter(estate=estate)[:10]
    return render(
        request,
        "billing/meters/import_upload.html",
        {"form": form, "estate": estate, "recent": recent, "period": chosen_period(request)},
    )


def _shown(problems):
    return [{**p, "message": Message.from_data(p["message"])} for p in problems]


def _record(request, pk):
    return get_scoped_or_404(
        ReadingImport.objects.select_related("estate", "created_by"),
        request.user,
        P.READ_METERS,
        pk=pk,
    )


def _detail(request, record, form=None):
    skipped = sum(1 for row in record.rows if not row.get("value"))
    return render(
        request,
        "billing/meters/import_detail.html",
        {
            "record": record,
            "errors": _shown(record.errors),
            "warnings": _shown(record.warnings),
            "skipped": skipped,
            "form": form or ConfirmForm(),
            "may_apply": record.status == ReadingImportStatus.READY,
        },
    )


@staff_required
def reading_import_detail(request, reading_import_pk):
    return _detail(request, _record(request, reading_import_pk))


@require_POST
@staff_required
def reading_import_apply(request, reading_import_pk):
    record = _record(request, reading_import_pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        record = imports.reading_import_apply(
            import_id=record.pk,
            actor=request.user,
            confirm_warnings=bool(form.cleaned_data.get("confirm")),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        record.refresh_from_db()
        return _detail(request, record, form)
    if record.status == ReadingImportStatus.APPLIED:
        messages.success(
            request,
            ngettext(
                "%(count)s reading imported.", "%(count)s readings imported.", record.created_count
            )
            % {"count": record.created_count},
        )
    else:
        messages.error(request, _("Nothing was imported: the file has errors now."))
    return redirect(record)


@staff_required
@require_GET
def reading_import_template(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Import meter readings"))
    require(request.user, P.READ_METERS, estate)
    period = chosen_period(request)
    data = imports.reading_template_xlsx(estate, period)
    filename = _("meter-readings-%(estate)s-%(period)s.xlsx") % {
        "estate": estate.code,
        "period": period,
    }
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
