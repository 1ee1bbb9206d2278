"""Filters of the staff complaint board."""

import re

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect

from .choices import OPEN_STATUSES, Category, Kind, Status
from .models import Complaint, overdue_q

OPEN = "open"
NUMBER = re.compile(r"^(?:TS-?)?0*(\d{1,9})$", re.IGNORECASE)


class ComplaintFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Number, text or phone")}),
    )
    status = df.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (any step)")), *Status.choices],
        method="by_status",
        widget=FastSelect,
    )
    kind = df.ChoiceFilter(label=_("Kind"), choices=Kind.choices, widget=FastSelect)
    category = df.ChoiceFilter(label=_("Category"), choices=Category.choices, widget=FastSelect)
    overdue = df.BooleanFilter(
        label=_("Overdue"),
        method="by_overdue",
        widget=FastSelect(
            choices=[("", _("All")), ("true", _("Overdue")), ("false", _("Not overdue"))]
        ),
    )
    estate = df.ChoiceFilter(label=_("Estate"), field_name="estate_id", choices=[],
                             widget=FastSelect)  # fmt: skip

    class Meta:
        model = Complaint
        fields = ["q", "status", "kind", "category", "overdue", "estate"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            from estates.selectors import current_estate, my_estates

            if current_estate(request) is not None:
                del self.filters["estate"]
            else:
                self.filters["estate"].extra["choices"] = [
                    (e.pk, e.name) for e in my_estates(request)
                ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = NUMBER.match(value)
        # An anonymous complainant is not found by their phone number.
        q = Q(description__icontains=value) | Q(contact_phone__startswith=value, anonymous=False)
        if match:
            q |= Q(pk=int(match.group(1)))
        return queryset.filter(q)

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = overdue_q(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)
