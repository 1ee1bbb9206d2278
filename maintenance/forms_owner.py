"""Forms of the owner's repair pages. They parse and check input only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Category
from .fields import PhotosField, _datetime_local

COMMON_AREA = "common"


class ReportForm(forms.Form):
    """Report a problem: one of my units, or a common area of an estate I live in."""

    where = forms.ChoiceField(label=_("Where is the problem?"), widget=forms.RadioSelect)
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=None,
        required=False,
        empty_label=_("Outside the buildings / not sure"),
    )
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For a common area: where exactly (for example: 1st floor lobby)."),
    )
    category = forms.ChoiceField(label=_("What kind of problem?"), choices=Category.choices)
    description = forms.CharField(
        label=_("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    emergency = forms.BooleanField(
        label=_("This is an emergency"),
        required=False,
        help_text=_(
            "Only for water leaking, no power, or people trapped in a lift: the technician "
            "on duty and the manager are called at once."
        ),
    )
    preferred_from = _datetime_local(_("A good time for us to come: from"))
    preferred_to = _datetime_local(_("until"))
    photos = PhotosField(
        label=_("Photos"),
        help_text=_("Up to 6 photos; you can take them with the camera."),
    )

    def __init__(self, *args, units, buildings, equipment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.equipment = equipment
        choices = [
            (key, f"{u.estate.name} {u.building.name} {u.label}") for key, u in self.units.items()
        ]
        choices.append((COMMON_AREA, _("A common area (stairs, lift, garden, car park…)")))
        self.fields["where"].choices = choices
        self.fields["building"].queryset = buildings

    def clean(self):
        data = super().clean()
        where = data.get("where")
        if where == COMMON_AREA:
            if self.equipment is None and not data.get("location", "").strip():
                self.add_error("location", _("Say where the problem is."))
        start, end = data.get("preferred_from"), data.get("preferred_to")
        if start and end and end < start:
            self.add_error("preferred_to", _("The end of the window is before its start."))
        return data

    @property
    def unit(self):
        return self.units.get(self.cleaned_data.get("where"))


class VersionForm(forms.Form):
    """The ticket version the page showed: a change in between makes the action refuse."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        """The service's keyword arguments (besides the ticket and the actor)."""
        return dict(self.cleaned_data)


class UrgeForm(forms.Form):
    """Urging asks nothing: whatever changed since the page, the owner may urge."""

    def service_kwargs(self) -> dict:
        return {}


class CancelForm(VersionForm):
    reason = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)


class VerifyForm(VersionForm):
    passed = forms.TypedChoiceField(
        choices=[("yes", _("The repair is fine")), ("no", _("Still not fixed"))],
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(
        label=_("What is still wrong?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("passed") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Say what is still wrong."))
        return data


class RateForm(VersionForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
