"""Who may move a bill or a bill run from which state to which: the one table of each.

The services check a row before they change a status (also the bulk updates of a run,
which update only rows still in the row's from-states); the pages show the buttons of the
rows the user may take now. Settling a bill (partly or fully paid) is done by a payment or
a credit, so its rows name the permission of whoever records those."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import TransitionError
from estates.permissions import has_perm, require

from . import permissions as P
from .choices import BillStatus as B
from .choices import RunStatus as R


@dataclass(frozen=True)
class Transition:
    slug: str
    label: str
    from_states: tuple
    to_state: str
    permission: str | None  # None: done by the system (a task), or by an owner's payment

    def allows(self, user, obj) -> bool:
        if obj.status not in self.from_states:
            return False
        return self.permission is None or has_perm(user, self.permission, obj.estate)


def _t(slug, label, from_states, to_state, permission):
    return Transition(slug, label, tuple(from_states), to_state, permission)


BILL: dict[str, Transition] = {
    t.slug: t
    for t in (
        _t("issue", gettext_lazy("Issue"), [B.DRAFT], B.ISSUED, P.RUN),
        _t(
            "settle_part",
            gettext_lazy("Partly paid"),
            [B.ISSUED, B.PARTIALLY_PAID],
            B.PARTIALLY_PAID,
            None,
        ),
        _t("settle", gettext_lazy("Paid"), [B.ISSUED, B.PARTIALLY_PAID], B.PAID, None),
        _t(
            "void",
            gettext_lazy("Void with a credit note"),
            [B.ISSUED, B.PARTIALLY_PAID],
            B.VOID,
            P.ADJUST,
        ),
    )
}

RUN: dict[str, Transition] = {
    t.slug: t
    for t in (
        _t("computed", gettext_lazy("Computed"), [R.DRAFT], R.PREVIEWED, None),
        _t("recompute", gettext_lazy("Compute again"), [R.PREVIEWED, R.FAILED], R.DRAFT, P.RUN),
        _t("issue", gettext_lazy("Issue the bills"), [R.PREVIEWED], R.ISSUING, P.RUN),
        _t("issued", gettext_lazy("Issued"), [R.ISSUING], R.ISSUED, None),
        _t("fail", gettext_lazy("Failed"), [R.DRAFT, R.ISSUING], R.FAILED, None),
    )
}


def check(table: dict[str, Transition], slug: str, actor, obj) -> Transition:
    """The row of `slug`: 403 without its permission in obj's estate, TransitionError
    when obj's status does not allow it."""
    transition = table[slug]
    if transition.permission is not None and actor is not None:
        require(actor, transition.permission, obj.estate)
    if obj.status not in transition.from_states:
        raise TransitionError(
            _("Not possible while the status is “%(status)s”.")
            % {"status": obj.get_status_display()}
        )
    return transition


def available(table: dict[str, Transition], user, obj) -> list[Transition]:
    """Actions with a permission (the buttons) the user may take on obj now."""
    return [t for t in table.values() if t.permission is not None and t.allows(user, obj)]


# --- A repair's quote (billing/services/repairs.py) ---------------------------------------

from .choices import QuoteStatus as Q  # noqa: E402

QUOTE: dict[str, Transition] = {
    t.slug: t
    for t in (
        _t("send", gettext_lazy("Send to the owner"), [Q.DRAFT], Q.SENT, P.QUOTE),
        # Accepted or declined by the owner in the portal (no staff permission), or
        # signed on the technician's phone (the quote permission, checked by its service).
        _t("accept", gettext_lazy("Accept"), [Q.SENT], Q.ACCEPTED, None),
        _t("decline", gettext_lazy("Decline"), [Q.SENT], Q.DECLINED, None),
        _t(
            "withdraw",
            gettext_lazy("Withdraw (the repair is free)"),
            [Q.DRAFT, Q.SENT, Q.DECLINED],
            Q.WITHDRAWN,
            P.QUOTE,
        ),
    )
}
