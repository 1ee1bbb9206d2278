"""Who may do what with a complaint, and when: the one table of its transitions.

Each row: the action's slug, from which states, the permission (staff, checked in the
complaint's estate; None for the complainant in the portal), the service (a function of
complaints.services) and the form (a class of complaints.forms). The services check a row
before they change anything; the staff and owner pages render their buttons from it."""

from dataclasses import dataclass
from importlib import import_module

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import TransitionError
from estates.permissions import has_perm, require

from . import permissions as P
from .choices import OPEN_STATUSES
from .choices import Status as S

STAFF, OWNER = "staff", "owner"


@dataclass(frozen=True)
class Transition:
    slug: str
    label: str
    from_states: tuple
    permission: str | None
    service: str
    form: str
    who: str = STAFF
    style: str = "primary"

    @property
    def service_function(self):
        return getattr(import_module("complaints.services"), self.service)

    @property
    def form_class(self):
        return getattr(import_module("complaints.forms"), self.form)

    def allows(self, user, complaint) -> bool:
        if complaint.status not in self.from_states:
            return False
        return self.permission is None or has_perm(user, self.permission, complaint.estate)


def _staff(slug, label, from_states, service, form, permission=P.HANDLE, style="primary"):
    return Transition(slug, label, tuple(from_states), permission, service, form, STAFF, style)


def _owner(slug, label, from_states, service, form, style="primary"):
    return Transition(slug, label, tuple(from_states), None, service, form, OWNER, style)


COMPLAINT: tuple[Transition, ...] = (
    _staff("acknowledge", gettext_lazy("Acknowledge"), [S.NEW],
           "complaint_acknowledge", "AcknowledgeForm"),
    _staff("start", gettext_lazy("Start working on it"), [S.ACKNOWLEDGED, S.REOPENED],
           "complaint_start", "NoteForm"),
    _staff("assign", gettext_lazy("Give to someone else"), OPEN_STATUSES,
           "complaint_assign", "AssignForm", style="outline-secondary"),
    _staff("repair", gettext_lazy("Open a repair ticket"),
           [S.ACKNOWLEDGED, S.IN_PROGRESS, S.REOPENED],
           "complaint_open_ticket", "RepairForm", style="outline-primary"),
    _staff("resolve", gettext_lazy("Resolve"), [S.ACKNOWLEDGED, S.IN_PROGRESS, S.REOPENED],
           "complaint_resolve", "ResolveForm", style="success"),
    _staff("close", gettext_lazy("Close (confirmed by the complainant)"), [S.RESOLVED],
           "complaint_close", "CloseForm", style="dark"),
    _staff("reopen", gettext_lazy("Reopen"), [S.RESOLVED, S.CLOSED],
           "complaint_reopen", "ReasonForm", style="outline-danger"),
    _staff("cancel", gettext_lazy("Withdrawn"), OPEN_STATUSES,
           "complaint_cancel", "ReasonForm", style="outline-danger"),
    _staff("typical", gettext_lazy("Mark as a typical case"), [S.CLOSED],
           "complaint_mark_typical", "TypicalForm", style="outline-dark"),
    # The complainant, in the portal, on a complaint of theirs.
    _owner("confirm", gettext_lazy("Confirm and rate"), [S.RESOLVED],
           "complaint_confirm", "ConfirmForm", style="success"),
    _owner("reopen", gettext_lazy("Not resolved: reopen"), [S.RESOLVED],
           "complaint_reopen", "ReasonForm", style="outline-danger"),
    _owner("withdraw", gettext_lazy("Withdraw"), OPEN_STATUSES,
           "complaint_cancel", "ReasonForm", style="outline-secondary"),
)  # fmt: skip

# What the user reads once an action is done (who: staff or owner, slug) -> text.
DONE = {
    (STAFF, "acknowledge"): gettext_lazy("%(number)s acknowledged."),
    (STAFF, "start"): gettext_lazy("Work on %(number)s started."),
    (STAFF, "assign"): gettext_lazy("%(number)s given to someone else."),
    (STAFF, "repair"): gettext_lazy("Repair ticket opened for %(number)s."),
    (STAFF, "resolve"): gettext_lazy("%(number)s resolved; the complainant is asked to confirm."),
    (STAFF, "close"): gettext_lazy("%(number)s closed."),
    (STAFF, "reopen"): gettext_lazy("%(number)s reopened."),
    (STAFF, "cancel"): gettext_lazy("%(number)s withdrawn."),
    (STAFF, "typical"): gettext_lazy("%(number)s marked as a typical case."),
    (OWNER, "confirm"): gettext_lazy("Thank you for rating %(number)s."),
    (OWNER, "reopen"): gettext_lazy("%(number)s reopened: we are on it again."),
    (OWNER, "withdraw"): gettext_lazy("%(number)s withdrawn."),
}

STAFF_ACTIONS: dict[str, Transition] = {t.slug: t for t in COMPLAINT if t.who == STAFF}
OWNER_ACTIONS: dict[str, Transition] = {t.slug: t for t in COMPLAINT if t.who == OWNER}


def available(user, complaint, who: str = STAFF) -> list[Transition]:
    table = STAFF_ACTIONS if who == STAFF else OWNER_ACTIONS
    return [t for t in table.values() if t.allows(user, complaint)]


def check(transition: Transition, actor, complaint) -> None:
    """The role (403 without the permission in the complaint's estate), then the state."""
    if transition.permission is not None:
        require(actor, transition.permission, complaint.estate)
    if complaint.status not in transition.from_states:
        raise TransitionError(
            _("A complaint that is “%(status)s” can't do that.")
            % {"status": complaint.get_status_display()}
        )
