"""What every transition service shares: lock the ticket and check the transition table,
save with the version bumped and the timeline event recorded."""

from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import TransitionError
from estates.models import Estate
from estates.permissions import has_perm

from ..board_cache import estates_changed
from ..guards import check_guards
from ..models import Ticket
from ..transitions import OWNER, OWNER_ACTIONS, STAFF_ACTIONS, Transition, check_actor, check_state


def _locked(ticket_id, actor, transition: Transition, *, version):
    """Lock the ticket in the actor's scope (the owner's tickets for an owner's action) and
    check the transition table allows this actor to take it now."""
    owner = transition.who == OWNER
    base = Ticket.objects.for_owner(actor) if owner else Ticket.objects.for_user(actor)
    ticket = base.select_for_update().select_related("estate").get(pk=ticket_id)
    check_actor(transition, actor, ticket)
    if version is not None and ticket.version != version:
        raise TransitionError(
            _(
                "Someone else changed this ticket a moment ago; nothing was "
                "done. Please look at it again."
            )
        )
    check_state(transition, actor, ticket)
    check_guards(ticket, transition.slug, actor)  # the rules other apps registered
    return ticket


def _as(slug, actor, ticket_id) -> Transition:
    """The staff row of an action staff and owners share (cancel, verify) when the actor
    holds its permission in the ticket's estate, else the owner's row."""
    staff = STAFF_ACTIONS[slug]
    if has_perm(actor, staff.permission, _estate_of(ticket_id)):
        return staff
    return OWNER_ACTIONS[slug]


def _save(ticket, actor, verb, fields, *, changes=None, note=""):
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    estates_changed([ticket.estate_id])
    record_event(ticket, actor=actor, verb=verb, changes=changes or {}, note=note)


def _status_change(ticket, new):
    """Stored as values (not labels): each reader sees them in their own language."""
    old = ticket.status
    ticket.status = new
    return {"status": [str(old), str(new)]}


def _estate_of(ticket_id):
    """The ticket's estate, enough for a permission check (has_perm reads only its pk)."""
    return Estate(
        pk=Ticket.objects.filter(pk=ticket_id).values_list("estate_id", flat=True).first()
    )
