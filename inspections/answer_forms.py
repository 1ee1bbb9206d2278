"""The form of one checkpoint on a round, built from its check items: big touch targets on a
phone (OK/abnormal and choices as buttons, numbers with a decimal keyboard, the camera for
photos). The service checks the values (inspections.services.evaluate)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.attachments import accepted_description
from core.templatetags.anju import punct

from .choices import ItemKind, ScanMethod


class CheckpointAnswersForm(forms.Form):
    method = forms.ChoiceField(choices=ScanMethod.choices, widget=forms.HiddenInput)
    code = forms.CharField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["key"].initial = uuid.uuid4().hex
        for item in self.items:
            self.fields[f"item_{item.pk}"] = self._field(item)

    def _field(self, item):
        label, help_text = item.label, item.range_text
        if item.kind == ItemKind.OK_ABNORMAL:
            return forms.ChoiceField(
                label=label,
                choices=[("ok", _("OK")), ("abnormal", _("Abnormal"))],
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                required=False,
            )
        if item.kind in (ItemKind.NUMBER, ItemKind.METER):
            return forms.CharField(
                label=f"{label}{punct('(')}{item.unit}{punct(')')}" if item.unit else label,
                help_text=help_text,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        if item.kind == ItemKind.CHOICE:
            return forms.ChoiceField(
                label=label,
                choices=[(c, c) for c in item.choices],
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                required=False,
            )
        if item.kind == ItemKind.PHOTO:
            return forms.FileField(
                label=label,
                required=False,
                help_text=accepted_description(),
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "environment"}
                ),
            )
        return forms.CharField(label=label, required=False, widget=forms.Textarea({"rows": 2}))

    def answers(self):
        from .services import AnswerData

        key = self.cleaned_data["key"]
        result = []
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            photo = value if item.kind == ItemKind.PHOTO else None
            result.append(
                AnswerData(
                    item_id=item.pk,
                    value="" if photo is not None or value is None else str(value),
                    photo=photo or None,
                    idempotency_key=f"{key}-{item.pk}",
                )
            )
        return result
