"""The staff side of owner onboarding: the person page's portal panel (account, open
invitation, the invite button) and the invite action. They live here, with the invitations,
so that estates needs to know nothing of the portal."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from estates import permissions as P
from estates.access import get_scoped_or_404, staff_required
from estates.models import Person

from .selectors import open_invitation
from .services import owner_invite


def person_portal_panel(request, person, *, can_manage=False, **page):
    """On a person's staff page: their portal account or open invitation, and the button."""
    active = bool(person.user_id and person.user.has_usable_password())
    return {
        "template": "portal/staff/person_panel.html",
        "active": active,
        "invitation": None if active else open_invitation(person),
        "can_invite": can_manage and not active,
    }


@staff_required
@require_POST
def person_invite(request, person_pk):
    """Invite the person to the owner portal. The link and one-time code are shown once."""
    person = get_scoped_or_404(
        Person.objects.select_related("user"), request.user, P.MANAGE_PEOPLE, pk=person_pk
    )
    try:
        invitation, token, code = owner_invite(person_id=person.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(person)
    link = request.build_absolute_uri(reverse("portal:activate", kwargs={"token": token}))
    return render(
        request,
        "portal/staff/person_invited.html",
        {"person": person, "invitation": invitation, "link": link, "code": code},
    )
