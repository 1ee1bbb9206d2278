"""The rounds sweep: warn the people of a round before its window closes, and once it has
closed mark it missed (never started) or late (started, not finished) and tell the estate's
managers.

Idempotent and safe with two sweeps at once: each step locks its candidates with
SELECT ... FOR UPDATE SKIP LOCKED and claims them with a flag (`warned`, `manager_told`) or a
status set in the same transaction; PostgreSQL re-checks the candidate condition on the
newest row version once it holds the lock, so a round another sweep handled is skipped."""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import texts
from core.audit import record_events_bulk
from core.notifications import notify
from estates.choices import Role
from estates.models import StaffMembership

from .choices import RoundStatus as S
from .models import Round

WARN_BEFORE = timedelta(minutes=30)
BATCH = 1000
OPEN = (S.SCHEDULED, S.IN_PROGRESS)


def doers(round_) -> list:
    """Who a round is for: its inspector, else the plan's people and the role's staff."""
    if round_.assignee_id is not None:
        return [round_.assignee] if round_.assignee.is_active else []
    users = {u.pk: u for u in round_.plan.assignees.filter(is_active=True)}
    if round_.role:
        for m in (
            StaffMembership.objects.active()
            .filter(estate_id=round_.estate_id, role=round_.role)
            .select_related("user")
        ):
            users.setdefault(m.user_id, m.user)
    return list(users.values())


def _lock(qs):
    return list(
        qs.select_for_update(skip_locked=True, of=("self",))
        .select_related("plan", "assignee")
        .order_by("window_end", "pk")[:BATCH]
    )


def _warn(now) -> tuple[int, int]:
    with transaction.atomic():
        rounds = _lock(
            Round.objects.filter(
                status__in=OPEN,
                warned=False,
                window_end__gt=now,
                window_end__lte=now + WARN_BEFORE,
            )
        )
        if not rounds:
            return 0, 0
        Round.objects.filter(pk__in=[r.pk for r in rounds]).update(warned=True)
        sent = 0
        for r in rounds:
            sent += len(
                notify(
                    recipients=doers(r),
                    title=texts.gettext(
                        "Round %(plan)s closes at %(time)s", plan=r.plan.name, time=r.window_end
                    ),
                    url=r.get_absolute_url(),
                )
            )
    return len(rounds), sent


def _close(now) -> tuple[int, int, int]:
    with transaction.atomic():
        rounds = _lock(Round.objects.filter(status__in=OPEN, window_end__lte=now))
        if not rounds:
            return 0, 0, 0
        missed = [r for r in rounds if r.status == S.SCHEDULED]
        late = [r for r in rounds if r.status == S.IN_PROGRESS]
        Round.objects.filter(pk__in=[r.pk for r in missed]).update(
            status=S.MISSED, manager_told=True, updated_at=now
        )
        Round.objects.filter(pk__in=[r.pk for r in late]).update(
            status=S.LATE, manager_told=True, updated_at=now
        )
        record_events_bulk(missed, actor=None, verb="round_missed")
        record_events_bulk(late, actor=None, verb="round_late")
        by_estate = defaultdict(list)
        for r in rounds:
            by_estate[r.estate_id].append(r)
        sent = 0
        managers = defaultdict(list)
        for m in (
            StaffMembership.objects.active()
            .filter(estate_id__in=by_estate, role=Role.MANAGER)
            .select_related("user")
        ):
            managers[m.estate_id].append(m.user)
        for estate_id, group in by_estate.items():
            n_missed = sum(1 for r in group if r.status == S.SCHEDULED)
            n_late = len(group) - n_missed
            sent += len(
                notify(
                    recipients=managers[estate_id],
                    title=texts.gettext(
                        "Inspection rounds not done in time: %(missed)s missed, %(late)s late",
                        missed=n_missed,
                        late=n_late,
                    ),
                    body=texts.compose(
                        "\n".join(f"%(p{i})s · %(t{i})s" for i in range(min(len(group), 50))),
                        **{f"p{i}": r.plan.name for i, r in enumerate(group[:50])},
                        **{f"t{i}": r.window_start for i, r in enumerate(group[:50])},
                    ),
                    url=reverse("inspections:round_list"),
                )
            )
    return len(missed), len(late), sent


def rounds_sweep(now=None) -> dict:
    """Returns what this run did: {"warned", "missed", "late", "notifications"}."""
    now = now or timezone.now()
    counts = {"warned": 0, "missed": 0, "late": 0, "notifications": 0}
    while True:
        warned, sent = _warn(now)
        counts["warned"] += warned
        counts["notifications"] += sent
        if warned < BATCH:
            break
    while True:
        missed, late, sent = _close(now)
        counts["missed"] += missed
        counts["late"] += late
        counts["notifications"] += sent
        if missed + late < BATCH:
            break
    return counts
