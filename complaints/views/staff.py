"""The staff's complaint pages: the board, intake for phone / walk-in / e-mail / WeChat,
one complaint with the actions the transition table lets the user take now."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.attachments import attachment_response
from core.errors import DomainError
from core.feedback import form_errors_from, run_service
from core.listing import list_context
from estates import permissions as EP
from estates.access import scoped_list, staff_required
from estates.permissions import has_perm, has_perm_somewhere, require
from estates.selectors import current_estate, my_estates

from .. import permissions as P
from .. import services, transitions
from ..choices import OPEN_STATUSES, Status
from ..filters import ComplaintFilter
from ..forms import StaffIntakeForm
from ..models import Complaint
from ..selectors import status_counts
from .board_rows import board_rows, board_values, estates_of, table_rows_html
from .common import action_form, detail_context, get_complaint

SORTS = {"-filed_at": ["-filed_at", "-id"], "filed_at": ["filed_at", "id"]}


@staff_required
def complaint_board(request):
    complaints = scoped_list(Complaint.objects, request, P.VIEW)
    ctx = list_context(
        request,
        board_values(complaints),
        filterset_class=ComplaintFilter,
        sort_options=SORTS,
        default_sort="-filed_at",
    )
    now = timezone.now()
    estates = estates_of(ctx["rows"], my_estates(request))
    ctx["rows"] = board_rows(ctx["rows"], user=request.user, estates=estates, now=now)
    estate = current_estate(request)
    ctx["rows_html"] = table_rows_html(ctx["rows"], show_estate=estate is None)
    counts = status_counts(complaints, now)
    chosen = request.GET.get("status", "")
    tabs = [("", _("All"), None), ("open", _("Open"), counts["open"])]
    tabs += [(v, label, counts.get(v)) for v, label in Status.choices if counts.get(v)]
    tabs += [(v, label, None) for v, label in Status.choices if v not in OPEN_STATUSES]
    ctx.update(
        {
            "tabs": [(v, label, n, _query(request, status=v or None)) for v, label, n in tabs],
            "chosen_status": chosen,
            "overdue_count": counts["overdue"],
            "can_file": estate is not None and has_perm(request.user, P.FILE, estate),
            "can_configure": estate is not None and has_perm(request.user, P.CONFIGURE, estate),
            "can_export": has_perm_somewhere(request.user, EP.EXPORT),
            "can_report": has_perm_somewhere(request.user, P.REPORT),
            "can_handle": has_perm_somewhere(request.user, P.HANDLE),
        }
    )
    return render(request, "complaints/staff/board.html", ctx)


@staff_required
def complaint_create(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New complaint")})
    require(request.user, P.FILE, estate)
    form = StaffIntakeForm(
        request.POST or None,
        request.FILES or None,
        estate=estate,
        initial={"responsible": services.default_responsible(estate)},
    )
    if request.method == "POST" and form.is_valid():
        complaint = run_service(
            request,
            form,
            lambda: services.complaint_file_by_staff(
                actor=request.user,
                estate=estate,
                data=form.data_for_service(),
                channel=form.cleaned_data["channel"],
                responsible=form.cleaned_data["responsible"],
                complainant=form.complainant(),
                photos=form.cleaned_data["photos"],
            ),
        )
        if complaint is not None:
            messages.success(
                request,
                _("%(number)s recorded; %(name)s is responsible.")
                % {"number": complaint.number, "name": complaint.responsible},
            )
            return redirect(complaint.get_absolute_url())
    return render(request, "complaints/staff/create.html", {"form": form, "estate": estate})


@staff_required
def complaint_detail(request, complaint_pk):
    complaint = get_complaint(request, complaint_pk)
    return render(request, "complaints/staff/detail.html", detail_context(request, complaint))


@staff_required
@require_POST
def complaint_action(request, complaint_pk, step):
    spec = transitions.STAFF_ACTIONS.get(step)
    if spec is None:
        raise Http404
    complaint = get_complaint(request, complaint_pk)
    require(request.user, spec.permission, complaint.estate)
    form = action_form(spec, complaint, request)
    if not form.is_valid():
        return _show_again(request, complaint, form)
    try:
        spec.service_function(
            complaint_id=complaint.pk, actor=request.user, **form.service_kwargs()
        )
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and any(f in form.fields for f in exc.error_dict):
            form_errors_from(form, exc)
            return _show_again(request, complaint, form)
        for text in exc.messages:
            messages.error(request, text)
        return redirect(complaint.get_absolute_url())
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(complaint.get_absolute_url())
    done = transitions.DONE[(transitions.STAFF, spec.slug)]
    messages.success(request, str(done) % {"number": complaint.number})
    return redirect(complaint.get_absolute_url())


def _query(request, **changes) -> str:
    """request.GET with `changes` (None removes a key), back on the first page."""
    params = request.GET.copy()
    for key, value in {**changes, "after": None, "before": None, "last": None}.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}"


def _show_again(request, complaint, form):
    messages.error(request, _("Nothing was done: please correct the form below."))
    complaint = get_complaint(request, complaint.pk)
    return render(
        request, "complaints/staff/detail.html", detail_context(request, complaint, bound=form)
    )


@staff_required
def complaint_photo(request, complaint_pk, attachment_pk):
    complaint = get_complaint(request, complaint_pk)
    return attachment_response(get_object_or_404(complaint.photos, pk=attachment_pk))


def require_somewhere(user, perm):
    if not has_perm_somewhere(user, perm):
        raise PermissionDenied
