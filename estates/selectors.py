"""Reads shared by pages and reports, always scoped to the user."""

from django.db.models import Count, Q
from django.utils import timezone

from .choices import OccupancyRole, UnitStatus
from .models import Estate, Occupancy, Person, StaffMembership, Unit

SESSION_KEY = "anju_estate_id"


def estates_for(user):
    return Estate.objects.for_user(user).filter(is_active=True).order_by("name")


def my_estates(request) -> list[Estate]:
    """The user's active estates, loaded once per request (switcher, lists, dashboard)."""
    cached = getattr(request, "_anju_my_estates", None)
    if cached is None:
        cached = list(estates_for(request.user))
        request._anju_my_estates = cached
    return cached


def current_estate(request):
    """The estate chosen in the switcher, if it is still in the user's scope; else the
    user's only estate; else None (meaning: all of my estates)."""
    cached = getattr(request, "_anju_current_estate", False)
    if cached is not False:
        return cached
    estates = my_estates(request)
    chosen = request.session.get(SESSION_KEY)
    estate = next((e for e in estates if e.pk == chosen), None) if chosen else None
    if estate is None and not chosen and len(estates) == 1:
        estate = estates[0]
    request._anju_current_estate = estate
    return estate


def set_current_estate(request, estate) -> None:
    request.session[SESSION_KEY] = estate.pk if estate else None
    request._anju_current_estate = estate


def estate_figures(estate) -> dict:
    """Dashboard figures of one estate."""
    units = Unit.objects.filter(estate=estate).aggregate(
        total=Count("id"),
        occupied=Count("id", filter=Q(status=UnitStatus.OCCUPIED)),
        vacant=Count("id", filter=Q(status=UnitStatus.VACANT)),
        renovating=Count("id", filter=Q(status=UnitStatus.RENOVATING)),
    )
    today = timezone.localdate()
    current = Occupancy.objects.filter(unit__estate=estate).current(today)
    people = current.aggregate(
        residents=Count("person", distinct=True),
        owners=Count("person", distinct=True, filter=Q(role=OccupancyRole.OWNER)),
        tenants=Count("person", distinct=True, filter=Q(role=OccupancyRole.TENANT)),
    )
    with_login = (
        Person.objects.filter(occupancies__in=current, user__isnull=False).distinct().count()
    )
    units_by_kind = list(
        Unit.objects.filter(estate=estate).values("kind").annotate(n=Count("id")).order_by("kind")
    )
    total = units["total"] or 0
    return {
        **units,
        **people,
        "with_login": with_login,
        "occupancy_rate": round(100 * units["occupied"] / total, 1) if total else 0,
        "units_by_kind": units_by_kind,
        "buildings": estate.buildings.count(),
        "staff": StaffMembership.objects.filter(estate=estate, is_active=True).count(),
        "equipment": estate.equipment.count(),
    }


def owners_of_unit(unit):
    return (
        Occupancy.objects.current()
        .filter(unit=unit)
        .select_related("person")
        .order_by("role", "person__name")
    )
