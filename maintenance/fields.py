"""Form fields both repair faces use (owner report, staff report and completion)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.attachments import accepted_description, prepare_upload

MAX_PHOTOS = 6
_accepted_sentence = lazy(
    lambda: _("Accepted: %(accepted)s.") % {"accepted": accepted_description()}, str
)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input, at most MAX_PHOTOS: each checked and re-encoded by
    core.attachments (cleaned_data holds the prepared uploads the services store)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleImageInput(
                attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
            ),
        )
        kwargs.setdefault("required", False)
        # The help text names the accepted types and the size limit, as a refusal does.
        kwargs["help_text"] = format_lazy(
            "{} {}", kwargs.get("help_text", ""), _accepted_sentence()
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(max)d photos, please (you chose %(count)d).")
                % {"max": MAX_PHOTOS, "count": len(files)},
                code="too_many",
            )
        errors, prepared = [], []
        for upload in files:
            try:
                prepared.append(prepare_upload(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return prepared


def _datetime_local(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
