"""What each staff role may do with satisfaction surveys (granted to the roles at start-up)."""

from estates.choices import Role

VIEW = "surveys.view"  # the surveys of the estate and their (anonymous) results
MANAGE = "surveys.manage"  # build, copy, publish and close surveys
ENTER = "surveys.enter"  # type in paper and phone questionnaires
FOLLOW_UP = "surveys.follow_up"  # assign and close follow-up items

ROLE_PERMISSIONS = {
    Role.MANAGER: {VIEW, MANAGE, ENTER, FOLLOW_UP},
    Role.CUSTOMER_SERVICE: {VIEW, MANAGE, ENTER, FOLLOW_UP},
    Role.TECHNICIAN: {VIEW},
    Role.SECURITY: {VIEW},
    Role.ENVIRONMENT: {VIEW},
    Role.FINANCE: {VIEW},
}
