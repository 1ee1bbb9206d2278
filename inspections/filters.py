import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import FindingStatus, RoundStatus
from .models import Checkpoint, Finding, Plan, Round, Route


class CheckpointFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="search", help_text=_("Name, place or code"))
    require_scan = df.BooleanFilter(label=_("proof by scan required"))
    has_equipment = df.BooleanFilter(
        label=_("On equipment"), field_name="equipment", lookup_expr="isnull", exclude=True
    )
    is_active = df.BooleanFilter(label=_("active"))

    class Meta:
        model = Checkpoint
        fields = ["q", "require_scan", "has_equipment", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(place__icontains=value) | Q(code__iexact=value)
        )


class NameFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    is_active = df.BooleanFilter(label=_("active"))


class RouteFilter(NameFilter):
    class Meta:
        model = Route
        fields = ["q", "is_active"]


class PlanFilter(NameFilter):
    class Meta:
        model = Plan
        fields = ["q", "is_active"]


class RoundFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("Status"), choices=RoundStatus.choices)
    plan = df.CharFilter(label=_("Plan"), field_name="plan__name", lookup_expr="icontains")
    since = df.DateFilter(
        label=_("From"),
        field_name="window_start",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = df.DateFilter(
        label=_("To"),
        field_name="window_start",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Round
        fields = ["status", "plan", "since", "until"]


class FindingFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("Status"), choices=FindingStatus.choices)

    class Meta:
        model = Finding
        fields = ["status"]
