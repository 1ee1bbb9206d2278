"""What each staff role may do with repair tickets (granted to the roles at start-up)."""

from estates.choices import Role

VIEW = "maintenance.view"
CREATE = "maintenance.create"  # record a report (for an owner, or a fault seen on a round)
REGISTER = "maintenance.register"  # verify or reject reports
DISPATCH = "maintenance.dispatch"  # assign and reassign technicians
WORK = "maintenance.work"  # accept, arrive, repair, pause, complete (own jobs)
VERIFY = "maintenance.verify"  # check completed work
FOLLOW_UP = "maintenance.follow_up"  # 回访, close
CONFIGURE = "maintenance.configure"  # deadlines (SLA) of the estate
REPORT = "maintenance.report"  # monthly repair report

ROLE_PERMISSIONS = {
    Role.MANAGER: {VIEW, CREATE, REGISTER, DISPATCH, WORK, VERIFY, FOLLOW_UP, CONFIGURE, REPORT},
    Role.CUSTOMER_SERVICE: {VIEW, CREATE, REGISTER, DISPATCH, VERIFY, FOLLOW_UP, REPORT},
    Role.TECHNICIAN: {VIEW, CREATE, WORK},
    Role.SECURITY: {VIEW, CREATE},
    Role.ENVIRONMENT: {VIEW, CREATE},
    Role.FINANCE: {VIEW, REPORT},
}
