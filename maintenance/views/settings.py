"""The estate's repair deadlines (SLA rules, or its service level's preset) and how long
owners wait between two urges. The writes are services (maintenance.services.settings)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import timeline_for
from core.feedback import run_service
from estates.access import staff_required
from estates.permissions import require
from estates.selectors import current_estate

from .. import permissions as P
from .. import services
from ..forms_settings import SlaRuleFormSet, UrgeIntervalForm
from ..selectors import effective_deadlines

SETTINGS_VERBS = ("sla_preset", "sla_rules_saved", "urge_interval_set")


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


def _apply_preset(request, estate):
    services.sla_apply_preset(estate=estate, actor=request.user)
    messages.success(
        request,
        _("The deadlines of %(level)s now apply to %(estate)s.")
        % {"level": estate.get_service_level_display(), "estate": estate.name},
    )
    return redirect("maintenance:sla_settings")


def _urge_form(request, estate):
    """The urge interval's form, and the redirect once it is saved."""
    form = UrgeIntervalForm(
        request.POST if "save_urge" in request.POST else None,
        initial={"urge_interval_minutes": estate.urge_interval_minutes},
    )
    if form.is_bound and form.is_valid():
        minutes = form.cleaned_data["urge_interval_minutes"]
        saved = run_service(
            request,
            form,
            lambda: services.urge_interval_save(estate=estate, actor=request.user, minutes=minutes),
            _("Owners of %(estate)s may urge a ticket again after %(minutes)d minutes.")
            % {"estate": estate.name, "minutes": minutes},
        )
        if saved is not None:
            return form, redirect("maintenance:sla_settings")
    return form, None


def _rules_formset(request, estate, saving: bool):
    """The rules' formset, the errors of the rules together, and the redirect once saved."""
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
    formset = SlaRuleFormSet(request.POST if saving else None, initial=initial, prefix="rules")
    if not (saving and formset.is_valid()):
        return formset, [], None
    rows = [
        f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    try:
        count = services.sla_rules_save(estate=estate, actor=request.user, rows=rows)
    except ValidationError as exc:
        return formset, exc.messages, None
    messages.success(
        request,
        _("%(count)d deadline rules saved for %(estate)s.")
        % {"count": count, "estate": estate.name},
    )
    return formset, [], redirect("maintenance:sla_settings")


def _effective(estate):
    effective = effective_deadlines(estate)
    for rule in effective:
        rule.response_text = _duration(rule.response)
        rule.onsite_text = _duration(rule.onsite)
        rule.completion_text = _duration(rule.completion)
    return effective


@staff_required
def sla_settings(request):
    estate = current_estate(request)
    if estate is None:
        return render(request, "estates/choose_estate.html", {"title": _("Repair deadlines")})
    require(request.user, P.CONFIGURE, estate)
    if request.method == "POST" and "apply_preset" in request.POST:
        return _apply_preset(request, estate)
    urge_form, done = _urge_form(request, estate)
    if done is not None:
        return done
    saving_rules = request.method == "POST" and not urge_form.is_bound
    formset, errors, done = _rules_formset(request, estate, saving_rules)
    if done is not None:
        return done
    return render(
        request,
        "maintenance/staff/sla_settings.html",
        {
            "estate": estate,
            "effective": _effective(estate),
            "formset": formset,
            "errors": errors,
            "urge_form": urge_form,
            "preset_level": estate.get_service_level_display(),
            "events": timeline_for(estate, limit=10, verbs=SETTINGS_VERBS),
            "board_url": reverse("maintenance:ticket_board"),
        },
    )
