"""A round's transitions taken by people: start, finish, give to someone else. Each locks
the round, checks the transition table, saves and writes the timeline."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from core.notifications import notify
from estates.models import StaffMembership
from estates.permissions import has_perm

from .. import permissions as P
from ..choices import RoundStatus as S
from ..models import Round
from ..transitions import check


def _locked(round_id, actor):
    return (
        Round.objects.for_user(actor)
        .select_for_update()
        .select_related("estate", "plan", "route")
        .get(pk=round_id)
    )


def round_start(*, round_id, actor):
    with transaction.atomic():
        round_ = _locked(round_id, actor)
        check("start", actor, round_)
        round_.status, round_.started_at = S.IN_PROGRESS, timezone.now()
        if round_.assignee_id is None:
            round_.assignee = actor
        round_.save(update_fields=["status", "started_at", "assignee", "updated_at"])
        record_event(
            round_, actor=actor, verb="round_started",
            changes={"status": [S.SCHEDULED.value, S.IN_PROGRESS.value]},
        )  # fmt: skip
    return round_


def missing_checkpoints(round_) -> list:
    done = set(round_.visits.filter(completed=True).values_list("checkpoint_id", flat=True))
    return [c for c in round_.route.checkpoints_in_order() if c.pk not in done]


def round_finish(*, round_id, actor):
    """Done when finished inside its window; late after it (or once marked late)."""
    now = timezone.now()
    with transaction.atomic():
        round_ = _locked(round_id, actor)
        check("finish", actor, round_)
        missing = missing_checkpoints(round_)
        if missing:
            raise DomainError(
                _("Still to do: %(checkpoints)s.")
                % {"checkpoints": ", ".join(c.name for c in missing)}
            )
        old = round_.status
        late = old == S.LATE or now > round_.window_end
        round_.status = S.LATE if late else S.DONE
        round_.finished_at, round_.finished_by = now, actor
        round_.save(update_fields=["status", "finished_at", "finished_by", "updated_at"])
        record_event(
            round_, actor=actor, verb="round_finished", changes={"status": [old, round_.status]}
        )
    return round_


def round_assign(*, round_id, assignee, actor):
    """Give the round to `assignee` (staff of its estate who do rounds); they are told."""
    with transaction.atomic():
        round_ = _locked(round_id, actor)
        check("assign", actor, round_)
        member = StaffMembership.objects.active().filter(user=assignee, estate=round_.estate)
        if not member.exists() or not has_perm(assignee, P.DO_ROUNDS, round_.estate):
            raise DomainError(_("%(name)s does not do rounds in this estate.") % {"name": assignee})
        old = round_.assignee
        round_.assignee = assignee
        round_.save(update_fields=["assignee", "updated_at"])
        record_event(
            round_, actor=actor, verb="round_assigned",
            changes={"assignee": [str(old) if old else None, str(assignee)]},
        )  # fmt: skip
        notify(
            recipients=[assignee],
            title=texts.gettext("Inspection round %(plan)s is yours", plan=round_.plan.name),
            url=round_.get_absolute_url(),
        )
    return round_
