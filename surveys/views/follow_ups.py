"""Follow-up items of dimensions below target: the list, one item, assign and close."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import timeline_for
from core.pagination import keyset_page
from estates.access import get_scoped_or_404, scoped_list, staff_required

from .. import permissions as P
from .. import services, transitions
from ..choices import FollowUpStatus
from ..forms import AssignForm, DoneForm
from ..models import FollowUp
from .common import ERRORS, flash_error, flash_form_errors


@staff_required
def followup_list(request):
    items = scoped_list(
        FollowUp.objects.select_related("survey__estate", "assignee"), request, P.VIEW
    )
    status = request.GET.get("status", FollowUpStatus.OPEN)
    if status in FollowUpStatus.values:
        items = items.filter(status=status)
    page = keyset_page(
        items,
        ordering=["status", "id"],
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page_size=30,
    )
    return render(
        request,
        "surveys/staff/followup_list.html",
        {"page": page, "status": status, "statuses": FollowUpStatus.choices},
    )


def _get(request, followup_pk, perm):
    return get_scoped_or_404(
        FollowUp.objects.select_related("survey__estate", "assignee"),
        request.user,
        perm,
        pk=followup_pk,
    )


@staff_required
def followup_detail(request, followup_pk):
    item = _get(request, followup_pk, P.VIEW)
    estate = item.survey.estate
    may = {slug: t.allows(request.user, item) for slug, t in transitions.FOLLOW_UP.items()}
    return render(
        request,
        "surveys/staff/followup_detail.html",
        {
            "item": item,
            "may": may,
            "assign_form": AssignForm(
                estate=estate,
                initial={"assignee": item.assignee_id, "due_on": item.due_on},
            ),
            "done_form": DoneForm(),
            "events": timeline_for(item),
        },
    )


def _post(request, followup_pk, form, call, done):
    item = _get(request, followup_pk, P.FOLLOW_UP)
    if form is not None and not form.is_valid():
        flash_form_errors(request, form)
    else:
        try:
            call(item)
        except ERRORS as exc:
            flash_error(request, exc)
        else:
            messages.success(request, done)
    return redirect("surveys:followup_detail", followup_pk=item.pk)


@staff_required
@require_POST
def followup_assign(request, followup_pk):
    item = _get(request, followup_pk, P.FOLLOW_UP)
    form = AssignForm(request.POST, estate=item.survey.estate)
    return _post(
        request,
        followup_pk,
        form,
        lambda i: services.follow_up_assign(
            follow_up_id=i.pk,
            actor=request.user,
            assignee=form.cleaned_data["assignee"],
            due_on=form.cleaned_data["due_on"],
        ),
        _("Follow-up assigned."),
    )


@staff_required
@require_POST
def followup_done(request, followup_pk):
    form = DoneForm(request.POST)
    return _post(
        request,
        followup_pk,
        form,
        lambda i: services.follow_up_done(
            follow_up_id=i.pk, actor=request.user, outcome=form.cleaned_data["outcome"]
        ),
        _("Follow-up marked as done."),
    )


@staff_required
@require_POST
def followup_reopen(request, followup_pk):
    return _post(
        request,
        followup_pk,
        None,
        lambda i: services.follow_up_reopen(follow_up_id=i.pk, actor=request.user),
        _("Follow-up reopened."),
    )
