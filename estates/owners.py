"""Owner identity and the owner's scope: the one place that says what an owner (业主/住户)
may reach. Every face and domain uses it (the portal's pages, a domain's owner pages, QR
scans, owner services): nobody writes "occupancies of this person, current" by hand.

An owner is a signed-in user with a Person record. What they reach is decided per model by
its queryset's `for_owner(user)`, which the model declares through three attributes:

- `owner_unit_lookup`: the path to a unit; rows of the units the person currently
  occupies (any occupancy role) are theirs (a unit itself: "pk"; a ticket: "unit");
- `owner_person_lookup`: the path to a person; rows that name them are theirs (a ticket's
  "reporter", even after they moved out);
- `owner_estate_wide`: rows of any estate where they currently occupy a unit (common
  areas: buildings and equipment they may report a problem about).

A model that declares none of them gives owners nothing.
"""

import operator
from functools import reduce, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Prefetch, Q


def person_for(user):
    """The Person record of a signed-in owner, else None (anonymous, staff)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person
    except ObjectDoesNotExist:
        return None


def current_occupancies(person):
    """The person's occupancies that hold today: the root of everything an owner reaches."""
    from .models import Occupancy

    return Occupancy.objects.current().filter(person=person)


class OwnerScopedQuerySet(models.QuerySet):
    owner_unit_lookup: str | None = None
    owner_person_lookup: str | None = None
    owner_estate_wide: bool = False
    estate_lookup = "estate_id"

    def for_owner(self, user):
        person = person_for(user)
        if person is None:
            return self.none()
        occupancies = current_occupancies(person)
        reach = []
        if self.owner_unit_lookup:
            reach.append(Q(**{f"{self.owner_unit_lookup}__in": occupancies.values("unit_id")}))
        if self.owner_estate_wide:
            estates = occupancies.values("unit__estate_id")
            reach.append(Q(**{f"{self.estate_lookup}__in": estates}))
        if self.owner_person_lookup:
            reach.append(Q(**{self.owner_person_lookup: person}))
        if not reach:
            return self.none()
        return self.filter(reduce(operator.or_, reach))


def units_for_owner(user):
    """The units the user currently occupies, with their own occupancies (my_occupancies)."""
    from .models import Unit

    person = person_for(user)
    if person is None:
        return Unit.objects.none()
    return (
        Unit.objects.for_owner(user)
        .select_related("building", "estate")
        .prefetch_related(
            Prefetch("occupancies", queryset=current_occupancies(person), to_attr="my_occupancies")
        )
        .order_by("estate__name", "building__name", "entrance", "number")
    )


def owner_required(view):
    """Anonymous: to the login page. Signed in without an owner record (staff): 403.
    The view finds the person on request.person."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        person = person_for(request.user)
        if person is None:
            raise PermissionDenied
        request.person = person
        return view(request, *args, **kwargs)

    return wrapper
