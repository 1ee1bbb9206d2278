"""The staff bar's repair links: "My jobs" only for technicians."""

from django import template

from estates.choices import Role
from estates.scoping import _memberships, is_staff_member

register = template.Library()


@register.simple_tag(takes_context=True)
def is_technician(context) -> bool:
    """Whether the signed-in user is a technician in some estate. Reads the memberships the
    request already loaded (the staff scope), so it costs no query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return False
    return Role.TECHNICIAN in _memberships(user).values()
