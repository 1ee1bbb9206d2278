"""Rounds: the list, the inspector's phone page for today, one round (scan a checkpoint,
the actions the transition table allows), one checkpoint's form, and answer photos."""

import hashlib
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.attachments import attachment_response
from core.audit import timeline_for
from core.errors import DomainError
from core.export import xlsx_response
from core.feedback import form_errors_from
from core.listing import apply_filters, list_context
from estates.access import get_scoped_or_404, scoped_list, staff_required
from estates.permissions import has_perm, has_perm_somewhere
from estates.selectors import current_estate, my_estates

from .. import permissions as P
from .. import services, transitions
from ..answer_forms import CheckpointAnswersForm
from ..choices import OPEN_ROUND, FindingStatus, RoundStatus, ScanMethod
from ..filters import RoundFilter
from ..forms import AssignForm, ScanForm
from ..models import Answer, Checkpoint, CheckpointVisit, Finding, Round, Route, RouteStop
from ..recurrence import local_zone
from .today_rows import TODAY_VALUES, cards_html, estate_names, today_rows

ROUND_SORTS = {
    "-window_start": ["-window_start", "-id"],
    "window_start": ["window_start", "id"],
}


def get_round(request, round_pk, perm=P.VIEW):
    return get_scoped_or_404(
        Round.objects.select_related("estate", "plan", "route", "assignee"),
        request.user,
        perm,
        pk=round_pk,
    )


@staff_required
def round_list(request):
    rows = scoped_list(Round.objects, request, P.VIEW).select_related("estate", "plan", "assignee")
    ctx = list_context(
        request,
        rows,
        filterset_class=RoundFilter,
        sort_options=ROUND_SORTS,
        default_sort="-window_start",
    )
    estate = current_estate(request)
    ctx["can_configure"] = (
        has_perm(request.user, P.CONFIGURE, estate)
        if estate
        else has_perm_somewhere(request.user, P.CONFIGURE)
    )
    ctx["can_do_rounds"] = has_perm_somewhere(request.user, P.DO_ROUNDS)
    if estate is not None:
        today = timezone.localdate()
        ctx["report_url"] = reverse(
            "inspections:monthly_report_pdf", kwargs={"year": today.year, "month": today.month}
        )
        ctx["daily_report_url"] = reverse(
            "inspections:daily_report_pdf",
            kwargs={"year": today.year, "month": today.month, "day": today.day},
        )
    return render(request, "inspections/round_list.html", ctx)


