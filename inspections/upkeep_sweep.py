"""The maintenance sweep: a task not done when its window closes is overdue; its people and
the estate's managers are told once.

Idempotent and safe with two sweeps at once: candidates are locked with SELECT … FOR UPDATE
SKIP LOCKED and claimed with `overdue_told` in the same transaction."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from core import texts
from core.audit import record_events_bulk
from core.notifications import notify
from estates.choices import Role
from estates.models import StaffMembership

from .choices import UPKEEP_OPEN
from .models import UpkeepTask
from .sweep import doers

BATCH = 500


def _overdue(now) -> tuple[int, int]:
    with transaction.atomic():
        tasks = list(
            UpkeepTask.objects.filter(
                status__in=UPKEEP_OPEN, overdue_told=False, window_end__lte=now
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("plan", "assignee", "equipment")
            .order_by("window_end", "pk")[:BATCH]
        )
        if not tasks:
            return 0, 0
        UpkeepTask.objects.filter(pk__in=[t.pk for t in tasks]).update(
            overdue_told=True, updated_at=now
        )
        record_events_bulk(tasks, actor=None, verb="upkeep_overdue")
        managers = defaultdict(list)
        for m in (
            StaffMembership.objects.active()
            .filter(estate_id__in={t.estate_id for t in tasks}, role=Role.MANAGER)
            .select_related("user")
        ):
            managers[m.estate_id].append(m.user)
        sent = 0
        for t in tasks:
            people = {u.pk: u for u in [*doers(t), *managers[t.estate_id]]}
            sent += len(
                notify(
                    recipients=list(people.values()),
                    title=texts.gettext(
                        "Maintenance overdue: %(plan)s · %(equipment)s (due %(due)s)",
                        plan=t.plan.name,
                        equipment=str(t.equipment),
                        due=t.window_end,
                    ),
                    url=t.get_absolute_url(),
                )
            )
    return len(tasks), sent


def upkeep_sweep(now=None) -> dict:
    """Returns what this run did: {"overdue", "notifications"}."""
    now = now or timezone.now()
    counts = {"overdue": 0, "notifications": 0}
    while True:
        n, sent = _overdue(now)
        counts["overdue"] += n
        counts["notifications"] += sent
        if n < BATCH:
            break
    return counts
