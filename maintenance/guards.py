"""Guards: rules of the apps above that may hold back a transition of a ticket (work that
must wait for something another app keeps), so that maintenance imports none of them.

Register from AppConfig.ready(); a guard is a function (ticket, slug, actor) -> str | None:
the reason (a translated text) why the action `slug` of maintenance.transitions may not
be taken on `ticket` now, or None. The transition services ask every guard after the
table's own checks, with the ticket locked; the first reason refuses the action."""

from collections.abc import Callable

from core.errors import TransitionError

_GUARDS: list[Callable] = []


def register_transition_guard(guard: Callable) -> Callable:
    if guard not in _GUARDS:
        _GUARDS.append(guard)
    return guard


def blocked_because(ticket, slug: str, actor) -> str | None:
    """The first guard's reason to hold back `slug` on `ticket`, or None."""
    for guard in _GUARDS:
        reason = guard(ticket, slug, actor)
        if reason:
            return reason
    return None


def check_guards(ticket, slug: str, actor) -> None:
    reason = blocked_because(ticket, slug, actor)
    if reason:
        raise TransitionError(str(reason))
