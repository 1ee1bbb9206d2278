"""What each staff role may do. Checked per estate: a manager in one estate may be a
technician in another. Company administrators may do everything everywhere."""

from django.core.exceptions import PermissionDenied

from .choices import Role

VIEW = "estates.view"  # see the estate, its buildings and units
MANAGE_ESTATE = "estates.manage_estate"  # edit the estate and its buildings
MANAGE_UNITS = "estates.manage_units"
VIEW_PEOPLE = "estates.view_people"
MANAGE_PEOPLE = "estates.manage_people"  # people, occupancies, owner invitations
MANAGE_STAFF = "estates.manage_staff"
VIEW_EQUIPMENT = "estates.view_equipment"
MANAGE_EQUIPMENT = "estates.manage_equipment"
IMPORT = "estates.import"
EXPORT = "estates.export"

ALL_ROLES = set(Role.values)

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.MANAGER: {
        VIEW,
        MANAGE_ESTATE,
        MANAGE_UNITS,
        VIEW_PEOPLE,
        MANAGE_PEOPLE,
        MANAGE_STAFF,
        VIEW_EQUIPMENT,
        MANAGE_EQUIPMENT,
        IMPORT,
        EXPORT,
    },
    Role.CUSTOMER_SERVICE: {
        VIEW,
        MANAGE_UNITS,
        VIEW_PEOPLE,
        MANAGE_PEOPLE,
        VIEW_EQUIPMENT,
        IMPORT,
        EXPORT,
    },
    Role.TECHNICIAN: {VIEW, VIEW_EQUIPMENT, MANAGE_EQUIPMENT},
    Role.SECURITY: {VIEW, VIEW_PEOPLE, VIEW_EQUIPMENT},
    Role.ENVIRONMENT: {VIEW, VIEW_EQUIPMENT},
    Role.FINANCE: {VIEW, VIEW_PEOPLE, EXPORT},
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, set())


def has_perm(user, perm: str, estate) -> bool:
    from .scoping import estate_ids_for

    ids = estate_ids_for(user, perm)
    return ids is None or estate.pk in ids


def require(user, perm: str, estate) -> None:
    """403 unless the user holds `perm` in `estate`."""
    if not has_perm(user, perm, estate):
        raise PermissionDenied


def has_perm_somewhere(user, perm: str) -> bool:
    from .scoping import estate_ids_for

    ids = estate_ids_for(user, perm)
    return ids is None or bool(ids)


def grant(role_permissions: dict[str, set[str]]) -> None:
    """Domain apps add their permissions to the roles (from AppConfig.ready), so that this
    module needs to know none of them."""
    for role, perms in role_permissions.items():
        ROLE_PERMISSIONS.setdefault(role, set()).update(perms)
