"""Who may do what with a survey and a follow-up item, and when: the one table of their
transitions. The services check a row before they change anything; the staff pages show
the buttons of the rows the user may take now (each row names its URL)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import TransitionError
from estates.permissions import has_perm, require

from . import permissions as P
from .choices import FollowUpStatus as F
from .choices import SurveyStatus as S


@dataclass(frozen=True)
class Transition:
    slug: str
    label: str
    from_states: tuple
    to_state: str | None  # None: the state stays (an edit allowed in these states)
    permission: str
    url_name: str = ""  # the staff page's POST URL ("" : not a button)
    style: str = "primary"
    confirm: str = ""

    def allows(self, user, obj) -> bool:
        return obj.status in self.from_states and has_perm(user, self.permission, _estate(obj))


def _estate(obj):
    return obj.estate if hasattr(obj, "estate_id") else obj.survey.estate


SURVEY: dict[str, Transition] = {
    t.slug: t
    for t in (
        Transition("edit", gettext_lazy("Edit"), (S.DRAFT,), None, P.MANAGE),
        Transition("publish", gettext_lazy("Publish"), (S.DRAFT,), S.PUBLISHED, P.MANAGE,
                   "surveys:survey_publish", "success",
                   gettext_lazy("Publish and tell the owners? Its questions can't change then.")),
        Transition("enter", gettext_lazy("Enter a paper questionnaire"), (S.PUBLISHED,), None,
                   P.ENTER),
        Transition("close", gettext_lazy("Close"), (S.PUBLISHED,), S.CLOSED, P.MANAGE,
                   "surveys:survey_close", "dark",
                   gettext_lazy("Close the survey? No more answers are taken.")),
        Transition("copy", gettext_lazy("Copy as a new draft"), (S.DRAFT, S.PUBLISHED, S.CLOSED),
                   None, P.MANAGE, "surveys:survey_copy", "outline-secondary"),
    )
}  # fmt: skip

FOLLOW_UP: dict[str, Transition] = {
    t.slug: t
    for t in (
        Transition("assign", gettext_lazy("Assign"), (F.OPEN,), None, P.FOLLOW_UP),
        Transition("done", gettext_lazy("Mark as done"), (F.OPEN,), F.DONE, P.FOLLOW_UP),
        Transition("reopen", gettext_lazy("Reopen"), (F.DONE,), F.OPEN, P.FOLLOW_UP),
    )
}


def buttons(user, survey) -> list[Transition]:
    """The survey's POST actions the user may take now, in the table's order."""
    return [t for t in SURVEY.values() if t.url_name and t.allows(user, survey)]


def check(table: dict, slug: str, actor, obj) -> Transition:
    """The role in the object's estate (403 without it), then the state (TransitionError)."""
    transition = table[slug]
    if actor is not None:  # None: the system (the periodic closing of surveys past their end)
        require(actor, transition.permission, _estate(obj))
    if obj.status not in transition.from_states:
        raise TransitionError(
            _("Not possible while it is “%(status)s”.") % {"status": obj.get_status_display()}
        )
    return transition
