"""The complaints part of estates' unit page."""

from estates.permissions import has_perm

from . import permissions as P
from .choices import STATUS_COLOURS
from .models import Complaint


def unit_panel(request, unit, **page):
    if not has_perm(request.user, P.VIEW, unit.estate):
        return None
    complaints = list(Complaint.objects.filter(unit=unit).order_by("-filed_at", "-id")[:10])
    for c in complaints:
        c.badge = STATUS_COLOURS.get(c.status, "secondary")
    return {"template": "complaints/staff/unit_panel.html", "complaints": complaints}
