import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import EquipmentCategory, EquipmentStatus, OccupancyRole, Role, UnitKind, UnitStatus
from .models import Building, Equipment, Person, StaffMembership, Unit


def _buildings(request):
    if request is None:
        return Building.objects.none()
    from .selectors import current_estate

    qs = Building.objects.for_user(request.user).select_related("estate")
    estate = current_estate(request)
    return qs.filter(estate=estate) if estate else qs


class UnitFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    building = df.ModelChoiceFilter(label=_("Building"), queryset=_buildings)
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


class EquipmentFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    category = df.ChoiceFilter(label=_("Category"), choices=EquipmentCategory.choices)
    status = df.ChoiceFilter(label=_("Status"), choices=EquipmentStatus.choices)
    building = df.ModelChoiceFilter(label=_("Building"), queryset=_buildings)

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
