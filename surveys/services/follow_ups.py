"""Follow-up items: a dimension below the survey's target, with a responsible person and a
due date, until it is done."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.notifications import notify
from estates.models import StaffMembership

from ..choices import Dimension, FollowUpStatus
from ..models import FollowUp
from ..transitions import FOLLOW_UP, check

FOLLOW_UP_DAYS = 30


def follow_ups_create(*, survey) -> list[FollowUp]:
    """One open item per flagged dimension of `survey` (idempotent: at most one each)."""
    from ..results import survey_results

    results = survey_results(survey)
    due = timezone.localdate() + timedelta(days=FOLLOW_UP_DAYS)
    created = []
    for row in results["dimensions"]:
        if not row["flagged"]:
            continue
        item, new = FollowUp.objects.get_or_create(
            survey=survey,
            dimension=row["dimension"],
            defaults={"score": row["satisfied_pct"], "target": survey.target, "due_on": due},
        )
        if new:
            record_event(item, actor=None, verb="follow_up_created")
            created.append(item)
    return created


def _locked(follow_up_id, actor):
    return (
        FollowUp.objects.for_user(actor)
        .select_for_update(of=("self",))
        .select_related("survey__estate")
        .get(pk=follow_up_id)
    )


def follow_up_assign(*, follow_up_id, actor, assignee, due_on):
    with transaction.atomic():
        item = _locked(follow_up_id, actor)
        check(FOLLOW_UP, "assign", actor, item)
        is_staff = StaffMembership.objects.filter(
            user=assignee, estate_id=item.survey.estate_id, is_active=True
        ).exists()
        if not is_staff:
            raise ValidationError({"assignee": _("Choose a staff member of this estate.")})
        changes = {
            "assignee": [str(item.assignee or ""), str(assignee)],
            "due_on": [str(item.due_on or ""), str(due_on)],
        }
        item.assignee, item.due_on = assignee, due_on
        item.save(update_fields=["assignee", "due_on", "updated_at"])
        record_event(item, actor=actor, verb="follow_up_assigned", changes=changes)
        if assignee != actor:
            transaction.on_commit(lambda: _tell_assignee(item.pk))
    return item


def _tell_assignee(follow_up_id):
    item = FollowUp.objects.select_related("survey", "assignee").get(pk=follow_up_id)
    notify(
        recipients=[item.assignee],
        title=texts.gettext(
            "Follow-up for you: %(dimension)s (%(survey)s)",
            dimension=texts.choice(Dimension, item.dimension),
            survey=item.survey.title,
        ),
        body=texts.gettext("Due on %(date)s.", date=item.due_on),
        url=item.get_absolute_url(),
    )


def follow_up_done(*, follow_up_id, actor, outcome):
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done.")})
    with transaction.atomic():
        item = _locked(follow_up_id, actor)
        check(FOLLOW_UP, "done", actor, item)
        item.status, item.outcome, item.done_at = FollowUpStatus.DONE, outcome, timezone.now()
        item.save(update_fields=["status", "outcome", "done_at", "updated_at"])
        record_event(
            item,
            actor=actor,
            verb="follow_up_done",
            changes={"status": [FollowUpStatus.OPEN.value, FollowUpStatus.DONE.value]},
            note=outcome,
        )
    return item


def follow_up_reopen(*, follow_up_id, actor, reason=""):
    with transaction.atomic():
        item = _locked(follow_up_id, actor)
        check(FOLLOW_UP, "reopen", actor, item)
        item.status, item.done_at = FollowUpStatus.OPEN, None
        item.save(update_fields=["status", "done_at", "updated_at"])
        record_event(
            item,
            actor=actor,
            verb="follow_up_reopened",
            changes={"status": [FollowUpStatus.DONE.value, FollowUpStatus.OPEN.value]},
            note=reason,
        )
    return item
