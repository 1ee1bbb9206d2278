"""One mechanism for "which estates may this user see": every staff queryset goes through
estate_ids_for(). None means every estate (company administrator)."""

ALL = None


def _memberships(user) -> dict[int, str]:
    """{estate_id: role} of the user's active memberships, cached on the user object."""
    cached = getattr(user, "_anju_memberships", None)
    if cached is None:
        from .models import StaffMembership

        cached = dict(
            StaffMembership.objects.filter(
                user=user, is_active=True, estate__is_active=True
            ).values_list("estate_id", "role")
        )
        user._anju_memberships = cached
    return cached


def forget_memberships(user) -> None:
    if hasattr(user, "_anju_memberships"):
        del user._anju_memberships


def estate_ids_for(user, perm: str | None = None):
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_company_admin:
        return ALL
    from .permissions import role_has

    return frozenset(
        estate_id
        for estate_id, role in _memberships(user).items()
        if perm is None or role_has(role, perm)
    )


def is_staff_member(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_company_admin or bool(_memberships(user))


def role_in(user, estate_id: int) -> str | None:
    if not user.is_authenticated:
        return None
    return _memberships(user).get(estate_id)
