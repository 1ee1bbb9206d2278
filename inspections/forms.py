"""Forms of the staff pages that set inspections up: checkpoints and their items, routes,
plans; and the round page's small forms (scan, give to someone else)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from estates.choices import Role
from estates.models import Equipment, StaffMembership
from estates.permissions import role_has

from . import permissions as P
from .choices import WEEKDAYS, ItemKind, Recurrence, ScanMethod
from .models import CheckItem, CheckItemTemplate, Checkpoint, Plan, Route
from .recurrence import parse_times


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["name", "place", "equipment", "nfc_tag", "require_scan", "is_active"]

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = Equipment.objects.filter(estate=estate).order_by("code")
        self.fields["equipment"].help_text = _(
            "A new checkpoint on equipment starts with its category's checklist."
        )


class CheckItemForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("choices"), required=False, help_text=_("Comma-separated, for a choice.")
    )
    abnormal_text = forms.CharField(
        label=_("abnormal choices"), required=False, help_text=_("Those that are a finding.")
    )

    class Meta:
        model = CheckItem
        fields = ["position", "label", "kind", "unit", "min_value", "max_value", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = ", ".join(self.instance.choices)
            self.fields["abnormal_text"].initial = ", ".join(self.instance.abnormal_choices)

    def clean(self):
        data = super().clean()
        options, abnormal = (
            _split(data.get("choices_text", "")),
            _split(data.get("abnormal_text", "")),
        )
        if data.get("kind") == ItemKind.CHOICE and len(options) < 2:
            self.add_error("choices_text", _("Give at least two choices."))
        if any(a not in options for a in abnormal):
            self.add_error("abnormal_text", _("Each abnormal choice must be one of the choices."))
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and high < low:
            self.add_error("max_value", _("The highest allowed value is below the lowest."))
        self.instance.choices, self.instance.abnormal_choices = options, abnormal
        return data


CheckItemFormSet = inlineformset_factory(
    Checkpoint, CheckItem, form=CheckItemForm, extra=2, can_delete=True
)


class RouteForm(forms.ModelForm):
    """The route and, for each checkpoint of the estate, its place in the walk (empty: not
    on this route)."""

    class Meta:
        model = Route
        fields = ["name", "enforce_order", "is_active"]

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkpoints = list(
            Checkpoint.objects.filter(estate=estate, is_active=True).order_by("name", "pk")
        )
        current = {}
        if self.instance.pk:
            current = {s.checkpoint_id: s.position + 1 for s in self.instance.stops.all()}
        for c in self.checkpoints:
            self.fields[f"stop_{c.pk}"] = forms.IntegerField(
                label=str(c), required=False, min_value=1, initial=current.get(c.pk)
            )

    def clean(self):
        data = super().clean()
        chosen = [(data.get(f"stop_{c.pk}"), c) for c in self.checkpoints]
        chosen = [(n, c) for n, c in chosen if n]
        if not chosen:
            raise ValidationError(_("Put at least one checkpoint on the route (its number)."))
        numbers = [n for n, _c in chosen]
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("Two checkpoints have the same number."))
        self.ordered = [c for _n, c in sorted(chosen, key=lambda nc: nc[0])]
        return data


def doer_roles():
    return [(r.value, r.label) for r in Role if role_has(r.value, P.DO_ROUNDS)]


class PlanForm(forms.ModelForm):
    times_text = forms.CharField(
        label=_("start times"), help_text=_("Local times, comma-separated: 08:00, 20:00")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Plan
        fields = [
            "name", "route", "recurrence", "interval_days", "weekdays", "month_day",
            "window_minutes", "start_date", "end_date", "assignees", "assignee_role",
            "skip_holidays", "is_active",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "assignees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = Route.objects.filter(estate=estate, is_active=True)
        roles = [r for r, _l in doer_roles()]
        users = StaffMembership.objects.active().filter(estate=estate, role__in=roles)
        self.fields["assignees"].queryset = (
            get_user_model().objects.filter(pk__in=users.values("user_id")).order_by("username")
        )
        self.fields["assignees"].required = False
        self.fields["assignee_role"].choices = [("", "—"), *doer_roles()]
        self.fields["times_text"].initial = ", ".join(self.instance.times or ["09:00"])
        order = list(self.Meta.fields)
        order.insert(order.index("recurrence") + 1, "times_text")
        self.order_fields(order)

    def clean_times_text(self):
        try:
            times = parse_times(_split(self.cleaned_data["times_text"]))
        except ValueError:
            raise ValidationError(_("Write times as HH:MM, e.g. 08:00, 20:00.")) from None
        if not times:
            raise ValidationError(_("Give at least one start time."))
        return [t.strftime("%H:%M") for t in times]

    def clean(self):
        data = super().clean()
        kind = data.get("recurrence")
        if kind == Recurrence.WEEKDAYS and not data.get("weekdays"):
            self.add_error("weekdays", _("Choose the weekdays."))
        day = data.get("month_day")
        if kind == Recurrence.MONTHLY_DAY and not (day and 1 <= day <= 31):
            self.add_error("month_day", _("Give a day from 1 to 31."))
        if not data.get("assignees") and not data.get("assignee_role"):
            self.add_error("assignee_role", _("Name people or a role who walk the rounds."))
        if "times_text" in data:
            self.instance.times = data["times_text"]
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data.pop("assignees", None)
        data["times"] = self.cleaned_data["times_text"]
        data["weekdays"] = list(self.cleaned_data.get("weekdays") or [])
        return data


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Checkpoint code"), max_length=64)
    method = forms.ChoiceField(choices=ScanMethod.choices, initial=ScanMethod.TYPED)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Inspector"), queryset=None)

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [r for r, _l in doer_roles()]
        users = StaffMembership.objects.active().filter(estate=round_.estate, role__in=roles)
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(pk__in=users.values("user_id")).order_by("username")
        )


class TemplateItemForm(CheckItemForm):
    class Meta(CheckItemForm.Meta):
        model = CheckItemTemplate


TemplateFormSet = forms.modelformset_factory(
    CheckItemTemplate, form=TemplateItemForm, extra=2, can_delete=True
)


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("name"), max_length=60)
    company_wide = forms.BooleanField(label=_("For every estate"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_company_admin:
            del self.fields["company_wide"]
