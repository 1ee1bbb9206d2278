"""The owner's complaint pages (portal): my complaints and suggestions, file one, follow
it, confirm and rate the resolution or reopen it, withdraw it. Every complaint comes from
Complaint.objects.for_owner(request.user): another owner's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.attachments import attachment_response
from core.errors import DomainError
from core.feedback import run_service
from core.pagination import keyset_page
from estates.owners import owner_required, units_for_owner

from .. import services, transitions
from ..choices import STATUS_COLOURS
from ..forms import OwnerComplaintForm
from ..models import Complaint
from ..timeline import owner_timeline


def _mine(request):
    return Complaint.objects.for_owner(request.user).select_related(
        "estate", "unit__building", "ticket"
    )


def _get(request, complaint_pk):
    return get_object_or_404(_mine(request), pk=complaint_pk)


def _to(complaint):
    return redirect("portal_complaints:complaint_detail", complaint_pk=complaint.pk)


@owner_required
def my_complaints(request):
    page = keyset_page(
        _mine(request),
        ordering=["-filed_at", "-id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=bool(request.GET.get("last")),
        page_size=20,
    )
    for c in page.rows:
        c.badge = STATUS_COLOURS.get(c.status, "secondary")
    return render(request, "complaints/owner/list.html", {"page": page})


@owner_required
def file_complaint(request):
    units = list(units_for_owner(request.user))
    form = OwnerComplaintForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        complaint = run_service(
            request,
            form,
            lambda: services.complaint_file_by_owner(
                actor=request.user,
                data=form.data_for_service(),
                photos=form.cleaned_data["photos"],
            ),
        )
        if complaint is not None:
            messages.success(
                request,
                _("Thank you. %(number)s is filed; we reply by %(time)s.")
                % {
                    "number": complaint.number,
                    "time": date_format(
                        timezone.localtime(complaint.acknowledge_due), "SHORT_DATETIME_FORMAT"
                    ),
                },
            )
            return _to(complaint)
    return render(request, "complaints/owner/file.html", {"form": form, "units": units})


@owner_required
def complaint_detail(request, complaint_pk):
    complaint = _get(request, complaint_pk)
    complaint.badge = STATUS_COLOURS.get(complaint.status, "secondary")
    actions = {
        t.slug: t.form_class(complaint=complaint, slug=t.slug)
        for t in transitions.available(request.user, complaint, transitions.OWNER)
    }
    return render(
        request,
        "complaints/owner/detail.html",
        {
            "complaint": complaint,
            "actions": actions,
            "events": owner_timeline(complaint),
            "photos": list(complaint.photos.all()),
        },
    )


@owner_required
@require_POST
def complaint_step(request, complaint_pk, owner_step):
    spec = transitions.OWNER_ACTIONS.get(owner_step)
    if spec is None:
        raise Http404
    complaint = _get(request, complaint_pk)
    form = spec.form_class(request.POST, complaint=complaint, slug=spec.slug)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return _to(complaint)
    kwargs = form.service_kwargs()
    if spec.service in ("complaint_reopen", "complaint_cancel"):
        kwargs["who"] = transitions.OWNER
    try:
        spec.service_function(complaint_id=complaint.pk, actor=request.user, **kwargs)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc
    except (DomainError, ValidationError) as exc:
        texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        for text in texts:
            messages.error(request, text)
        return _to(complaint)
    done = transitions.DONE[(transitions.OWNER, spec.slug)]
    messages.success(request, str(done) % {"number": complaint.number})
    return _to(complaint)


@owner_required
def complaint_photo(request, complaint_pk, attachment_pk):
    complaint = _get(request, complaint_pk)
    return attachment_response(get_object_or_404(complaint.photos, pk=attachment_pk))
