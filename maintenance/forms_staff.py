"""Forms of the staff repair pages. They parse and check input; the services decide.

Every action form carries the ticket's `version` (hidden): the service refuses a form shown
before someone else changed the ticket."""

import base64
import binascii
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from core.uploads import check_upload
from core.widgets import FastSelect
from estates.models import Building, Equipment, Person, Unit
from estates.validators import normalize_mobile

from . import services
from .choices import Category, Channel, FollowUpMethod, PauseReason, Priority
from .fields import PhotosField, _datetime_local
from .selectors import suggest_technicians

MAX_SIGNATURE_BYTES = 1024 * 1024
# How a report reaches customer service (the portal, QR codes and other modules have
# their own ways in).
STAFF_CHANNELS = [Channel.PHONE, Channel.WALK_IN, Channel.WECHAT, Channel.EMAIL, Channel.STAFF]
MAX_EQUIPMENT_IN_SELECT = 500


# --- Recording a report for an owner -----------------------------------------------------------


class TicketCreateForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did the report come in?"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    building = forms.TypedChoiceField(
        label=_("Building"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    unit_number = forms.CharField(
        label=_("Unit number"),
        max_length=30,
        required=False,
        help_text=_(
            "Inside a unit: its number in the building above (0301, or 1-0301 with the "
            "entrance). Leave blank for a common area."
        ),
    )
    equipment = forms.TypedChoiceField(
        label=_("Equipment"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For a common area: where exactly (for example: 1st floor lobby)."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        help_text=_("Emergency: leaks, power loss, people trapped in a lift."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    preferred_from = _datetime_local(_("Good time to come: from"))
    preferred_to = _datetime_local(_("until"))
    reporter_mobile = forms.CharField(
        label=_("Owner's mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_("Optional: links the ticket to the owner or resident with this number."),
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    photos = PhotosField(label=_("Photos"), help_text=_("Up to 6 photos."))

    def __init__(self, *args, estate, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate, self.user = estate, user
        self.unit = self.reporter = None
        buildings = Building.objects.filter(estate=estate).order_by("name")
        self.fields["building"].choices = [("", "—"), *buildings.values_list("pk", "name")]
        equipment = Equipment.objects.filter(estate=estate).order_by("code")
        rows = list(equipment.values_list("pk", "code", "name")[: MAX_EQUIPMENT_IN_SELECT + 1])
        self.fields["equipment"].choices = [("", "—")] + [
            (pk, f"{code} {name}") for pk, code, name in rows[:MAX_EQUIPMENT_IN_SELECT]
        ]

    def _in_estate(self, model, pk):
        if pk is None:
            return None
        return model.objects.filter(estate=self.estate, pk=pk).first()

    def clean(self):
        data = super().clean()
        building = self._in_estate(Building, data.get("building"))
        equipment = self._in_estate(Equipment, data.get("equipment"))
        if data.get("equipment") is not None and equipment is None:
            self.add_error("equipment", _("Choose equipment of this estate."))
        if equipment is not None and building is None and equipment.building_id:
            building = equipment.building
        data["building_obj"], data["equipment_obj"] = building, equipment

        number = (data.get("unit_number") or "").strip()
        if number:
            if building is None:
                self.add_error("building", _("Choose the unit's building."))
            else:
                self.unit = self._find_unit(building, number)
                if self.unit is None:
                    self.add_error(
                        "unit_number",
                        _("No unit %(number)s in %(building)s.")
                        % {"number": number, "building": building.name},
                    )
        elif (
            building is None
            and equipment is None
            and not (data.get("location") or "").strip()
            and "building" not in self.errors
        ):
            self.add_error("location", _("Say where: a unit, or a building, equipment or place."))

        mobile = normalize_mobile(data.get("reporter_mobile") or "")
        if mobile:
            self.reporter = (
                Person.objects.for_user(self.user)
                .in_estate(self.estate)
                .filter(mobile=mobile)
                .order_by("pk")
                .first()
            )
            if self.reporter is None:
                self.add_error(
                    "reporter_mobile",
                    _(
                        "Nobody with this mobile number lives in this estate. Leave it blank "
                        "and fill in the contact instead."
                    ),
                )
        start, end = data.get("preferred_from"), data.get("preferred_to")
        if start and end and end < start:
            self.add_error("preferred_to", _("The end of the window is before its start."))
        return data

    @staticmethod
    def _find_unit(building, number):
        units = Unit.objects.filter(building=building)
        entrance, _sep, rest = number.partition("-")
        if rest:
            found = units.filter(entrance=entrance, number=rest).first()
            if found is not None:
                return found
        matches = list(units.filter(number=number)[:2])
        return matches[0] if len(matches) == 1 else None

    def report_data(self) -> services.ReportData:
        data = self.cleaned_data
        place = {"unit": self.unit}
        if self.unit is None:
            place = {
                "building": data["building_obj"],
                "equipment": data["equipment_obj"],
                "location": data["location"].strip(),
            }
        return services.ReportData(
            category=data["category"],
            description=data["description"],
            priority=data["priority"],
            preferred_from=data["preferred_from"],
            preferred_to=data["preferred_to"],
            contact_name=data["contact_name"].strip(),
            contact_phone=normalize_mobile(data["contact_phone"]),
            **place,
        )


# --- Actions on a ticket --------------------------------------------------------------------


class ActionForm(forms.Form):
    """Base of every action form: the version the page showed, field ids per action."""

    slug = "action"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, ticket, slug=None, **kwargs):
        self.slug = slug or self.slug  # a form shared by several actions takes the action's
        kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", ticket.version)
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def service_kwargs(self) -> dict:
        """The service's keyword arguments (besides the ticket and the actor)."""
        return dict(self.cleaned_data)


class SimpleActionForm(ActionForm):
    """accept, arrive, start, resume: nothing but the version."""


class RegisterForm(ActionForm):
    slug = "register"
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, ticket, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("priority", ticket.priority)
        kwargs["initial"].setdefault("category", ticket.category)
        super().__init__(*args, ticket=ticket, **kwargs)


class RejectForm(ActionForm):
    slug = "reject"
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(ActionForm):
    slug = "cancel"
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class DispatchForm(ActionForm):
    slug = "dispatch"
    technician = forms.TypedChoiceField(label=_("Technician"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        required=False,
        help_text=_("Needed when the ticket goes from one technician to another."),
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.suggestions = suggest_technicians(ticket)
        self.fields["technician"].choices = [(m.user_id, str(m.user)) for m in self.suggestions]
        if ticket.technician_id is None:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        chosen = data.get("technician")
        data["technician_user"] = next(
            (m.user for m in self.suggestions if m.user_id == chosen), None
        )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "technician": data["technician_user"],
            "reason": data.get("reason", ""),
        }


class PauseForm(ActionForm):
    slug = "pause"
    reason = forms.ChoiceField(label=_("Waiting for"), choices=PauseReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


SMALL_INPUT = {"class": "form-control form-control-sm"}
SMALL_NUMBER = {"class": "form-control form-control-sm", "inputmode": "decimal", "step": "0.01"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


class MaterialForm(forms.Form):
    name = forms.CharField(
        label=_("Material"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=SMALL_INPUT),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        widget=forms.NumberInput(attrs=SMALL_NUMBER),
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        widget=forms.NumberInput(attrs=SMALL_NUMBER),
    )

    def clean(self):
        data = super().clean()
        name = (data.get("name") or "").strip()
        quantity, price = data.get("quantity"), data.get("unit_price")
        if not name and quantity is None and price is None:
            return data  # a blank row
        if not name:
            self.add_error("name", _("Name the material."))
        if quantity is None:
            self.add_error("quantity", _("How many?"))
        if price is None:
            self.add_error("unit_price", _("At what price? 0 if free."))
        data["name"] = name
        return data


MaterialFormSet = forms.formset_factory(MaterialForm, extra=5, max_num=30, absolute_max=30)


def signature_file(value: str):
    """The signature pad's PNG data URL as a file (None when nothing was drawn)."""
    value = (value or "").strip()
    if not value:
        return None
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise ValidationError(_("The signature could not be read; please sign again."))
    try:
        raw = base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(_("The signature could not be read; please sign again.")) from exc
    upload = ContentFile(raw, name="signature.png")
    check_upload(upload, allowed={"image/png"}, max_bytes=MAX_SIGNATURE_BYTES)
    return upload


class CompleteForm(ActionForm):
    slug = "complete"
    work_done = forms.CharField(
        label=_("Work done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    labour_hours = forms.DecimalField(
        label=_("Labour (hours)"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        required=False,
    )
    labour_amount = forms.DecimalField(
        label=_("Labour charge"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        required=False,
    )
    after_photos = PhotosField(
        label=_("Photos after the repair"),
        required=True,
        help_text=_("At least one; take them with the camera."),
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.materials = MaterialFormSet(
            self.data if self.is_bound else None,
            prefix="materials",
            auto_id="id_complete_%s",
        )

    def is_valid(self):
        own = super().is_valid()
        return self.materials.is_valid() and own

    def clean_signature(self):
        return signature_file(self.cleaned_data.get("signature", ""))

    def clean(self):
        data = super().clean()
        data["labour_hours"] = data.get("labour_hours") or Decimal("0")
        data["labour_amount"] = data.get("labour_amount") or Decimal("0")
        return data

    def service_kwargs(self) -> dict:
        return {**self.cleaned_data, "materials": self.material_lines()}

    def material_lines(self) -> list[services.MaterialLine]:
        return [
            services.MaterialLine(
                name=row["name"], quantity=row["quantity"], unit_price=row["unit_price"]
            )
            for row in (f.cleaned_data for f in self.materials.forms)
            if row.get("name")
        ]


class VerifyForm(ActionForm):
    slug = "verify"
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Passed")), ("no", _("Not fixed"))],
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(
        label=_("What is still wrong?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(ActionForm):
    slug = "follow-up"
    method = forms.ChoiceField(
        label=_("How"),
        choices=[(m.value, m.label) for m in (FollowUpMethod.CALL, FollowUpMethod.VISIT)],
        initial=FollowUpMethod.CALL,
    )
    rating = forms.TypedChoiceField(
        label=_("The owner's rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(ActionForm):
    slug = "close"
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
