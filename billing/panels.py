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
