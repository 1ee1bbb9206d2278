from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Skill
from .models import Building, Equipment, Estate, Occupancy, Person, StaffMembership, Unit
from .validators import normalize_mobile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EstateForm(forms.ModelForm):
    class Meta:
        model = Estate
        fields = ["name", "code", "address", "service_phone", "service_level", "is_active"]


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name", "floors", "completed_on", "note"]
        widgets = {"completed_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, estate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.estate = estate or getattr(self.instance, "estate", None)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["building", "entrance", "number", "floor", "area", "kind", "status"]

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by("name")
        self.instance.estate = estate


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "mobile", "email", "id_number", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "mobile": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.id_number:
            # The stored number is never sent back to the browser: blank keeps it.
            self.initial["id_number"] = ""
            self.fields["id_number"].help_text = _(
                "On file: %(masked)s. Leave blank to keep it."
            ) % {"masked": self.instance.id_number_masked}

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if not value and self.instance.pk:
            return self.instance.id_number
        return value


class OccupancyForm(forms.ModelForm):
    class Meta:
        model = Occupancy
        fields = ["person", "unit", "role", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["unit"].queryset = units.select_related("building")


class OccupancyEndForm(forms.Form):
    end_date = forms.DateField(label=_("Moved out on"), widget=DATE)


class MembershipForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For technicians: used to suggest who to dispatch."),
    )

    class Meta:
        model = StaffMembership
        fields = ["role", "skills", "on_duty", "is_active"]


class StaffInviteForm(MembershipForm):
    """Add a staff member: an existing login by username, or a new one."""

    username = forms.SlugField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("A new login gets a link to set its password here."),
    )
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)

    class Meta(MembershipForm.Meta):
        fields = ["role", "skills"]

    field_order = ["username", "display_name", "email", "mobile", "role", "skills"]

    def existing_user(self):
        return get_user_model().objects.filter(username=self.cleaned_data["username"]).first()


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = [
            "code",
            "name",
            "category",
            "building",
            "location",
            "model_number",
            "supplier",
            "install_date",
            "warranty_end",
            "status",
            "note",
        ]
        widgets = {
            "install_date": DATE,
            "warranty_end": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by("name")
        self.instance.estate = estate


class EstateSwitchForm(forms.Form):
    estate = forms.IntegerField(required=False)
