"""The staff side of repair tickets: the board, recording a report for an owner, one ticket
with the actions the user may take now, a technician's phone page and the estate's deadlines.

Views parse forms and call maintenance.services; every ticket comes from the user's scope
(another estate's ticket is a 404) and the services refuse what a role may not do (403)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.audit import timeline_for
from core.errors import DomainError
from core.feedback import form_errors_from, run_service
from core.money import money_sum
from core.redirects import safe_next
from estates import permissions as EP
from estates.access import get_scoped_or_404, staff_required
from estates.models import Building, Equipment
from estates.permissions import has_perm, has_perm_somewhere, require
from estates.selectors import current_estate, set_current_estate
from estates.validators import mask_phone

from .. import permissions as P
from .. import services, sla
from ..choices import (
    Category,
    Channel,
    Deadline,
    PauseReason,
    PhotoKind,
    Priority,
    category_for_equipment,
)
from ..choices import Status as S
from ..forms_staff import (
    CancelForm,
    CloseForm,
    CompleteForm,
    DispatchForm,
    FollowUpForm,
    PauseForm,
    RegisterForm,
    RejectForm,
    SimpleActionForm,
    SlaRuleFormSet,
    TicketCreateForm,
    UrgeIntervalForm,
    VerifyForm,
)
from ..models import Ticket
from ..selectors import (
    effective_deadlines,
    my_open_jobs,
)
from .common import ticket_badges

# The ticket's timeline, in words.
VERBS = {
    "ticket_reported": gettext_lazy("Reported"),
    "ticket_registered": gettext_lazy("Registered"),
    "ticket_rejected": gettext_lazy("Rejected"),
    "ticket_cancelled": gettext_lazy("Cancelled"),
    "ticket_dispatched": gettext_lazy("Dispatched"),
    "ticket_reassigned": gettext_lazy("Reassigned"),
    "ticket_accepted": gettext_lazy("Accepted by the technician"),
    "ticket_arrived": gettext_lazy("Technician on site"),
    "ticket_repair_started": gettext_lazy("Repair started"),
    "ticket_paused": gettext_lazy("Paused"),
    "ticket_resumed": gettext_lazy("Resumed"),
    "ticket_completed": gettext_lazy("Completed"),
    "ticket_verified": gettext_lazy("Verified"),
    "ticket_reopened": gettext_lazy("Failed the check: reopened"),
    "ticket_followed_up": gettext_lazy("Followed up"),
    "ticket_rated": gettext_lazy("Rated by the owner"),
    "ticket_closed": gettext_lazy("Closed"),
    "ticket_urged": gettext_lazy("Urged by the owner"),
    "deadline_warning": gettext_lazy("Deadline approaching"),
    "deadline_overdue": gettext_lazy("Overdue, escalated to the manager"),
}
# Stored as values by the services; shown as labels.
CHANGE_LABELS = {
    "priority": dict(Priority.choices),
    "category": dict(Category.choices),
    "status": dict(S.choices),
    "channel": dict(Channel.choices),
}

DETAIL_RELATED = (
    "estate",
    "unit__building",
    "building",
    "equipment",
    "technician",
    "reporter",
    "created_by",
    "duplicate_of",
)


# --- Actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    slug: str
    label: str
    form: type
    perm: str
    statuses: tuple
    call: Callable  # (request, ticket, cleaned_data) -> ticket
    message: Callable  # (ticket, cleaned_data) -> str
    technician_step: bool = False  # only the assigned technician (or a dispatcher for them)
    style: str = "primary"


def _tech_name(ticket):
    return str(ticket.technician) if ticket.technician_id else ""


def _number(ticket):
    return {"number": ticket.number}


ACTIONS: dict[str, Action] = {
    a.slug: a
    for a in [
        Action(
            "register",
            gettext_lazy("Register"),
            RegisterForm,
            P.REGISTER,
            (S.REPORTED,),
            lambda r, t, d: services.ticket_register(
                ticket_id=t.pk,
                actor=r.user,
                version=d["version"],
                priority=d["priority"],
                category=d["category"],
                note=d["note"],
            ),
            lambda t, d: _("Ticket %(number)s registered.") % _number(t),
        ),
        Action(
            "reject",
            gettext_lazy("Reject"),
            RejectForm,
            P.REGISTER,
            (S.REPORTED,),
            lambda r, t, d: services.ticket_reject(
                ticket_id=t.pk, actor=r.user, version=d["version"], reason=d["reason"]
            ),
            lambda t, d: _("Ticket %(number)s rejected.") % _number(t),
            style="outline-danger",
        ),
        Action(
            "dispatch",
            gettext_lazy("Dispatch"),
            DispatchForm,
            P.DISPATCH,
            (S.REGISTERED, *services.REASSIGNABLE),
            lambda r, t, d: services.ticket_dispatch(
                ticket_id=t.pk,
                actor=r.user,
                version=d["version"],
                technician=d["technician_user"],
                reason=d.get("reason", ""),
            ),
            lambda t, d: (
                _("Ticket %(number)s dispatched to %(name)s.")
                % {"number": t.number, "name": _tech_name(t)}
            ),
        ),
        Action(
            "cancel",
            gettext_lazy("Cancel"),
            CancelForm,
            P.REGISTER,
            (S.REPORTED, S.REGISTERED),
            lambda r, t, d: services.ticket_cancel(
                ticket_id=t.pk, actor=r.user, version=d["version"], reason=d["reason"]
            ),
            lambda t, d: _("Ticket %(number)s cancelled.") % _number(t),
            style="outline-danger",
        ),
        Action(
            "accept",
            gettext_lazy("Accept the job"),
            SimpleActionForm,
            P.WORK,
            (S.DISPATCHED,),
            lambda r, t, d: services.ticket_accept(
                ticket_id=t.pk, actor=r.user, version=d["version"]
            ),
            lambda t, d: _("Ticket %(number)s accepted.") % _number(t),
            technician_step=True,
        ),
        Action(
            "arrive",
            gettext_lazy("Arrived on site"),
            SimpleActionForm,
            P.WORK,
            (S.ACCEPTED,),
            lambda r, t, d: services.ticket_arrive(
                ticket_id=t.pk, actor=r.user, version=d["version"]
            ),
            lambda t, d: (
                _("Arrival at %(place)s recorded for %(number)s.")
                % {"place": t.place, "number": t.number}
            ),
            technician_step=True,
        ),
        Action(
            "start",
            gettext_lazy("Start the repair"),
            SimpleActionForm,
            P.WORK,
            (S.ON_SITE,),
            lambda r, t, d: services.ticket_start_repair(
                ticket_id=t.pk, actor=r.user, version=d["version"]
            ),
            lambda t, d: _("Repair of %(number)s started.") % _number(t),
            technician_step=True,
        ),
        Action(
            "pause",
            gettext_lazy("Pause"),
            PauseForm,
            P.WORK,
            tuple(services.PAUSABLE),
            lambda r, t, d: services.ticket_pause(
                ticket_id=t.pk,
                actor=r.user,
                version=d["version"],
                reason=d["reason"],
                note=d["note"],
            ),
            lambda t, d: (
                _("Ticket %(number)s paused: %(reason)s.")
                % {"number": t.number, "reason": PauseReason(d["reason"]).label}
            ),
            technician_step=True,
            style="outline-warning",
        ),
        Action(
            "resume",
            gettext_lazy("Resume the work"),
            SimpleActionForm,
            P.WORK,
            (S.PAUSED,),
            lambda r, t, d: services.ticket_resume(
                ticket_id=t.pk, actor=r.user, version=d["version"]
            ),
            lambda t, d: _("Work on %(number)s resumed.") % _number(t),
            technician_step=True,
        ),
        Action(
            "complete",
            gettext_lazy("Complete"),
            CompleteForm,
            P.WORK,
            (S.IN_REPAIR,),
            lambda r, t, d: services.ticket_complete(
                ticket_id=t.pk,
                actor=r.user,
                version=d["version"],
                work_done=d["work_done"],
                materials=d["materials"],
                labour_hours=d["labour_hours"],
                labour_amount=d["labour_amount"],
                chargeable=d["chargeable"],
                after_photos=d["after_photos"],
                signature=d["signature"],
            ),
            lambda t, d: (
                _("Ticket %(number)s completed; the owner is asked to check and rate it.")
                % _number(t)
            ),
            technician_step=True,
            style="success",
        ),
        Action(
            "verify",
            gettext_lazy("Check the work"),
            VerifyForm,
            P.VERIFY,
            (S.COMPLETED,),
            lambda r, t, d: services.ticket_verify(
                ticket_id=t.pk,
                actor=r.user,
                version=d["version"],
                passed=d["passed"],
                reason=d["reason"],
            ),
            lambda t, d: (
                _("Repair %(number)s verified.") % _number(t)
                if d["passed"]
                else _("Ticket %(number)s sent back to %(name)s.")
                % {"number": t.number, "name": _tech_name(t)}
            ),
            style="success",
        ),
        Action(
            "follow-up",
            gettext_lazy("Record the follow-up"),
            FollowUpForm,
            P.FOLLOW_UP,
            (S.VERIFIED,),
            lambda r, t, d: services.ticket_follow_up(
                ticket_id=t.pk,
                actor=r.user,
                version=d["version"],
                method=d["method"],
                rating=d["rating"],
                comment=d["comment"],
            ),
            lambda t, d: (
                _("Follow-up of %(number)s recorded (rating %(rating)d).")
                % {"number": t.number, "rating": d["rating"]}
            ),
        ),
        Action(
            "close",
            gettext_lazy("Close"),
            CloseForm,
            P.FOLLOW_UP,
            (S.FOLLOWED_UP,),
            lambda r, t, d: services.ticket_close(
                ticket_id=t.pk, actor=r.user, version=d["version"], note=d["note"]
            ),
            lambda t, d: _("Ticket %(number)s closed.") % _number(t),
            style="dark",
        ),
    ]
}


def allowed_actions(user, ticket) -> list[Action]:
    """What this user may do with the ticket now (the services make the same checks)."""
    estate = ticket.estate
    result = []
    for action in ACTIONS.values():
        if ticket.status not in action.statuses or not has_perm(user, action.perm, estate):
            continue
        if (
            action.technician_step
            and ticket.technician_id != user.pk
            and not has_perm(user, P.DISPATCH, estate)
        ):
            continue
        result.append(action)
    return result


def _form_for(action, ticket, request=None):
    if request is None:
        return action.form(ticket=ticket, slug=action.slug)
    return action.form(request.POST, request.FILES, ticket=ticket, slug=action.slug)


def _cleaned(form):
    data = dict(form.cleaned_data)
    if isinstance(form, CompleteForm):
        data["materials"] = form.material_lines()
    return data


# --- Recording a report for an owner -----------------------------------------------------------


def _prefill(request):
    """The equipment or building a QR code named (?equipment= / ?building=), in scope."""
    equipment = building = None
    raw_equipment, raw_building = request.GET.get("equipment", ""), request.GET.get("building", "")
    if raw_equipment:
        if not raw_equipment.isdigit():
            raise Http404
        equipment = get_scoped_or_404(
            Equipment.objects.select_related("estate", "building"),
            request.user,
            P.CREATE,
            pk=raw_equipment,
        )
        building = equipment.building
    elif raw_building:
        if not raw_building.isdigit():
            raise Http404
        building = get_scoped_or_404(
            Building.objects.select_related("estate"), request.user, P.CREATE, pk=raw_building
        )
    return equipment, building


@staff_required
def ticket_create(request):
    equipment, building = _prefill(request)
    scanned = equipment or building
    estate = current_estate(request)
    if scanned is not None and (estate is None or estate.pk != scanned.estate_id):
        # A QR label names its estate: work there.
        estate = scanned.estate
        set_current_estate(request, estate)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("New repair ticket")})
    require(request.user, P.CREATE, estate)

    initial = {}
    if building is not None:
        initial["building"] = building.pk
    if equipment is not None:
        initial["equipment"] = equipment.pk
        initial["category"] = category_for_equipment(equipment.category)
        initial["channel"] = "staff"
    form = TicketCreateForm(
        request.POST or None,
        request.FILES or None,
        estate=estate,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        ticket = run_service(
            request,
            form,
            lambda: services.ticket_report_by_staff(
                actor=request.user,
                estate=estate,
                data=form.report_data(),
                channel=form.cleaned_data["channel"],
                reporter=form.reporter,
                photos=form.cleaned_data["photos"],
            ),
        )
        if ticket is not None:
            if ticket.priority == Priority.EMERGENCY:
                # Recorded, not registered yet: it is still "reported" until someone
                # registers it (the Chinese text used to say 已登记).
                text = _(
                    "Emergency %(number)s recorded, not registered yet: the technician on "
                    "duty and the manager have been called."
                )
            else:
                text = _("Ticket %(number)s recorded.")
            messages.success(request, text % {"number": ticket.number})
            return redirect(ticket)
    return render(
        request,
        "maintenance/staff/ticket_create.html",
        {"form": form, "estate": estate, "equipment": equipment, "scanned_building": building},
    )


# --- One ticket ----------------------------------------------------------------------------


def _get_ticket(request, ticket_pk):
    return get_scoped_or_404(
        Ticket.objects.select_related(*DETAIL_RELATED), request.user, P.VIEW, pk=ticket_pk
    )


def _deadlines(ticket, now):
    """The three deadlines: due, met (on time or late), overdue, or time left."""
    rows = []
    waiting = ticket.status == S.PAUSED and ticket.pause_reason == PauseReason.OWNER
    for kind, due, met_at, flag in (
        (Deadline.RESPONSE, ticket.response_due, ticket.registered_at, ticket.response_overdue),
        (Deadline.ONSITE, ticket.onsite_due, ticket.arrived_at, ticket.onsite_overdue),
        (
            Deadline.COMPLETION,
            ticket.completion_due,
            ticket.completed_at,
            ticket.completion_overdue,
        ),
    ):
        if due is None:
            continue
        if met_at is not None:
            state = "met" if met_at <= due else "late"
        elif not ticket.is_open:
            state = "ended"
        elif waiting:
            state = "stopped"
        elif flag or due <= now:
            state = "overdue"
        else:
            state = "running"
        rows.append({"label": kind.label, "due": due, "met_at": met_at, "state": state})
    return rows


@dataclass
class SweepEvent:
    """A warning or an escalation of the deadline sweep, shown on the timeline. The sweep
    records them as TicketReminder rows (its once-only claim), not as audit events: one
    row per reminder is all a first sweep over a backlog can afford."""

    created_at: object
    label: str
    note: str
    actor = None
    changes = None


def _events(ticket):
    events = list(timeline_for(ticket))
    for event in events:
        event.label = VERBS.get(event.verb, event.verb)
        for field, labels in CHANGE_LABELS.items():
            change = event.changes.get(field) if isinstance(event.changes, dict) else None
            if isinstance(change, list) and len(change) == 2:
                event.changes[field] = [str(labels.get(v, v)) if v else v for v in change]
    reminders = [
        SweepEvent(
            created_at=r.created_at,
            label=VERBS[f"deadline_{r.kind}"],
            note=str(Deadline(r.deadline).label),
        )
        for r in ticket.reminders.all()
    ]
    # Newest first, as the audit trail comes.
    return sorted([*events, *reminders], key=lambda e: e.created_at, reverse=True)


def _photos(ticket):
    groups = {kind: [] for kind in PhotoKind.values}
    for photo in ticket.photos.all():
        groups.setdefault(photo.kind, []).append(photo)
    return [(PhotoKind(kind).label, kind, items) for kind, items in groups.items() if items]


def _detail_context(request, ticket, bound=None):
    user = request.user
    now = timezone.now()
    can_see_people = has_perm(user, EP.VIEW_PEOPLE, ticket.estate)
    assigned_to_me = ticket.technician_id == user.pk and ticket.is_open
    actions = []
    for action in allowed_actions(user, ticket):
        form = bound if bound is not None and bound.slug == action.slug else None
        actions.append((action, form or _form_for(action, ticket)))
    materials = list(ticket.materials.all())
    ticket_badges(ticket)
    return {
        "ticket": ticket,
        "actions": actions,
        "open_action": bound.slug if bound is not None else "",
        "photo_groups": _photos(ticket),
        "deadlines": _deadlines(ticket, now),
        "materials": materials,
        "materials_total": money_sum([m.amount for m in materials]) if materials else None,
        "follow_ups": list(ticket.follow_ups.select_related("by")),
        "events": _events(ticket),
        "can_see_people": can_see_people,
        "reporter_mobile": (
            ticket.reporter.mobile
            if ticket.reporter and can_see_people
            else mask_phone(ticket.reporter.mobile if ticket.reporter else "")
        ),
        "contact_phone": (
            ticket.contact_phone
            if can_see_people or assigned_to_me
            else mask_phone(ticket.contact_phone)
        ),
    }


@staff_required
def ticket_detail(request, ticket_pk):
    ticket = _get_ticket(request, ticket_pk)
    return render(request, "maintenance/staff/ticket_detail.html", _detail_context(request, ticket))


def _back(request, ticket):
    return redirect(safe_next(request, ticket.get_absolute_url()))


def _show_again(request, ticket, form):
    """The ticket page with the action's form and its errors next to the fields."""
    messages.error(request, _("Nothing was done: please correct the form below."))
    ticket = _get_ticket(request, ticket.pk)
    return render(
        request,
        "maintenance/staff/ticket_detail.html",
        _detail_context(request, ticket, bound=form),
    )


