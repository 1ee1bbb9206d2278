"""The generation engine: rows made ahead of time from active plans of any kind (inspection
rounds, maintenance tasks). Idempotent: a row is unique per (plan, …, window_start) in the
database and inserted with ON CONFLICT DO NOTHING, so a second run, or two beats at once,
create nothing twice."""

from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone

from ..choices import RoundStatus
from ..models import Plan, Round
from ..recurrence import Window, holidays_for, local_zone, plan_windows

BATCH = 2000


def insert_new(model, rows: list, fields: list[str]) -> int:
    """Insert `rows` of `model` (only `fields`, plus created_at/updated_at when the model has
    them), skipping rows that exist; returns how many were new (PostgreSQL reports it exactly
    with RETURNING; elsewhere the count before and after). A row is a model instance or a
    dict by the fields' attnames (``plan_id``): tens of thousands of rounds are cheaper as
    dicts than as instances that are only read back."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        if isinstance(rows[0], dict):
            rows = [model(**row) for row in rows]
        before = model.objects.count()
        model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
        return model.objects.count() - before
    meta, qn = model._meta, connection.ops.quote_name
    stamps = [f for f in ("created_at", "updated_at") if any(x.name == f for x in meta.fields)]
    columns = [meta.get_field(f) for f in [*fields, *stamps]]
    names = ", ".join(qn(c.column) for c in columns)
    types = [c.db_type(connection) for c in columns]
    attnames = [c.attname for c in columns[: len(fields)]]
    now = timezone.now()
    created = 0
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        if isinstance(chunk[0], dict):
            values = [[r[a] for r in chunk] for a in attnames]
        else:
            values = [[getattr(r, a) for r in chunk] for a in attnames]
        values += [[now] * len(chunk) for _f in stamps]
        with connection.cursor() as cursor:
            cursor.execute(*_insert_sql(qn(meta.db_table), names, types, values))
            created += len(cursor.fetchall())
    return created


def _insert_sql(table: str, names: str, types: list[str], values: list[list]):
    """(sql, params) inserting the rows whose columns are `values` (one list per column).
    A column with one value in every row (a status, a flag, the time stamps) is sent once,
    not once per row: turning each value into SQL text is most of the generation's Python
    time. The others go as arrays through unnest()."""
    selected, constants, arrays = [], [], []
    for n, (column, type_) in enumerate(zip(values, types, strict=True)):
        first = column[0]
        if (arrays or n < len(values) - 1) and all(v == first for v in column):
            selected.append(f"%s::{type_}")
            constants.append(first)
        else:  # varying (or the last column while every other one is constant)
            selected.append(f"u.c{len(arrays)}")
            arrays.append((column, type_))
    unnest = ", ".join(f"%s::{type_}[]" for _column, type_ in arrays)
    aliases = ", ".join(f"c{k}" for k in range(len(arrays)))
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {', '.join(selected)}"
        f" FROM unnest({unnest}) AS u({aliases}) ON CONFLICT DO NOTHING RETURNING 1"
    )
    return sql, [*constants, *(column for column, _type in arrays)]


def horizon(now, days_ahead: int):
    """The local dates from today to `days_ahead` days on."""
    today = timezone.localtime(now, local_zone()).date()
    return today, today + timedelta(days=days_ahead)


def plan_windows_due(plans: Iterable, *, today, last, now) -> Iterator[tuple[object, Window]]:
    """(plan, window) for each window of `plans` starting on [today, last] that has not
    closed at `now`; the holidays of each estate are read once."""
    holiday_cache: dict[int, set] = {}
    for plan in plans:
        if plan.skip_holidays and plan.estate_id not in holiday_cache:
            holiday_cache[plan.estate_id] = holidays_for(
                plan.estate_id, today - timedelta(days=31), last + timedelta(days=31)
            )
        holidays = holiday_cache.get(plan.estate_id, set())
        for window in plan_windows(plan, today, last, holidays):
            if window.end > now:
                yield plan, window


def generate(plans, *, model, fields: list[str], make: Callable, now, days_ahead: int) -> dict:
    """The rows `make(plan, window)` returns (a list) for each due window of the active
    `plans` (a queryset with is_active, start_date and end_date), inserted once."""
    today, last = horizon(now, days_ahead)
    qs = plans.filter(is_active=True, estate__is_active=True, start_date__lte=last).exclude(
        end_date__lt=today
    )
    seen, pending = [0], []

    def counted(rows):
        for plan in rows:
            seen[0] += 1
            yield plan

    for plan, window in plan_windows_due(
        counted(qs.iterator(chunk_size=1000)), today=today, last=last, now=now
    ):
        pending.extend(make(plan, window))
    return {"plans": seen[0], "created": insert_new(model, pending, fields)}


ROUND_FIELDS = ["estate", "plan", "route", "window_start", "window_end", "assignee", "role",
                "status", "warned", "manager_told"]  # fmt: skip


def rounds_generate(*, now=None, days_ahead: int = 1, plans=None) -> dict:
    """Rounds of every active plan whose window starts from today to `days_ahead` days on
    (local dates) and has not closed yet. Returns {"plans", "created"}."""
    now = now or timezone.now()
    qs = plans if plans is not None else Plan.objects.all()
    qs = qs.filter(route__is_active=True)
    # A round is given to the plan's person when the plan names exactly one: read for all the
    # plans in one query (a prefetch builds a related manager per plan).
    single = dict(
        Plan.assignees.through.objects.filter(plan__in=qs.values("pk"))
        .values("plan_id")
        .annotate(n=Count("user"), only_user=Min("user"))
        .filter(n=1)
        .values_list("plan_id", "only_user")
    )

    def make(plan, window):
        return [
            {
                "estate_id": plan.estate_id,
                "plan_id": plan.pk,
                "route_id": plan.route_id,
                "window_start": window.start,
                "window_end": window.end,
                "assignee_id": single.get(plan.pk),
                "role": plan.assignee_role,
                "status": RoundStatus.SCHEDULED,
                "warned": False,
                "manager_told": False,
            }
        ]

    return generate(qs, model=Round, fields=ROUND_FIELDS, make=make, now=now, days_ahead=days_ahead)
