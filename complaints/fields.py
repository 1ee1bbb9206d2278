"""Photos of a complaint: several in one input, each checked by core.attachments."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.attachments import prepare_upload

MAX_PHOTOS = 6


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(max)d photos, please (you chose %(count)d).")
                % {"max": MAX_PHOTOS, "count": len(files)}
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
