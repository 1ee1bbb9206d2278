"""Forms of complaints: intake (staff and owner) and one per action of the transition
table. They parse and check input; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from estates.choices import Role
from estates.models import Person, StaffMembership, Unit
from maintenance.choices import Category as RepairCategory

from .choices import INTAKE_CHANNELS, Category, Cause, ContactKind, Kind, Severity
from .fields import PhotosField
from .services import ComplaintData

RATINGS = [(str(n), str(n)) for n in range(1, 6)]
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def handlers_of(estate):
    """Who may be named responsible: the estate's customer service and managers."""
    ids = StaffMembership.objects.active().filter(
        estate=estate, role__in=[Role.CUSTOMER_SERVICE, Role.MANAGER]
    )
    return get_user_model().objects.filter(pk__in=ids.values("user_id")).order_by("username")


class ResponsibleField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


# --- Intake ----------------------------------------------------------------------------------


class StaffIntakeForm(forms.Form):
    """A call, a visit, an e-mail or a WeChat message, recorded by customer service."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=INTAKE_CHANNELS)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.NORMAL)  # fmt: skip
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    description = forms.CharField(label=_("What happened?"), max_length=4000, widget=TEXTAREA)
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_("The name is shown to the estate manager only."),
    )
    responsible = ResponsibleField(label=_("Responsible person"), queryset=None)
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["unit"].queryset = (
            Unit.objects.filter(estate=estate)
            .select_related("building")
            .order_by("building__name", "entrance", "number")
        )
        self.fields["responsible"].queryset = handlers_of(estate)

    def complainant(self):
        """The person of the estate with the contact phone, if there is exactly one."""
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if not phone:
            return None
        people = list(
            Person.objects.filter(mobile=phone, occupancies__unit__estate=self.estate).distinct()[
                :2
            ]
        )
        return people[0] if len(people) == 1 else None

    def data_for_service(self) -> ComplaintData:
        d = self.cleaned_data
        return ComplaintData(
            kind=d["kind"],
            category=d["category"],
            severity=d["severity"],
            description=d["description"].strip(),
            unit=d["unit"],
            contact_name=d["contact_name"].strip(),
            contact_phone=d["contact_phone"].strip(),
            anonymous=d["anonymous"],
        )


class OwnerComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("What would you like to tell us?"), choices=Kind.choices,
                             widget=forms.RadioSelect, initial=Kind.COMPLAINT)  # fmt: skip
    unit = forms.ChoiceField(label=_("Which home is it about?"))
    category = forms.ChoiceField(label=_("About"), choices=Category.choices)
    description = forms.CharField(label=_("Tell us more"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    anonymous = forms.BooleanField(
        label=_("Keep my name from the staff"),
        required=False,
        help_text=_("Only the estate manager will see who filed it."),
    )
    photos = PhotosField(label=_("Photos"), help_text=_("Up to 6 photos."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [
            (key, f"{u.estate.name} {u.building.name} {u.label}") for key, u in self.units.items()
        ]

    def data_for_service(self) -> ComplaintData:
        d = self.cleaned_data
        return ComplaintData(
            kind=d["kind"],
            category=d["category"],
            description=d["description"].strip(),
            unit=self.units[d["unit"]],
            anonymous=d["anonymous"],
        )


# --- Actions -------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """Base of every action form: the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, complaint, slug="action", **kwargs):
        kwargs.setdefault("auto_id", f"id_{slug}_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", complaint.version)
        super().__init__(*args, **kwargs)
        self.complaint, self.slug = complaint, slug

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=TEXTAREA)


