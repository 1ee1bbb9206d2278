"""Who may do what with a maintenance task, and when: the one table of its transitions.

The services check a row before they change anything; the task page shows the rows the user
may take now. Acceptance rows apply only to tasks that need a supervisor's acceptance."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import TransitionError
from estates.permissions import require

from . import permissions as P
from .choices import UpkeepStatus as S
from .transitions import Transition, is_doer

UPKEEP: tuple[Transition, ...] = (
    Transition("complete", gettext_lazy("Record the work as done"), (S.SCHEDULED, S.SENT_BACK),
               P.DO_ROUNDS, doer_only=True, style="success"),
    Transition("accept", gettext_lazy("Accept the work"), (S.DONE,), P.ACCEPT_UPKEEP),
    Transition("send_back", gettext_lazy("Send back"), (S.DONE,), P.ACCEPT_UPKEEP,
               style="outline-danger"),
)  # fmt: skip

ACTIONS: dict[str, Transition] = {t.slug: t for t in UPKEEP}
NEEDS_ACCEPTANCE = ("accept", "send_back")


def _applies(transition, task) -> bool:
    return task.needs_acceptance or transition.slug not in NEEDS_ACCEPTANCE


def available(user, task) -> list[Transition]:
    return [t for t in UPKEEP if _applies(t, task) and t.allows(user, task)]


def check(slug: str, actor, task) -> Transition:
    """The role (403), the state (TransitionError), then whether the task is theirs (403)."""
    transition = ACTIONS[slug]
    require(actor, transition.permission, task.estate)
    if task.status not in transition.from_states or not _applies(transition, task):
        raise TransitionError(
            _("A maintenance task that is “%(status)s” can't do that.")
            % {"status": task.get_status_display()}
        )
    if transition.doer_only and not is_doer(actor, task):
        raise PermissionDenied
    return transition
