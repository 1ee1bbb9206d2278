"""Who may do what with a round, and when: the one table of its transitions.

The services check a row before they change anything; the round page shows the rows the
user may take now. The sweep's rows (who = SYSTEM) are taken by the periodic task only."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import TransitionError
from estates.permissions import has_perm, require
from estates.scoping import role_in

from . import permissions as P
from .choices import RoundStatus as S

STAFF, SYSTEM = "staff", "system"


@dataclass(frozen=True)
class Transition:
    slug: str
    label: str
    from_states: tuple
    permission: str | None
    who: str = STAFF
    doer_only: bool = False  # only someone the round is for (or who may assign it)
    style: str = "primary"

    def allows(self, user, round_) -> bool:
        if self.who != STAFF or round_.status not in self.from_states:
            return False
        if not has_perm(user, self.permission, round_.estate):
            return False
        return not self.doer_only or is_doer(user, round_)


def is_doer(user, round_) -> bool:
    """Is `round_` for `user`: given to them, or to nobody yet and theirs by the plan (or may
    they assign it)?"""
    if round_.assignee_id is not None:
        return round_.assignee_id == user.pk or has_perm(user, P.ASSIGN, round_.estate)
    if has_perm(user, P.ASSIGN, round_.estate):
        return True
    if round_.role and role_in(user, round_.estate_id) == round_.role:
        return True
    return round_.plan.assignees.filter(pk=user.pk).exists()


ROUND: tuple[Transition, ...] = (
    Transition("start", gettext_lazy("Start the round"), (S.SCHEDULED,), P.DO_ROUNDS,
               doer_only=True),
    Transition("finish", gettext_lazy("Finish the round"), (S.IN_PROGRESS, S.LATE), P.DO_ROUNDS,
               doer_only=True, style="success"),
    Transition("assign", gettext_lazy("Give to someone else"),
               (S.SCHEDULED, S.IN_PROGRESS, S.LATE), P.ASSIGN, style="outline-secondary"),
    # The sweep, once a window has closed.
    Transition("miss", gettext_lazy("Missed"), (S.SCHEDULED,), None, who=SYSTEM),
    Transition("late", gettext_lazy("Late"), (S.IN_PROGRESS,), None, who=SYSTEM),
)  # fmt: skip

ACTIONS: dict[str, Transition] = {t.slug: t for t in ROUND}


def available(user, round_) -> list[Transition]:
    return [t for t in ROUND if t.allows(user, round_)]


def check(slug: str, actor, round_) -> Transition:
    """The role (403), the state (TransitionError), then whether the round is theirs (403)."""
    transition = ACTIONS[slug]
    if transition.permission is not None:
        require(actor, transition.permission, round_.estate)
    if round_.status not in transition.from_states:
        raise TransitionError(
            _("A round that is “%(status)s” can't do that.")
            % {"status": round_.get_status_display()}
        )
    if transition.doer_only and not is_doer(actor, round_):
        raise PermissionDenied
    return transition
