"""Who may do what with a repair ticket, and when: the one table of its transitions.

Each row says from which states an action may be taken, by whom (staff with a permission,
checked in the ticket's own estate; or the owner, on a ticket of theirs), which service
does it and which form collects its input. The services check a row before they change
anything; the staff ticket page, the technician's phone page and the owner's ticket page
show exactly the rows the user may take now. There is no second list of "who may do what
when": add or change an action here.

Services and forms are named (module.attribute), not imported: the services import this
table, and the forms import the services."""

from dataclasses import dataclass
from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import TransitionError
from estates.permissions import has_perm, require

from . import permissions as P
from .choices import OPEN_STATUSES
from .choices import Status as S

STAFF, OWNER = "staff", "owner"

# The working steps: a job can be paused from them, and change hands at them.
PAUSABLE = (S.ACCEPTED, S.ON_SITE, S.IN_REPAIR)
REASSIGNABLE = (S.DISPATCHED, *PAUSABLE, S.PAUSED)


@dataclass(frozen=True)
class Transition:
    slug: str
    label: str
    from_states: tuple
    permission: str | None  # staff: checked in the ticket's estate; None for the owner
    service: str  # a function of maintenance.services
    form: str  # "forms_staff.RegisterForm": a form of this app
    who: str = STAFF
    assigned_only: bool = False  # only the assigned technician, or a dispatcher for them
    style: str = "primary"  # the button's colour

    @property
    def service_function(self):
        return getattr(import_module("maintenance.services"), self.service)

    @property
    def form_class(self):
        module, name = self.form.rsplit(".", 1)
        return getattr(import_module(f"maintenance.{module}"), name)

    def role_allows(self, user, ticket) -> bool:
        if self.permission is not None and not has_perm(user, self.permission, ticket.estate):
            return False
        return not self.assigned_only or _assigned_or_dispatcher(user, ticket)

    def allows(self, user, ticket) -> bool:
        """May `user` take this action on `ticket` now (a ticket already in their scope)?"""
        return ticket.status in self.from_states and self.role_allows(user, ticket)


def _assigned_or_dispatcher(user, ticket) -> bool:
    return ticket.technician_id == user.pk or has_perm(user, P.DISPATCH, ticket.estate)


def _staff(slug, label, from_states, permission, service, form, **kw):
    return Transition(slug, label, tuple(from_states), permission, service, form, **kw)


def _owner(slug, label, from_states, service, form):
    return Transition(slug, label, tuple(from_states), None, service, form, who=OWNER)


TICKET: tuple[Transition, ...] = (
    # The service desk: register or reject a report, or cancel it before anyone goes.
    _staff("register", gettext_lazy("Register"), [S.REPORTED], P.REGISTER,
           "ticket_register", "forms_staff.RegisterForm"),
    _staff("reject", gettext_lazy("Reject"), [S.REPORTED], P.REGISTER,
           "ticket_reject", "forms_staff.RejectForm", style="outline-danger"),
    _staff("dispatch", gettext_lazy("Dispatch"), [S.REGISTERED, *REASSIGNABLE], P.DISPATCH,
           "ticket_dispatch", "forms_staff.DispatchForm"),
    _staff("cancel", gettext_lazy("Cancel"), [S.REPORTED, S.REGISTERED], P.REGISTER,
           "ticket_cancel", "forms_staff.CancelForm", style="outline-danger"),
    # The technician's steps.
    _staff("accept", gettext_lazy("Accept the job"), [S.DISPATCHED], P.WORK,
           "ticket_accept", "forms_staff.SimpleActionForm", assigned_only=True),
    _staff("arrive", gettext_lazy("Arrived on site"), [S.ACCEPTED], P.WORK,
           "ticket_arrive", "forms_staff.SimpleActionForm", assigned_only=True),
    _staff("start", gettext_lazy("Start the repair"), [S.ON_SITE], P.WORK,
           "ticket_start_repair", "forms_staff.SimpleActionForm", assigned_only=True),
    _staff("pause", gettext_lazy("Pause"), PAUSABLE, P.WORK,
           "ticket_pause", "forms_staff.PauseForm", assigned_only=True, style="outline-warning"),
    _staff("resume", gettext_lazy("Resume the work"), [S.PAUSED], P.WORK,
           "ticket_resume", "forms_staff.SimpleActionForm", assigned_only=True),
    _staff("complete", gettext_lazy("Complete"), [S.IN_REPAIR], P.WORK,
           "ticket_complete", "forms_staff.CompleteForm", assigned_only=True, style="success"),
    # Checking the work, the follow-up visit, closing.
    _staff("verify", gettext_lazy("Check the work"), [S.COMPLETED], P.VERIFY,
           "ticket_verify", "forms_staff.VerifyForm", style="success"),
    _staff("follow-up", gettext_lazy("Record the follow-up"), [S.VERIFIED], P.FOLLOW_UP,
           "ticket_follow_up", "forms_staff.FollowUpForm"),
    _staff("close", gettext_lazy("Close"), [S.FOLLOWED_UP], P.FOLLOW_UP,
           "ticket_close", "forms_staff.CloseForm", style="dark"),
    # The owner, in the portal, on a ticket of theirs.
    _owner("verify", gettext_lazy("Is it fixed?"), [S.COMPLETED],
           "ticket_verify", "forms_owner.VerifyForm"),
    _owner("rate", gettext_lazy("Rate the repair"), [S.COMPLETED, S.VERIFIED],
           "ticket_rate", "forms_owner.RateForm"),
    _owner("urge", gettext_lazy("Remind them (urge)"), OPEN_STATUSES,
           "ticket_urge", "forms_owner.UrgeForm"),
    _owner("cancel", gettext_lazy("Cancel the request"), [S.REPORTED, S.REGISTERED],
           "ticket_cancel", "forms_owner.CancelForm"),
)  # fmt: skip

STAFF_ACTIONS: dict[str, Transition] = {t.slug: t for t in TICKET if t.who == STAFF}
OWNER_ACTIONS: dict[str, Transition] = {t.slug: t for t in TICKET if t.who == OWNER}


def available(user, ticket, who: str = STAFF) -> list[Transition]:
    """The actions `user` may take on `ticket` now, in the table's order."""
    table = STAFF_ACTIONS if who == STAFF else OWNER_ACTIONS
    return [t for t in table.values() if t.allows(user, ticket)]


def check_actor(transition: Transition, actor, ticket) -> None:
    """The role: the permission in the ticket's own estate (403 without it)."""
    if transition.permission is not None:
        require(actor, transition.permission, ticket.estate)


def check_state(transition: Transition, actor, ticket) -> None:
    """The state (TransitionError), then the assignment for a technician's step (403)."""
    if ticket.status not in transition.from_states:
        raise TransitionError(
            _("A ticket that is “%(status)s” can't do that.")
            % {"status": ticket.get_status_display()}
        )
    if transition.assigned_only and not _assigned_or_dispatcher(actor, ticket):
        raise PermissionDenied  # only the assigned technician (or a dispatcher for them)
