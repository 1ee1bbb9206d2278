"""Forms of the estate's repair settings: deadline rules (SLA) and the urge interval."""

from django import forms
from django.utils.translation import gettext_lazy as _

from estates.models import URGE_INTERVAL_MINUTES

from .choices import Category, Priority

SMALL_INPUT = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


def _minutes(label):
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=60 * 24 * 365,
        widget=forms.NumberInput(attrs={**SMALL_INPUT, "inputmode": "numeric"}),
    )


class SlaRuleForm(forms.Form):
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", "—"), *Priority.choices],
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Every category")), *Category.choices],
        required=False,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    response_minutes = _minutes(_("Respond within (minutes)"))
    onsite_minutes = _minutes(_("On site within (minutes)"))
    completion_minutes = _minutes(_("Complete within (minutes)"))


SlaRuleFormSet = forms.formset_factory(
    SlaRuleForm, extra=3, can_delete=True, max_num=60, absolute_max=60
)


class UrgeIntervalForm(forms.Form):
    urge_interval_minutes = forms.IntegerField(
        label=_("Owners may urge a ticket again after (minutes)"),
        min_value=URGE_INTERVAL_MINUTES[0],
        max_value=URGE_INTERVAL_MINUTES[1],
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text=_("From 10 minutes to 1440 (one day)."),
    )
