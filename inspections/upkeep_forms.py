"""Forms of equipment maintenance: the plan, the technician's completion, the review."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.attachments import accepted_description, prepare_upload
from estates.models import Equipment, StaffMembership

from .choices import WEEKDAYS, UpkeepRecurrence
from .forms import _split, doer_roles
from .models import UpkeepPlan
from .recurrence import parse_times

MAX_PHOTOS = 6


class PlanUpkeepForm(forms.ModelForm):
    times_text = forms.CharField(
        label=_("start times"), initial="09:00", help_text=_("Local times, comma-separated.")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = UpkeepPlan
        fields = [
            "name", "equipment", "category", "work", "recurrence", "interval_days",
            "interval_months", "weekdays", "month_day", "window_days", "start_date", "end_date",
            "assignees", "assignee_role", "skip_holidays", "needs_acceptance", "contractor",
            "is_active",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "assignees": forms.CheckboxSelectMultiple,
            "work": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = Equipment.objects.filter(estate=estate).order_by("code")
        roles = [r for r, _l in doer_roles()]
        users = StaffMembership.objects.active().filter(estate=estate, role__in=roles)
        self.fields["assignees"].queryset = (
            get_user_model().objects.filter(pk__in=users.values("user_id")).order_by("username")
        )
        self.fields["assignees"].required = False
        self.fields["assignee_role"].choices = [("", "—"), *doer_roles()]
        if self.instance.pk:
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
        if bool(data.get("equipment")) == bool(data.get("category")):
            self.add_error("category", _("Choose one piece of equipment or a category."))
        kind = data.get("recurrence")
        if kind == UpkeepRecurrence.WEEKDAYS and not data.get("weekdays"):
            self.add_error("weekdays", _("Choose the weekdays."))
        day = data.get("month_day")
        if kind == UpkeepRecurrence.MONTHLY_DAY and not (day and 1 <= day <= 31):
            self.add_error("month_day", _("Give a day from 1 to 31."))
        if not data.get("assignees") and not data.get("assignee_role"):
            self.add_error("assignee_role", _("Name people or a role who do the work."))
        if "times_text" in data:
            self.instance.times = data["times_text"]
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data.pop("assignees", None)
        data["times"] = self.cleaned_data["times_text"]
        data["weekdays"] = list(self.cleaned_data.get("weekdays") or [])
        return data


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input, each checked and re-encoded by core.attachments."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                      "capture": "environment"}),
        )  # fmt: skip
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(max)d photos, please.") % {"max": MAX_PHOTOS})
        errors, prepared = [], []
        for upload in files:
            try:
                prepared.append(prepare_upload(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return prepared


def parse_parts(text: str) -> list[tuple[str, Decimal]]:
    """One part a line, "name, quantity" (the quantity may be left out: 1)."""
    parts = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, qty = line.replace("，", ",").rpartition(",")
        if not name:
            name, qty = qty, ""
        try:
            quantity = Decimal(qty.strip()) if qty.strip() else Decimal(1)
        except InvalidOperation:
            raise ValidationError(
                _("“%(line)s”: write the quantity as a number after a comma.") % {"line": line}
            ) from None
        if quantity <= 0 or quantity >= 10**8:
            raise ValidationError(_("“%(line)s”: the quantity must be positive.") % {"line": line})
        parts.append((name.strip()[:100], quantity))
    return parts


class CompleteForm(forms.Form):
    work_done = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 4}))
    parts_text = forms.CharField(
        label=_("Parts used"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name, quantity (e.g. 钢丝绳润滑油, 2)."),
    )
    outsourced = forms.BooleanField(label=_("Outsourced"), required=False)
    contractor = forms.CharField(label=_("Contractor"), required=False, max_length=100)
    photos = PhotosField(label=_("Photos"), help_text=accepted_description())

    def clean_parts_text(self):
        return parse_parts(self.cleaned_data.get("parts_text", ""))

    def clean(self):
        data = super().clean()
        if data.get("outsourced") and not (data.get("contractor") or "").strip():
            self.add_error("contractor", _("Name the contractor of outsourced work."))
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the work is sent back."),
    )  # fmt: skip
