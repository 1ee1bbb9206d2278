"""Forms of bank statements, cost records, exports and transparency summaries."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.export import XLSX_MIME
from estates.imports import parsing

from ..compute import period_bounds
from ..exports import KINDS
from ..models.costs import CostGroup

FILE_ACCEPT = ".csv,.xlsx,text/csv," + XLSX_MIME


class SpreadsheetForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file (UTF-8 or GB18030) or an Excel workbook (.xlsx) whose first row holds "
            "the column names, in Chinese or English. Download a template below."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        parsing.check_file(upload)  # raises ValidationError: shown next to the field
        return upload


def clean_month(value: str) -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-11."))
    try:
        period_bounds(value)
    except ValueError:
        raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-11.")) from None
    return value


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


class MonthField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Month"))
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("YYYY-MM, e.g. 2026-11."))
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_month(super().clean(value))


class LineMatchForm(forms.Form):
    target = forms.CharField(
        label=_("Unit or bill"),
        max_length=100,
        help_text=_(
            "The unit's code (e.g. 3栋-1-1201) or the bill reference (e.g. HY-202611-123)."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class LineDismissForm(forms.Form):
    note = forms.CharField(label=_("Why is it not ours?"), max_length=200)


class ExportForm(forms.Form):
    period = MonthField()
    kind = forms.ChoiceField(label=_("What"), choices=list(KINDS.items()), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")], required=False
    )


class CostForm(forms.Form):
    period = MonthField()
    group = forms.ChoiceField(label=_("Cost group"), choices=CostGroup.choices)
    subcategory = forms.CharField(
        label=_("Sub-category"), max_length=60, help_text=_("For example 保安工资 or 电梯维保.")
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


SPAN_KINDS = [("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year"))]


class SpanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=SPAN_KINDS, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(
        label=_("Month or quarter"), min_value=1, max_value=12, required=False
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["kind"] = data.get("kind") or "month"
        data["year"] = data.get("year") or today.year
        if data["kind"] == "year":
            data["number"] = 0
        elif data["kind"] == "quarter":
            data["number"] = data.get("number") or (today.month - 1) // 3 + 1
            if data["number"] > 4:
                self.add_error("number", _("Choose a quarter from 1 to 4."))
        else:
            data["number"] = data.get("number") or today.month
        return data


class SummaryForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("The whole year")), ("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to owners"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
