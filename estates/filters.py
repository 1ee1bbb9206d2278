import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect

from .choices import EquipmentCategory, EquipmentStatus, OccupancyRole, Role, UnitKind, UnitStatus
from .models import Building, Equipment, Person, StaffMembership, Unit

MAX_BUILDINGS_IN_SELECT = 100


def building_choices(request) -> list[tuple[int, str]] | None:
    """(id, label) of the buildings in the user's scope (of the chosen estate, if any), or
    None when there are too many for a drop-down. Plain tuples, not model instances."""
    from .selectors import current_estate

    qs = Building.objects.for_user(request.user)
    estate = current_estate(request)
    if estate is not None:
        qs = qs.filter(estate=estate)
    if qs.order_by()[: MAX_BUILDINGS_IN_SELECT + 1].count() > MAX_BUILDINGS_IN_SELECT:
        return None
    if estate is not None:
        return list(qs.order_by("name").values_list("pk", "name"))
    rows = qs.order_by("estate__name", "name").values_list("pk", "estate__name", "name")
    return [(pk, f"{estate_name} {name}") for pk, estate_name, name in rows]


class BuildingChoiceFilterSet(df.FilterSet):
    """Fills the `building` filter's choices for the request's user."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        choices = building_choices(request) if request is not None else []
        if choices is None:
            # A drop-down of hundreds of buildings is slow to render and to use: type the name.
            self.filters["building"] = df.CharFilter(
                label=_("Building"),
                field_name="building__name",
                lookup_expr="exact",
                widget=forms.TextInput(attrs={"placeholder": _("Building name")}),
            )
        else:
            self.filters["building"].extra["choices"] = choices


def _building_filter():
    return df.ChoiceFilter(
        label=_("Building"),
        field_name="building_id",
        choices=[],
        widget=FastSelect,
    )


class UnitFilter(BuildingChoiceFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    building = _building_filter()
    kind = df.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    status = df.ChoiceFilter(label=_("Status"), choices=UnitStatus.choices)
    floor = df.NumberFilter(label=_("Floor"))

    class Meta:
        model = Unit
        fields = ["q", "building", "kind", "status", "floor"]

    def search(self, queryset, name, value):
        return queryset.filter(number__startswith=value.strip())


class PersonFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("Search"), method="search", help_text=_("Name, mobile phone or e-mail")
    )
    role = df.ChoiceFilter(label=_("Role"), choices=OccupancyRole.choices, method="by_role")
    has_login = df.BooleanFilter(
        label=_("Has a portal login"), field_name="user", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Person
        fields = ["q", "role", "has_login"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(mobile__startswith=value) | Q(email__iexact=value)
        )

    def by_role(self, queryset, name, value):
        return queryset.filter(occupancies__role=value).distinct()


class EquipmentFilter(BuildingChoiceFilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    category = df.ChoiceFilter(label=_("Category"), choices=EquipmentCategory.choices)
    status = df.ChoiceFilter(label=_("Status"), choices=EquipmentStatus.choices)
    building = _building_filter()

    class Meta:
        model = Equipment
        fields = ["q", "category", "status", "building"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(location__icontains=value)
        )


class MembershipFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    role = df.ChoiceFilter(label=_("Role"), choices=Role.choices)
    is_active = df.BooleanFilter(label=_("Active"))

    class Meta:
        model = StaffMembership
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(user__username__icontains=value) | Q(user__display_name__icontains=value)
        )


class BuildingFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Building
        fields = ["q"]
