"""Where a QR label leads. Equipment and common areas carry a code that opens one URL for
everybody; it sends staff to the staff report form and owners to the portal's, with the
place filled in. Anonymous: sign in first, then back here."""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from estates.access import get_scoped_or_404
from estates.models import Building, Equipment
from estates.owners import person_for
from estates.scoping import is_staff_member

from .. import permissions as P


def _scan(request, queryset, pk, param):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_staff_member(user):
        # A scan leads to the report form: a role that may not record one stops here.
        obj = get_scoped_or_404(queryset, user, P.CREATE, pk=pk)
        target = reverse("maintenance:ticket_create")
    else:
        if person_for(user) is None:
            raise PermissionDenied
        obj = get_object_or_404(queryset.for_owner(user), pk=pk)
        target = reverse("repairs:report")
    return redirect(f"{target}?{urlencode({param: obj.pk})}")


def scan_equipment(request, equipment_pk):
    return _scan(request, Equipment.objects.all(), equipment_pk, "equipment")


def scan_building(request, building_pk):
    return _scan(request, Building.objects.all(), building_pk, "building")
