"""What each staff role may do with complaints (granted to the roles at start-up)."""

from estates.choices import Role

VIEW = "complaints.view"  # the board, a complaint's page
FILE = "complaints.file"  # record a complaint for a caller or a visitor
HANDLE = "complaints.handle"  # acknowledge, assign, resolve, close, reopen, repair tickets
SEE_ANONYMOUS = "complaints.see_anonymous"  # the name behind an anonymous complaint
CONFIGURE = "complaints.configure"  # the estate's complaint deadlines
REPORT = "complaints.report"  # case summaries and prevention actions
NOTICES = "complaints.notices"  # publish notices (公告) to owners
CONTACTS = "complaints.contacts"  # the communication log of an owner

ROLE_PERMISSIONS = {
    Role.MANAGER: {VIEW, FILE, HANDLE, SEE_ANONYMOUS, CONFIGURE, REPORT, NOTICES, CONTACTS},
    Role.CUSTOMER_SERVICE: {VIEW, FILE, HANDLE, REPORT, NOTICES, CONTACTS},
    Role.TECHNICIAN: {VIEW, FILE},
    Role.SECURITY: {VIEW, FILE},
    Role.ENVIRONMENT: {VIEW, FILE},
    Role.FINANCE: {VIEW, FILE},
}
