"""Forms of the survey pages: the survey itself, the builder's section and question forms,
the questionnaire (built from the survey's questions; the owner's and the staff's paper
entry) and the follow-up forms."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import User
from estates.models import Building

from .choices import CHOICE_KINDS, STAFF_CHANNELS, Channel, Dimension, QuestionKind
from .models import Survey


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "intro", "starts_on", "ends_on", "target", "buildings"]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "buildings": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = Building.objects.filter(estate=estate).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "intro": data["intro"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "target": data["target"],
            "buildings": list(data["buildings"]),
        }


class SectionForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    title = forms.CharField(label=_("Heading (optional)"), max_length=120, required=False)


class QuestionForm(forms.Form):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Options (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For single and multiple choice questions."),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, str(s)) for s in sections]

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("choices", "").splitlines() if line.strip()]
        if data.get("kind") in CHOICE_KINDS and len(options) < 2:
            self.add_error("choices", _("Give at least two options, one per line."))
        data["options"] = options
        return data


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("Option"), max_length=120)


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]
RECOMMEND_CHOICES = [(n, str(n)) for n in range(0, 11)]


def _radio():
    return forms.RadioSelect(attrs={"class": "form-check-input"})


def _question_field(question):
    """The field of one question; `scale` marks the 1–5 and 0–10 scales (shown as buttons)."""
    common = {
        "label": question.text,
        "required": question.required,
        "error_messages": {"required": _("Please answer this question.")},
    }
    options = [(c.pk, c.text) for c in question.choices.all()]
    if question.kind in (QuestionKind.RATING, QuestionKind.RECOMMEND):
        scale = RATING_CHOICES if question.kind == QuestionKind.RATING else RECOMMEND_CHOICES
        field = forms.TypedChoiceField(choices=scale, coerce=int, widget=_radio(), **common)
        field.scale = True
        return field
    if question.kind == QuestionKind.SINGLE:
        field = forms.TypedChoiceField(choices=options, coerce=int, widget=_radio(), **common)
    elif question.kind == QuestionKind.MULTIPLE:
        field = forms.TypedMultipleChoiceField(
            choices=options,
            coerce=int,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            **common,
        )
    else:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, strip=True, **common
        )
    field.scale = False
    return field


class QuestionnaireForm(forms.Form):
    """One field per question (q_<id>), grouped by section for the template (`groups`)."""

    def __init__(self, *args, sections, units=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=pgettext_lazy("survey", "Channel"),
                choices=[(c.value, c.label) for c in Channel if c in STAFF_CHANNELS],
                initial=Channel.PAPER,
            )
        if units is not None and (staff or len(units) > 1):
            self.fields["unit"] = forms.TypedChoiceField(
                label=_("Household (unit)"),
                choices=[("", "—")] + [(u.pk, str(u)) for u in units],
                coerce=int,
            )
        self.single_unit = units[0] if units is not None and len(units) == 1 else None
        self.groups = []
        for section in sections:
            names = []
            for question in section.questions.all():
                name = f"q_{question.pk}"
                self.fields[name] = _question_field(question)
                names.append(name)
            self.groups.append((section, [self[name] for name in names]))

    def answers(self) -> dict:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_")
        }

    def unit_id(self):
        if "unit" in self.fields:
            return self.cleaned_data["unit"]
        return self.single_unit.pk if self.single_unit else None


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Responsible"), queryset=User.objects.none())
    due_on = forms.DateField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            memberships__estate=estate, memberships__is_active=True, is_active=True
        ).order_by("username")


class DoneForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
