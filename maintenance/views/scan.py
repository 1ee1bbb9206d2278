"""Where a QR label leads. Equipment and common areas carry a code that opens one URL for
everybody; it sends staff to the staff report form and owners to the portal's, with the
place filled in. Anonymous: sign in first, then back here."""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from estates.models import Building, Equipment, Occupancy
from estates.scoping import is_staff_member
from estates.views.base import get_scoped_or_404
from portal.selectors import person_for


def _in_my_estates(queryset, person, pk):
    """The object, if it belongs to an estate where the person currently lives."""
    estates = Occupancy.objects.current().filter(person=person).values("unit__estate_id")
    obj = queryset.filter(pk=pk, estate_id__in=estates).first()
    if obj is None:
        raise Http404
    return obj


def _scan(request, queryset, pk, param):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_staff_member(user):
        obj = get_scoped_or_404(queryset, user, pk=pk)
        target = reverse("maintenance:ticket_create")
    else:
        person = person_for(user)
        if person is None:
            raise PermissionDenied
        obj = _in_my_estates(queryset, person, pk)
        target = reverse("repairs:report")
    return redirect(f"{target}?{urlencode({param: obj.pk})}")


def scan_equipment(request, equipment_pk):
    return _scan(request, Equipment.objects.all(), equipment_pk, "equipment")


def scan_building(request, building_pk):
    return _scan(request, Building.objects.all(), building_pk, "building")
