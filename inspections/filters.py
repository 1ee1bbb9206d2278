import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import UPKEEP_OPEN, FindingStatus, RoundStatus, UpkeepStatus
from .models import Checkpoint, Finding, Plan, Round, Route, UpkeepPlan, UpkeepTask


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


class UpkeepPlanFilter(NameFilter):
    class Meta:
        model = UpkeepPlan
        fields = ["q", "is_active"]


class UpkeepTaskFilter(df.FilterSet):
    status = df.ChoiceFilter(label=_("Status"), choices=UpkeepStatus.choices)
    overdue = df.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    equipment = df.CharFilter(
        label=_("Equipment"), method="filter_equipment", help_text=_("Code or name")
    )
    mine = df.BooleanFilter(label=_("Mine"), method="filter_mine")

    class Meta:
        model = UpkeepTask
        fields = ["status", "overdue", "equipment", "mine"]

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=UPKEEP_OPEN, window_end__lte=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_equipment(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(equipment__code__iexact=value) | Q(equipment__name__icontains=value)
        )

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if not value or user is None:
            return queryset
        return queryset.filter(Q(assignee=user) | Q(assignee__isnull=True, plan__assignees=user))
