"""Billing's panel on the staff unit page: the balance and a link to the account."""

from estates.permissions import has_perm

from . import permissions as P
from .selectors import balance, prepaid


def unit_panel(request, unit, **page):
    if not has_perm(request.user, P.VIEW, unit.estate):
        return None
    return {
        "template": "billing/partials/unit_panel.html",
        "unit": unit,
        "balance": balance(unit),
        "prepaid": prepaid(unit),
    }


def building_meters_panel(request, building, **page):
    """The building page's way to the phone entry of its meter readings."""
    from .models import Meter

    if not has_perm(request.user, P.READ_METERS, building.estate):
        return None
    return {
        "template": "billing/meters/partials/building_panel.html",
        "building": building,
        "count": Meter.objects.filter(building=building, is_active=True).count(),
    }
