"""The filters of the meter list."""

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect
from estates.filters import BuildingChoiceFilterSet

from .choices import MeterKind
from .models import Meter


class MeterFilter(BuildingChoiceFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    building = df.ChoiceFilter(
        label=_("Building"), field_name="building_id", choices=[], widget=FastSelect
    )
    kind = df.ChoiceFilter(label=_("Kind"), choices=MeterKind.choices)
    shared = df.BooleanFilter(label=_("Shared (公摊)"), field_name="unit", lookup_expr="isnull")
    is_active = df.BooleanFilter(label=_("Active"))

    class Meta:
        model = Meter
        fields = ["q", "building", "kind", "shared", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(serial_number__icontains=value) | Q(unit__number=value))
