"""What each staff role may do with inspections (granted to the roles at start-up)."""

from estates.choices import Role

VIEW = "inspections.view"  # checkpoints, routes, plans, rounds and their findings
CONFIGURE = "inspections.configure"  # checkpoints, check items, routes, plans, holidays
DO_ROUNDS = "inspections.do_rounds"  # walk rounds: scan checkpoints, record answers
ASSIGN = "inspections.assign"  # give a round to someone else

ROLE_PERMISSIONS = {
    Role.MANAGER: {VIEW, CONFIGURE, DO_ROUNDS, ASSIGN},
    Role.CUSTOMER_SERVICE: {VIEW},
    Role.TECHNICIAN: {VIEW, DO_ROUNDS},
    Role.SECURITY: {VIEW, DO_ROUNDS},
}

ACCEPT_UPKEEP = "inspections.accept_upkeep"  # accept or send back a maintenance task
ROLE_PERMISSIONS[Role.MANAGER].add(ACCEPT_UPKEEP)
