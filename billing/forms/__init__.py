"""Forms of billing's staff pages. They only parse input; the services decide."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.choices import UnitKind
from estates.models import Building

from ..choices import COUNTER_CHANNELS, Channel, FeeKind, Method
from ..compute import period_bounds
from ..models import FeeItem

TIER_LINE = re.compile(r"^\s*(\S+)\s+(\S+)\s*$")


def parse_tiers(text: str) -> list[tuple[Decimal | None, Decimal]]:
    """Lines "up_to price" ("-" as up_to: no limit), e.g. "10 3.00" / "- 4.50"."""
    tiers = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = TIER_LINE.match(line)
        try:
            if not match:
                raise InvalidOperation
            up_to = None if match[1] == "-" else Decimal(match[1])
            price = Decimal(match[2])
        except InvalidOperation:
            raise forms.ValidationError(
                _("Line %(line)d: write “up to” and the price, e.g. “10 3.00” (“-” for no limit)."),
                params={"line": number},
            ) from None
        if price < 0 or (up_to is not None and up_to <= 0):
            raise forms.ValidationError(
                _("Line %(line)d: numbers must be positive."), params={"line": number}
            )
        tiers.append((up_to, price))
    ups = [t[0] for t in tiers if t[0] is not None]
    if ups != sorted(set(ups)) or [t[0] for t in tiers].count(None) > 1:
        raise forms.ValidationError(_("Write the steps from the lowest to the highest, each once."))
    return tiers


class StandardForm(forms.Form):
    fee_item = forms.ModelChoiceField(label=_("Fee item"), queryset=FeeItem.objects.none())
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    price = forms.DecimalField(label=_("Price (CNY)"), min_value=0, max_digits=12, decimal_places=4)
    tiers = forms.CharField(
        label=_("Price tiers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Metered fees only: one step a line, “up to” and the price, "
            "e.g. “10 3.00”, then “- 4.50”."
        ),
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"),
        queryset=Building.objects.none(),
        required=False,
        help_text=_("None chosen: every building of the estate."),
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("Unit kinds"),
        choices=UnitKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every kind of unit."),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    def __init__(self, *args, estate, revising=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee_item"].queryset = FeeItem.objects.for_estate(estate)
        self.fields["buildings"].queryset = Building.objects.filter(estate=estate)
        if revising is not None:
            del self.fields["fee_item"]
            self.fields["reason"].required = True

    def clean_tiers(self):
        return parse_tiers(self.cleaned_data["tiers"])

    def clean(self):
        data = super().clean()
        if (
            data.get("method") == Method.METERED
            and not data.get("tiers")
            and data.get("price") is None
        ):
            self.add_error("price", _("Give a price or the tiers."))
        return data


class RunStartForm(forms.Form):
    period = forms.CharField(label=_("Month"), max_length=7, help_text=_("YYYY-MM, e.g. 2026-11."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"period": timezone.localdate().strftime("%Y-%m")})
        super().__init__(*args, **kwargs)

    def clean_period(self):
        period = self.cleaned_data["period"].strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}", period):
                raise ValueError
            period_bounds(period)
        except ValueError:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-11.")) from None
        return period


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    channel = forms.ChoiceField(
        label=_("Paid with"), choices=[(c.value, c.label) for c in COUNTER_CHANNELS]
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Bank or terminal reference, if any."),
    )
    payer_name = forms.CharField(label=_("Payer"), max_length=50, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"idempotency_key": uuid.uuid4().hex, "channel": Channel.CASH})
        super().__init__(*args, **kwargs)


class CreditForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class FeeItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=60)
    periodic = forms.BooleanField(label=_("Charged every month"), required=False, initial=True)


from .meters import ConfirmForm, MeterForm, ReadingUploadForm  # noqa: E402, F401
