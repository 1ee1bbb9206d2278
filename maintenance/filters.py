"""Filters of the staff ticket board."""

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect

from .choices import OPEN_STATUSES, Category, Priority, Status
from .deadlines import OVERDUE_Q
from .models import Ticket
from .selectors import technician_choices

OPEN = "open"  # a status-filter value meaning "any open status"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class TicketFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Number, description or phone")}),
    )
    status = df.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (any step)")), *Status.choices],
        method="by_status",
        widget=FastSelect,
    )
    category = df.ChoiceFilter(label=_("Category"), choices=Category.choices, widget=FastSelect)
    priority = df.ChoiceFilter(label=_("Priority"), choices=Priority.choices, widget=FastSelect)
    technician = df.ChoiceFilter(
        label=_("Technician"), field_name="technician_id", choices=[], widget=FastSelect
    )
    # Starts on "All" (the default NullBooleanSelect read "Unknown").
    overdue = df.BooleanFilter(
        label=_("Overdue"),
        method="by_overdue",
        widget=FastSelect(
            choices=[("", _("All")), ("true", _("Overdue")), ("false", _("Not overdue"))]
        ),
    )
    reported_from = df.DateFilter(label=_("Reported from"), method="from_day", widget=DATE)
    reported_to = df.DateFilter(label=_("Reported until"), method="to_day", widget=DATE)

    class Meta:
        model = Ticket
        fields = [
            "q",
            "status",
            "category",
            "priority",
            "technician",
            "overdue",
            "reported_from",
            "reported_to",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            from estates.selectors import current_estate

            self.filters["technician"].extra["choices"] = technician_choices(
                request.user, current_estate(request)
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(description__icontains=value)
            | Q(contact_phone__startswith=value)
        )

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(OVERDUE_Q) if value else queryset.exclude(OVERDUE_Q)

    def from_day(self, queryset, name, value):
        return queryset.filter(reported_at__gte=_local_midnight(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(reported_at__lt=_local_midnight(value + timedelta(days=1)))