def today_rounds(user, now):
    """Rounds for `user` whose window is open now or opens later today (local), and those
    still in progress; oldest first. Plain values (today_rows.TODAY_VALUES)."""
    zone = local_zone()
    day_end = timezone.localtime(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    day_end += timedelta(days=1)
    qs = Round.objects.for_user(user, P.DO_ROUNDS).for_doer(user)
    return list(
        qs.filter(
            Q(status__in=OPEN_ROUND, window_end__gt=now, window_start__lt=day_end)
            | Q(status=RoundStatus.LATE, finished_at__isnull=True)
            | Q(status=RoundStatus.IN_PROGRESS)
        )
        .order_by("window_start", "id")
        .values(*TODAY_VALUES)[:50]
    )


@staff_required
def today(request):
    if not has_perm_somewhere(request.user, P.DO_ROUNDS):
        raise PermissionDenied
    now = timezone.now()
    rounds = today_rounds(request.user, now)
    done = dict(
        CheckpointVisit.objects.filter(round_id__in=[r["id"] for r in rounds], completed=True)
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    routes = {
        pk: (name, stops)
        for pk, name, stops in Route.objects.filter(pk__in={r["route_id"] for r in rounds})
        .annotate(n=Count("stops"))
        .values_list("pk", "name", "n")
    }
    rows = today_rows(
        rounds,
        estates=estate_names(rounds, my_estates(request)),
        routes=routes,
        done=done,
    )
    ctx = {"rounds": rows, "cards_html": cards_html(rows), "now": now}
    return render(request, "inspections/today.html", ctx)


def _stops(round_, walking: bool):
    """(checkpoint, visit, code hash) in route order. The hash (SHA-256 of the code) lets the
    offline page match a scanned label without holding the codes; only for the inspector."""
    visits = {v.checkpoint_id: v for v in round_.visits.select_related("by")}
    stops = []
    for checkpoint in round_.route.checkpoints_in_order():
        digest = hashlib.sha256(checkpoint.code.encode()).hexdigest() if walking else ""
        stops.append((checkpoint, visits.get(checkpoint.pk), digest))
    return stops


def _with_photo_links(round_):
    answers = list(
        round_.answers.select_related("item", "checkpoint", "by", "photo").order_by(
            "checkpoint_id", "item__position", "id"
        )
    )
    for a in answers:
        try:
            a.photo  # noqa: B018 - a reverse one-to-one: raises when there is none
        except Answer.photo.RelatedObjectDoesNotExist:
            continue
        a.photo_link = reverse(
            "inspections:answer_photo", kwargs={"round_pk": round_.pk, "answer_pk": a.pk}
        )
    return answers


@staff_required
def round_detail(request, round_pk):
    round_ = get_round(request, round_pk)
    user = request.user
    actions = transitions.available(user, round_)
    findings = (
        Finding.objects.filter(Q(opened_by__round=round_) | Q(closed_by__round=round_))
        .select_related("checkpoint", "item", "ticket", "opened_by")
        .distinct()
    )
    is_doer = transitions.is_doer(user, round_)
    may_walk = has_perm(user, P.DO_ROUNDS, round_.estate) and round_.status in (
        RoundStatus.SCHEDULED,
        RoundStatus.IN_PROGRESS,
        RoundStatus.LATE,
    )
    return render(
        request,
        "inspections/round_detail.html",
        {
            "round": round_,
            "stops": _stops(round_, may_walk and is_doer),
            "actions": actions,
            "assign_form": AssignForm(round_=round_)
            if any(a.slug == "assign" for a in actions)
            else None,
            "scan_form": ScanForm() if may_walk else None,
            "is_doer": is_doer,
            "findings": findings,
            "answers": _with_photo_links(round_),
            "events": timeline_for(round_),
            "FindingStatus": FindingStatus,
        },
    )


@staff_required
@require_POST
def round_step(request, round_pk, step):
    transition = transitions.ACTIONS.get(step)
    if transition is None or transition.who != transitions.STAFF:
        raise Http404
    round_ = get_round(request, round_pk, transition.permission)
    try:
        if step == "start":
            services.round_start(round_id=round_.pk, actor=request.user)
            messages.success(request, _("Round started."))
        elif step == "finish":
            done = services.round_finish(round_id=round_.pk, actor=request.user)
            messages.success(
                request, _("Round finished: %(status)s.") % {"status": done.get_status_display()}
            )
        else:
            form = AssignForm(request.POST, round_=round_)
            if not form.is_valid():
                raise DomainError(_("Choose who does the round."))
            who = form.cleaned_data["assignee"]
            services.round_assign(round_id=round_.pk, assignee=who, actor=request.user)
            messages.success(request, _("Round given to %(name)s.") % {"name": who})
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(round_)


@staff_required
@require_POST
def round_scan(request, round_pk):
    """A scanned (or typed) code: to that checkpoint's form on this round."""
    round_ = get_round(request, round_pk, P.DO_ROUNDS)
    form = ScanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scan the checkpoint's code, or type it."))
        return redirect(round_)
    raw = form.cleaned_data["code"].strip()
    code = raw.upper()
    checkpoint = (
        Checkpoint.objects.filter(Q(code=code) | (~Q(nfc_tag="") & Q(nfc_tag__iexact=raw)))
        .filter(stops__route=round_.route)
        .first()
    )
    if checkpoint is None:
        messages.error(request, _("No checkpoint of this round has that code."))
        return redirect(round_)
    # The checkpoint's own spelling: the form proves the scan with it.
    proof = checkpoint.code if checkpoint.code == code else checkpoint.nfc_tag
    query = urlencode({"method": form.cleaned_data["method"], "code": proof})
    url = reverse(
        "inspections:round_checkpoint",
        kwargs={"round_pk": round_.pk, "checkpoint_pk": checkpoint.pk},
    )
    return redirect(f"{url}?{query}")


def _round_checkpoint(request, round_, checkpoint_pk):
    checkpoint = get_object_or_404(
        Checkpoint.objects.filter(stops__route=round_.route).select_related("equipment"),
        pk=checkpoint_pk,
    )
    return checkpoint


@staff_required
def round_checkpoint(request, round_pk, checkpoint_pk):
    round_ = get_round(request, round_pk, P.DO_ROUNDS)
    checkpoint = _round_checkpoint(request, round_, checkpoint_pk)
    items = list(checkpoint.items.all())
    method = request.GET.get("method", ScanMethod.NONE)
    if method not in ScanMethod.values:
        method = ScanMethod.NONE
    initial = {"method": method, "code": request.GET.get("code", "")[:64]}
    form = CheckpointAnswersForm(
        request.POST or None, request.FILES or None, items=items, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            created, findings = services.checkpoint_record(
                round_id=round_.pk,
                checkpoint=checkpoint,
                actor=request.user,
                answers=form.answers(),
                method=form.cleaned_data["method"],
                code=form.cleaned_data["code"],
            )
        except (DomainError, ValidationError) as exc:
            form_errors_from(form, exc)
        else:
            text = _("%(checkpoint)s recorded.") % {"checkpoint": checkpoint.name}
            opened = [f for f in findings if f.status == FindingStatus.OPEN and f.ticket_id]
            if opened:
                text += " " + _("Repair ticket %(numbers)s opened for the findings.") % {
                    "numbers": ", ".join(f.ticket.number for f in opened)
                }
            messages.success(request, text)
            return redirect(round_)
    visit = round_.visits.filter(checkpoint=checkpoint).first()
    proof_missing = checkpoint.require_scan and method not in ("qr", "nfc")
    return render(
        request,
        "inspections/round_checkpoint.html",
        {
            "round": round_,
            "checkpoint": checkpoint,
            "form": form,
            "visit": visit,
            "proof_missing": proof_missing,
            "is_doer": transitions.is_doer(request.user, round_),
            "open_findings": Finding.objects.filter(
                checkpoint=checkpoint, status=FindingStatus.OPEN
            ).select_related("item", "ticket"),
        },
    )


@staff_required
def answer_photo(request, round_pk, answer_pk):
    round_ = get_round(request, round_pk)
    answer = get_object_or_404(Answer.objects.select_related("photo"), round=round_, pk=answer_pk)
    if not hasattr(answer, "photo"):
        raise Http404
    return attachment_response(answer.photo)


@staff_required
def checkpoint_scan(request, code):
    """What a checkpoint's QR label opens in a phone's camera app: the user's open round
    with that checkpoint (its form, scanned), else the checkpoint's page."""
    checkpoint = get_scoped_or_404(
        Checkpoint.objects.select_related("estate"), request.user, P.VIEW, code=code.upper()
    )
    if has_perm(request.user, P.DO_ROUNDS, checkpoint.estate):
        for r in today_rounds(request.user, timezone.now()):
            if RouteStop.objects.filter(route_id=r["route_id"], checkpoint=checkpoint).exists():
                url = reverse(
                    "inspections:round_checkpoint",
                    kwargs={"round_pk": r["id"], "checkpoint_pk": checkpoint.pk},
                )
                return redirect(f"{url}?{urlencode({'method': 'qr', 'code': checkpoint.code})}")
    return redirect(checkpoint)


@staff_required
def round_export(request):
    """The rounds list as filtered, as XLSX (times in local time, statuses in words)."""
    rows = scoped_list(Round.objects, request, P.VIEW).select_related(
        "estate", "plan", "route", "assignee"
    )
    _filterset, rows = apply_filters(request, rows, RoundFilter)
    zone = local_zone()

    def local(value):
        return timezone.localtime(value, zone).replace(tzinfo=None) if value else None

    data = (
        (
            r.estate.name,
            r.plan.name,
            r.route.name,
            local(r.window_start),
            local(r.window_end),
            str(r.assignee) if r.assignee else "",
            r.get_status_display(),
            local(r.finished_at),
        )
        for r in rows.order_by("-window_start", "-id")[:10_000]
    )
    headers = [_("Estate"), _("Plan"), _("Route"), _("window opens"), _("window closes"),
               _("Inspector"), _("Status"), _("finished at")]  # fmt: skip
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"rounds-{stamp}.xlsx", _("Inspection rounds"), headers, data)