@staff_required
@require_POST
def ticket_action(request, ticket_pk, action):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    ticket = _get_ticket(request, ticket_pk)
    require(request.user, spec.perm, ticket.estate)
    form = _form_for(spec, ticket, request)
    if not form.is_valid():
        return _show_again(request, ticket, form)
    data = _cleaned(form)
    try:
        result = spec.call(request, ticket, data)
    except Ticket.DoesNotExist as exc:  # out of the user's scope since the page was shown
        raise Http404 from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and any(f in form.fields for f in exc.error_dict):
            form_errors_from(form, exc)
            return _show_again(request, ticket, form)
        for text in exc.messages:
            messages.error(request, text)
        return _back(request, ticket)
    except DomainError as exc:
        messages.error(request, str(exc))
        return _back(request, ticket)
    result = Ticket.objects.select_related(*DETAIL_RELATED).get(pk=result.pk)
    messages.success(request, spec.message(result, data))
    return _back(request, result)


# --- A technician's phone page -------------------------------------------------------------


@staff_required
def my_jobs(request):
    if not has_perm_somewhere(request.user, P.WORK):
        raise PermissionDenied
    jobs = my_open_jobs(request.user)
    now = timezone.now()
    for ticket in jobs:
        ticket_badges(ticket, now)
        ticket.next_actions = [
            (action, _form_for(action, ticket))
            for action in allowed_actions(request.user, ticket)
            if action.technician_step
        ]
    return render(request, "maintenance/staff/my_jobs.html", {"jobs": jobs})


