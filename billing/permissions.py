"""What each staff role may do with fees and bills (granted to the roles at start-up)."""

from estates.choices import Role

VIEW = "billing.view"  # fee standards, bills, accounts, statements, receipts
CONFIGURE = "billing.configure"  # fee items and new versions of fee standards
RUN = "billing.run"  # start, preview and issue bill runs
COLLECT = "billing.collect"  # record payments at the counter
ADJUST = "billing.adjust"  # waivers, discounts, credit notes (with a reason)
COSTS = "billing.costs"  # cost records, income against cost, transparency summaries
READ_METERS = "billing.read_meters"  # meters, their readings (phone page, import)

ROLE_PERMISSIONS = {
    Role.MANAGER: {VIEW, CONFIGURE, RUN, COLLECT, ADJUST, COSTS, READ_METERS},
    Role.FINANCE: {VIEW, CONFIGURE, RUN, COLLECT, ADJUST, COSTS, READ_METERS},
    Role.TECHNICIAN: {READ_METERS},  # who walks the meters
    Role.CUSTOMER_SERVICE: {VIEW},
}

# Chargeable repairs: build a repair's quote from the price list, take the owner's signature
# on the phone, record the final amount. Granted beside the roles' other permissions.
QUOTE = "billing.quote"

for _role in (Role.MANAGER, Role.FINANCE, Role.CUSTOMER_SERVICE, Role.TECHNICIAN):
    ROLE_PERMISSIONS.setdefault(_role, set()).add(QUOTE)
