"""Forms of meters: a meter (unit or shared), the upload of a file of readings, the
confirmation of an import's warnings. They parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from estates.models import Building, Unit

from ..choices import AllocationRule, FeeKind, MeterKind
from ..models import FeeItem, Meter

NOT_METERED = (FeeKind.PROPERTY, FeeKind.PARKING, FeeKind.GARBAGE)  # gas: a one-off or own item


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.building.name} {obj.label}"


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.building.name} {obj.label}"


class MeterForm(forms.ModelForm):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Empty: a shared meter (公摊)."),
    )
    served_units = UnitsChoiceField(
        label=_("Units served"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Shared meters only. None chosen: every unit of the building (or estate)."),
    )

    class Meta:
        model = Meter
        fields = ["unit", "building", "kind", "fee_item", "serial_number", "multiplier",
                  "initial_value", "allocation", "served_units", "installed_on", "removed_on",
                  "is_active"]  # fmt: skip
        widgets = {
            "installed_on": forms.DateInput(attrs={"type": "date"}),
            "removed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.estate = estate
        units = Unit.objects.filter(estate=estate).select_related("building")
        units = units.order_by("building__name", "entrance", "number")
        self.fields["unit"].queryset = units
        self.fields["served_units"].queryset = units
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["fee_item"].queryset = FeeItem.objects.for_estate(estate).exclude(
            kind__in=NOT_METERED
        )
        self.fields["kind"].choices = MeterKind.choices
        self.fields["allocation"].choices = [("", "—"), *AllocationRule.choices]

    def clean(self):
        data = super().clean()
        if data.get("unit") is not None:  # a unit meter: in the unit's building, no rule
            data["allocation"], data["served_units"] = "", []
            data["building"] = data["unit"].building
        elif data.get("unit") is None and not data.get("allocation"):
            self.add_error("allocation", _("A shared meter needs an allocation rule."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["served_units"] = list(data.get("served_units") or [])
        return data


class ReadingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file or an Excel workbook (.xlsx) with the columns of the template: meter "
            "serial number, month, reading (and the day read)."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        from estates.imports import parsing

        upload = self.cleaned_data["file"]
        parsing.check_file(upload)  # type by content, size: the error next to the field
        return upload


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the warnings above: import these readings as they are."),
        required=False,
    )
