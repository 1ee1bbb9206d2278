"""Forms of chargeable repairs: the price list, a quote's lines, the owner's signature on
the technician's phone, the final amount. They only parse input; the services decide."""

import base64
import binascii
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from core.uploads import check_upload
from maintenance.choices import Category

from ..choices import ChargeSettlement, PriceKind

MAX_SIGNATURE_BYTES = 1024 * 1024


class RepairPriceForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=20, help_text=_("Short code of the line, e.g. L-PLUMB-1.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PriceKind.choices)
    job_type = forms.ChoiceField(
        label=_("Job type"),
        choices=[("", "—"), *Category.choices],
        required=False,
        help_text=_("Labour: the kind of repair it is charged for."),
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    unit = forms.CharField(
        label=_("Unit"), max_length=20, help_text=_("e.g. per job, per hour, each")
    )
    price = forms.DecimalField(
        label=_("Price (CNY)"), min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    def __init__(self, *args, revising=None, **kwargs):
        super().__init__(*args, **kwargs)
        if revising is not None:
            del self.fields["code"]
            self.fields["reason"].required = True

    def clean(self):
        data = super().clean()
        if data.get("kind") == PriceKind.LABOUR and not data.get("job_type"):
            self.add_error("job_type", _("Labour is priced by job type: choose one."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        keys = ("kind", "job_type", "name", "unit", "price", "effective_from")
        return {k: data[k] for k in keys}


class QuoteLineForm(forms.Form):
    """A line of the price list in force × a quantity."""

    price_item = forms.TypedChoiceField(label=_("From the price list"), coerce=int)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2, initial=1
    )

    def __init__(self, *args, prices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_item"].choices = [
            (p.pk, f"{p.name} · ¥{p.price}/{p.unit}") for p in prices
        ]


class FreeLineForm(forms.Form):
    """A line not on the price list: its own price, and why."""

    description = forms.CharField(label=_("Description"), max_length=80)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2, initial=1
    )
    unit_price = forms.DecimalField(
        label=_("Unit price (CNY)"), min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("Why not from the price list"), max_length=200)


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


class QuoteSignForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of who signs"), max_length=50)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_signature(self):
        upload = signature_file(self.cleaned_data.get("signature", ""))
        if upload is None:
            raise ValidationError(_("Ask the owner to sign in the box."))
        return upload


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)


class ChargeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Final amount (CNY)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    explanation = forms.CharField(
        label=_("Why it differs from the quote"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the final amount is not the quoted one."),
    )
    settlement = forms.ChoiceField(
        label=_("The owner pays"),
        choices=ChargeSettlement.choices,
        initial=ChargeSettlement.NEXT_BILL,
        widget=forms.RadioSelect,
    )
