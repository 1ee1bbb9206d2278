"""Rounds made ahead of time from the active plans. Idempotent: a round is unique per
(plan, window_start) in the database and inserted with ON CONFLICT DO NOTHING, so a second
run, or two beats at once, create nothing twice."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from ..choices import RoundStatus
from ..models import Plan, Round
from ..recurrence import holidays_for, local_zone, plan_windows

BATCH = 2000


def _insert(rounds: list[Round]) -> int:
    """Insert, skipping rounds that exist; returns how many were new (PostgreSQL reports it
    exactly with RETURNING; elsewhere the count before and after)."""
    if not rounds:
        return 0
    if connection.vendor != "postgresql":
        before = Round.objects.count()
        Round.objects.bulk_create(rounds, ignore_conflicts=True, batch_size=BATCH)
        return Round.objects.count() - before
    meta, qn = Round._meta, connection.ops.quote_name
    fields = ["estate", "plan", "route", "window_start", "window_end", "assignee", "role",
              "status", "warned", "manager_told", "created_at", "updated_at"]  # fmt: skip
    columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
    now = timezone.now()
    created = 0
    for i in range(0, len(rounds), BATCH):
        chunk = rounds[i : i + BATCH]
        values = []
        for r in chunk:
            values.append([r.estate_id, r.plan_id, r.route_id, r.window_start, r.window_end,
                           r.assignee_id, r.role, r.status, False, False, now, now])  # fmt: skip
        arrays = list(zip(*values, strict=True))
        types = ["bigint", "bigint", "bigint", "timestamptz", "timestamptz", "bigint", "text",
                 "text", "boolean", "boolean", "timestamptz", "timestamptz"]  # fmt: skip
        unnest = ", ".join(f"%s::{t}[]" for t in types)
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT * FROM unnest({unnest})"
            " ON CONFLICT DO NOTHING RETURNING 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(a) for a in arrays])
            created += len(cursor.fetchall())
    return created


def rounds_generate(*, now=None, days_ahead: int = 1, plans=None) -> dict:
    """Rounds of every active plan whose window starts from today to `days_ahead` days on
    (local dates) and has not closed yet. Returns {"plans", "created"}."""
    now = now or timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    last = today + timedelta(days=days_ahead)
    qs = plans if plans is not None else Plan.objects.all()
    qs = (
        qs.filter(is_active=True, estate__is_active=True, route__is_active=True)
        .filter(start_date__lte=last)
        .exclude(end_date__lt=today)
        .prefetch_related("assignees")
    )
    holiday_cache: dict[int, set] = {}
    pending, seen = [], 0
    for plan in qs.iterator(chunk_size=1000):
        seen += 1
        if plan.skip_holidays and plan.estate_id not in holiday_cache:
            holiday_cache[plan.estate_id] = holidays_for(
                plan.estate_id, today - timedelta(days=31), last + timedelta(days=31)
            )
        holidays = holiday_cache.get(plan.estate_id, set())
        people = list(plan.assignees.all())
        assignee = people[0] if len(people) == 1 else None
        for window in plan_windows(plan, today, last, holidays):
            if window.end <= now:
                continue
            pending.append(
                Round(
                    estate_id=plan.estate_id,
                    plan_id=plan.pk,
                    route_id=plan.route_id,
                    window_start=window.start,
                    window_end=window.end,
                    assignee=assignee,
                    role=plan.assignee_role,
                    status=RoundStatus.SCHEDULED,
                )
            )
    return {"plans": seen, "created": _insert(pending)}
