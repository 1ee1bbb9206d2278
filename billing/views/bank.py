"""Bank statements: upload and check (every bad row listed, nothing saved), the statement
with its proposed matches, recording them, and the lines left for a person."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.export import XLSX_MIME
from core.pagination import keyset_page
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import has_perm_somewhere, require
from estates.selectors import current_estate

from .. import permissions as P
from ..forms.bank import LineDismissForm, LineMatchForm, SpreadsheetForm
from ..imports import BANK
from ..models.bank import OPEN_LINE_STATUSES, BankLine, BankStatement, LineStatus, StatementStatus
from ..services import bank as services
from .common import choose_estate, events


@staff_required
def statement_list(request):
    statements = scoped_list(BankStatement.objects.select_related("estate"), request, P.COLLECT)
    page = keyset_page(
        statements,
        ordering=["-created_at", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page_size=30,
    )
    estate = current_estate(request)
    open_count = BankLine.objects.for_user(request.user, P.COLLECT).filter(
        status__in=OPEN_LINE_STATUSES
    )
    if estate is not None:
        open_count = open_count.in_estate(estate)
    return render(
        request,
        "billing/staff/bank/list.html",
        {"page": page, "estate": estate, "open_count": open_count.count()},
    )


@staff_required
def statement_upload(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Import a bank statement"))
    require(request.user, P.COLLECT, estate)
    form = SpreadsheetForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.statement_upload(
                estate=estate, upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if result.statement is not None:
                messages.success(
                    request,
                    _("%(count)s lines checked. Look at the matches, then record them.")
                    % {"count": result.statement.line_count},
                )
                return redirect(result.statement)
            errors = result.checked.error_rows
    return render(
        request,
        "billing/staff/bank/upload.html",
        {"form": form, "estate": estate, "errors": errors},
    )


@staff_required
def statement_template(request):
    from estates.imports.services import import_template_xlsx

    if not has_perm_somewhere(request.user, P.COLLECT):
        raise PermissionDenied

    response = HttpResponse(import_template_xlsx(BANK), content_type=XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="bank-statement-template.xlsx"'
    return response


def _statement(request, statement_pk):
    return get_scoped_or_404(
        BankStatement.objects.select_related("estate", "uploaded_by"),
        request.user,
        P.COLLECT,
        pk=statement_pk,
    )


@staff_required
def statement_detail(request, statement_pk):
    statement = _statement(request, statement_pk)
    lines = statement.lines.select_related("unit__building", "bill", "payment__receipt")
    counts = {s: 0 for s in LineStatus.values}
    for line in lines:
        counts[line.status] += 1
    return render(
        request,
        "billing/staff/bank/detail.html",
        {
            "statement": statement,
            "lines": lines,
            "counts": counts,
            "may_apply": counts[LineStatus.MATCHED] > 0,
            "applied": statement.status == StatementStatus.APPLIED,
            "events": events(statement),
        },
    )


@require_POST
@staff_required
def statement_apply(request, statement_pk):
    statement = _statement(request, statement_pk)
    try:
        recorded = services.statement_apply(statement_id=statement.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)s payments recorded.") % {"count": recorded})
    return redirect(statement)


@staff_required
def unmatched(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Bank transfers to match"))
    require(request.user, P.COLLECT, estate)
    lines = (
        BankLine.objects.filter(estate=estate, status__in=OPEN_LINE_STATUSES)
        .select_related("statement", "unit__building")
        .order_by("booked_on", "id")
    )
    return render(
        request,
        "billing/staff/bank/unmatched.html",
        {"estate": estate, "lines": lines[:500], "total": services.unmatched_total(estate)},
    )


def _line(request, line_pk):
    return get_scoped_or_404(
        BankLine.objects.select_related("estate", "statement", "unit__building", "bill", "payment"),
        request.user,
        P.COLLECT,
        pk=line_pk,
    )


@staff_required
def line_detail(request, line_pk):
    """One line: match it to a unit or bill (POST here), or mark it as not ours."""
    line = _line(request, line_pk)
    form = LineMatchForm(request.POST or None, initial={"target": line.memo[:100]})
    if request.method == "POST" and form.is_valid():
        try:
            services.line_match(
                line_id=line.pk,
                target=form.cleaned_data["target"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("target", str(exc))
        else:
            messages.success(request, _("The transfer was recorded as a payment."))
            return redirect("billing:bank_unmatched")
    open_line = line.status in (*OPEN_LINE_STATUSES, LineStatus.MATCHED)
    return render(
        request,
        "billing/staff/bank/line.html",
        {
            "line": line,
            "form": form,
            "dismiss_form": LineDismissForm(),
            "open_line": open_line,
            "events": events(line),
        },
    )


@require_POST
@staff_required
def line_dismiss(request, line_pk):
    line = _line(request, line_pk)
    form = LineDismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this transfer is not ours."))
        return redirect("billing:bank_line", line_pk=line.pk)
    try:
        services.line_dismiss(line_id=line.pk, note=form.cleaned_data["note"], actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("billing:bank_line", line_pk=line.pk)
    messages.success(request, _("The transfer was marked as not ours."))
    return redirect("billing:bank_unmatched")