class AcknowledgeForm(ActionForm):
    responsible = ResponsibleField(label=_("Responsible person"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, complaint, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("responsible", complaint.responsible_id)
        super().__init__(*args, complaint=complaint, **kwargs)
        self.fields["responsible"].queryset = handlers_of(complaint.estate)


class AssignForm(ActionForm):
    responsible = ResponsibleField(label=_("Responsible person"), queryset=None)
    reason = forms.CharField(label=_("Why?"), max_length=2000, widget=TEXTAREA)

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, complaint=complaint, **kwargs)
        self.fields["responsible"].queryset = handlers_of(complaint.estate)


class RepairForm(ActionForm):
    category = forms.ChoiceField(label=_("Kind of repair"), choices=RepairCategory.choices)
    description = forms.CharField(label=_("What needs repairing?"), max_length=2000,
                                  widget=TEXTAREA)  # fmt: skip

    def __init__(self, *args, complaint, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("description", complaint.description[:2000])
        super().__init__(*args, complaint=complaint, **kwargs)


class ResolveForm(ActionForm):
    resolution = forms.CharField(label=_("What was done?"), max_length=4000, widget=TEXTAREA)
    cause = forms.ChoiceField(label=_("Cause"), choices=[("", "---------"), *Cause.choices])


class CloseForm(ActionForm):
    cause = forms.ChoiceField(label=_("Cause"), choices=[("", "---------"), *Cause.choices])
    rating = forms.TypedChoiceField(
        label=_("The complainant's rating"),
        choices=[("", _("Not given")), *RATINGS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=TEXTAREA)  # fmt: skip

    def __init__(self, *args, complaint, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("cause", complaint.cause)
        super().__init__(*args, complaint=complaint, **kwargs)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=TEXTAREA)


class TypicalForm(ActionForm):
    lesson = forms.CharField(label=_("Lesson learned"), max_length=4000, widget=TEXTAREA)


class ConfirmForm(ActionForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=TEXTAREA)  # fmt: skip


# --- Deadlines and prevention --------------------------------------------------------------


CHECKBOX = forms.CheckboxInput(attrs={"class": "form-check-input"})


class DeadlinesForm(forms.Form):
    """Per category: acknowledge within hours, resolve within days, in working hours or not."""

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for category, label, hours, days, working in table:
            h, d, w = f"{category}_hours", f"{category}_days", f"{category}_working"
            self.fields[h] = forms.IntegerField(label=label, min_value=1, max_value=240,
                                                initial=hours)  # fmt: skip
            self.fields[d] = forms.IntegerField(label=label, min_value=1, max_value=90,
                                                initial=days)  # fmt: skip
            self.fields[w] = forms.BooleanField(label=_("In working hours"), required=False,
                                                initial=working, widget=CHECKBOX)  # fmt: skip
            self.rows.append((label, category))

    def bound_rows(self):
        return [(label, self[f"{c}_hours"], self[f"{c}_days"], self[f"{c}_working"])
                for label, c in self.rows]  # fmt: skip

    def rules(self) -> dict:
        d = self.cleaned_data
        return {c: (d[f"{c}_hours"], d[f"{c}_days"], d[f"{c}_working"]) for _l, c in self.rows}


WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class WorkingHoursForm(forms.Form):
    """The estate's working hours and holidays, for deadlines counted in working hours."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    start = forms.TimeField(label=_("Working day from"), widget=TIME)
    end = forms.TimeField(label=_("until"), widget=TIME)
    weekdays = forms.MultipleChoiceField(label=_("Working days"), choices=WEEKDAYS,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One date a line, like 2026-10-01: no working time on those days."),
    )

    def __init__(self, *args, hours, holidays=(), **kwargs):
        from zoneinfo import available_timezones

        initial = {
            "time_zone": hours.time_zone,
            "start": hours.start,
            "end": hours.end,
            "weekdays": [str(d) for d in hours.weekdays],
            "holidays": "\n".join(d.isoformat() for d in holidays),
        }
        super().__init__(*args, initial=initial, prefix="wh", **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(available_timezones())]

    def clean_holidays(self):
        from datetime import date

        days = set()
        for n, line in enumerate(self.cleaned_data["holidays"].replace(",", "\n").splitlines(), 1):
            if not line.strip():
                continue
            try:
                days.add(date.fromisoformat(line.strip()))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Line %(n)s is not a date like 2026-10-01: %(line)s"),
                    params={"n": n, "line": line.strip()[:20]},
                ) from exc
        return sorted(days)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The working day ends after it starts."))
        return data


class PreventionForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(label=_("Action"), max_length=2000, widget=TEXTAREA)
    owner = ResponsibleField(label=_("Owner of the action"), queryset=None)
    due_date = forms.DateField(label=_("Due date"),
                               widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        ids = StaffMembership.objects.active().filter(estate=estate).values("user_id")
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(pk__in=ids).order_by("username")
        )


# --- Notices and the communication log -----------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
    )


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole estate."),
    )
    mobiles = forms.CharField(
        label=_("Owners (mobile numbers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only to these owners: their mobile numbers, one per line."),
    )
    publish_at = _when(_("Published from"))
    expires_at = _when(_("Until"), required=False)

    def __init__(self, *args, estate, **kwargs):
        from estates.models import Building

        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["buildings"].queryset = Building.objects.filter(estate=estate).order_by("name")

    def clean_mobiles(self):
        """The people living in the estate with these mobile numbers (each must be one)."""
        from estates.models import Occupancy

        numbers = [n.strip() for n in self.cleaned_data["mobiles"].split() if n.strip()]
        current = Occupancy.objects.current().filter(unit__estate=self.estate)
        found = {
            o.person.mobile: o.person
            for o in current.filter(person__mobile__in=numbers).select_related("person")
        }
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("Nobody living in the estate has these numbers: %(numbers)s")
                % {"numbers": ", ".join(unknown)}
            )
        return list({p.pk: p for p in found.values()}.values())


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("How"), choices=ContactKind.choices)
    summary = forms.CharField(label=_("What was said"), max_length=4000, widget=TEXTAREA)