# --- Deadlines (SLA) of the estate ---------------------------------------------------------


def _duration(minutes: int) -> str:
    if minutes >= 1440 and minutes % 1440 == 0:
        n = minutes // 1440
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if minutes >= 60 and minutes % 60 == 0:
        n = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    if minutes > 60:
        return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@staff_required
def sla_settings(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("Repair deadlines")})
    require(request.user, P.CONFIGURE, estate)
    if request.method == "POST" and "apply_preset" in request.POST:
        sla.sla_apply_preset(estate=estate, actor=request.user)
        messages.success(
            request,
            _("The deadlines of %(level)s now apply to %(estate)s.")
            % {"level": estate.get_service_level_display(), "estate": estate.name},
        )
        return redirect("maintenance:sla_settings")
    urge_form = UrgeIntervalForm(
        request.POST if "save_urge" in request.POST else None,
        initial={"urge_interval_minutes": estate.urge_interval_minutes},
    )
    if urge_form.is_bound and urge_form.is_valid():
        minutes = urge_form.cleaned_data["urge_interval_minutes"]
        saved = run_service(
            request,
            urge_form,
            lambda: sla.urge_interval_save(estate=estate, actor=request.user, minutes=minutes),
            _("Owners of %(estate)s may urge a ticket again after %(minutes)d minutes.")
            % {"estate": estate.name, "minutes": minutes},
        )
        if saved is not None:
            return redirect("maintenance:sla_settings")

    initial = [
        {
            "priority": rule.priority,
            "category": rule.category,
            "response_minutes": rule.response_minutes,
            "onsite_minutes": rule.onsite_minutes,
            "completion_minutes": rule.completion_minutes,
        }
        for rule in estate.sla_policies.order_by("priority", "category", "id")
    ]
    saving_rules = request.method == "POST" and not urge_form.is_bound
    formset = SlaRuleFormSet(
        request.POST if saving_rules else None, initial=initial, prefix="rules"
    )
    errors = []
    if saving_rules and formset.is_valid():
        rows = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            count = sla.sla_rules_save(estate=estate, actor=request.user, rows=rows)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("%(count)d deadline rules saved for %(estate)s.")
                % {"count": count, "estate": estate.name},
            )
            return redirect("maintenance:sla_settings")
    effective = effective_deadlines(estate)
    for rule in effective:
        rule.response_text = _duration(rule.response)
        rule.onsite_text = _duration(rule.onsite)
        rule.completion_text = _duration(rule.completion)
    return render(
        request,
        "maintenance/staff/sla_settings.html",
        {
            "estate": estate,
            "effective": effective,
            "formset": formset,
            "errors": errors,
            "urge_form": urge_form,
            "preset_level": estate.get_service_level_display(),
            "events": timeline_for(
                estate, limit=10, verbs=("sla_preset", "sla_rules_saved", "urge_interval_set")
            ),
            "board_url": reverse("maintenance:ticket_board"),
        },
    )
