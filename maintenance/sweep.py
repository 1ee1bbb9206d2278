"""The deadline sweep: warn before a deadline passes, mark overdue tickets and escalate them.

For each deadline (response: met once registered; on site: once arrived; completion: once
completed) of every OPEN ticket:

- WARNING when ``due - sla.WARN_BEFORE <= now < due`` and the deadline is not met: the
  technician is told (customer service of the estate while nobody is assigned);
- OVERDUE when ``due <= now`` and not met: the ``<deadline>_overdue`` flag is set and the
  estate's managers are told (escalation).

A ticket paused while waiting for the owner has its clock stopped: it is skipped (resuming
pushes its unmet deadlines back by the time waited, see ``sla.push_back_unmet``; until then
``due + pause_delta(now)`` moves with the clock and never passes).

Idempotent, and safe with two sweeps at once: a ``TicketReminder`` row is unique per
(ticket, deadline, kind) and records that a warning / an escalation was sent. Work goes in
batches of candidates, each in one transaction that locks them with ``SELECT ... FOR NO KEY
UPDATE SKIP LOCKED`` (a ticket someone is acting on, or that another sweep holds, waits for
the next tick; NO KEY, the lock an UPDATE of plain columns takes, does not hold up rows that
merely reference the ticket), inserts their reminders in one INSERT, sets the overdue flags in
one UPDATE and creates notifications only for what this transaction claimed:

- warnings: candidates have no warning reminder yet (NOT EXISTS); after locking, the
  reminders of the locked rows are read again (a sweep may have committed in between);
- overdue: the ``<deadline>_overdue`` flag, set in the same transaction as the reminder, is
  the claim; it lives on the locked row itself, which PostgreSQL re-checks once it holds the
  lock. (The NOT EXISTS is not used there: with statistics gathered while the reminders table
  was small, PostgreSQL rescanned it for every candidate - seconds on a first sweep.)

A second run changes nothing.

Set-based: the candidate queries walk the partial ``*_due`` indexes over open tickets, so
closed tickets (the vast majority) cost nothing; Python only sees candidate rows. Several
tickets for the same recipients in a batch become one digest notification, not one each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from core import texts
from core.notifications import notify
from estates.choices import Role
from estates.models import StaffMembership

from . import sla
from .board_cache import estates_changed
from .choices import OPEN_STATUSES, Deadline, PauseReason, ReminderKind, Status
from .deadlines import DEADLINES
from .models import Ticket, TicketReminder

DIGEST_LINES = 50  # numbers listed in a digest notification's body


def batch_size() -> int:
    """Tickets locked and handled per transaction: big enough that a first sweep over a
    backlog makes few digests and round trips (a batch of 5,000 holds its locks for a few
    hundred milliseconds); SQLite keeps IN lists short."""
    return 5000 if connection.vendor == "postgresql" else 500


def candidates(deadline: str, kind: str, now):
    """Open tickets whose `deadline` needs a reminder of `kind` now and never got one."""
    due, met, flag = DEADLINES[deadline][:3]
    qs = Ticket.objects.filter(status__in=OPEN_STATUSES, **{f"{met}__isnull": True}).exclude(
        status=Status.PAUSED, pause_reason=PauseReason.OWNER
    )
    if kind == ReminderKind.OVERDUE:
        # The flag is set in the transaction that inserts the overdue reminder: it tells
        # which are done, on the row the index scan reads anyway (see the module notes).
        return qs.filter(**{f"{due}__lte": now, flag: False})
    # Not for a deadline already marked overdue (pushed back after a pause).
    qs = qs.filter(**{f"{due}__gt": now, f"{due}__lte": now + sla.WARN_BEFORE, flag: False})
    sent = TicketReminder.objects.filter(ticket=OuterRef("pk"), deadline=deadline, kind=kind)
    return qs.filter(~Exists(sent))


class Row(NamedTuple):
    """A locked candidate: what the sweep needs to know to tell someone."""

    pk: int
    estate_id: int
    technician_id: int | None
    number: str
    due: object


@dataclass
class Recipients:
    """Staff to tell, loaded once per sweep for the estates that need them."""

    managers: dict = field(default_factory=dict)  # estate_id -> [users]
    service: dict = field(default_factory=dict)  # estate_id -> [customer service users]
    users: dict = field(default_factory=dict)  # user id -> user (technicians)

    def load_estates(self, estate_ids) -> None:
        missing = set(estate_ids) - self.managers.keys()
        if not missing:
            return
        for estate_id in missing:
            self.managers[estate_id], self.service[estate_id] = [], []
        memberships = (
            StaffMembership.objects.active()
            .filter(estate_id__in=missing, role__in=[Role.MANAGER, Role.CUSTOMER_SERVICE])
            .select_related("user")
        )
        for m in memberships.order_by("pk"):
            target = self.managers if m.role == Role.MANAGER else self.service
            target[m.estate_id].append(m.user)

    def load_users(self, user_ids) -> None:
        missing = set(user_ids) - self.users.keys()
        if missing:
            for user in get_user_model().objects.filter(pk__in=missing, is_active=True):
                self.users[user.pk] = user
            for pk in missing:
                self.users.setdefault(pk, None)


def _title(deadline, kind, rows):
    """The title as a message: each reader sees it in their language, times in their format."""
    label, count = Deadline(deadline), len(rows)
    if count == 1:
        args = {"number": rows[0].number, "time": rows[0].due, "deadline": label}
        if kind == ReminderKind.WARNING:
            return texts.gettext("%(number)s: %(deadline)s deadline at %(time)s", **args)
        return texts.gettext(
            "%(number)s is overdue: %(deadline)s deadline passed at %(time)s", **args
        )
    if kind == ReminderKind.WARNING:
        return texts.ngettext(
            "%(count)d ticket near its %(deadline)s deadline",
            "%(count)d tickets near their %(deadline)s deadline",
            count,
            deadline=label,
        )
    return texts.ngettext(
        "%(count)d ticket overdue: %(deadline)s deadline passed",
        "%(count)d tickets overdue: %(deadline)s deadline passed",
        count,
        deadline=label,
    )


def _body(rows):
    if len(rows) == 1:
        return ""
    shown = rows[:DIGEST_LINES]
    # One line per ticket: "R-001 · <due, in the reader's format>".
    pattern = "\n".join(f"%(number{i})s · %(due{i})s" for i in range(len(shown)))
    params = {}
    for i, r in enumerate(shown):
        params[f"number{i}"], params[f"due{i}"] = r.number, r.due
    if len(rows) > DIGEST_LINES:
        pattern += f"\n… +{len(rows) - DIGEST_LINES}"
    return texts.compose(pattern, **params)


def _notify(deadline: str, kind: str, rows: list[Row], staff: Recipients) -> int:
    """Tell whoever must know about the reminders just inserted; one notification per
    recipient group (a digest when a group has several tickets). Returns how many."""
    staff.load_estates({r.estate_id for r in rows})
    if kind == ReminderKind.WARNING:
        staff.load_users({r.technician_id for r in rows if r.technician_id})
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        if kind == ReminderKind.OVERDUE:
            groups[("managers", r.estate_id)].append(r)
        elif r.technician_id and staff.users.get(r.technician_id) is not None:
            groups[("user", r.technician_id)].append(r)
        else:
            groups[("service", r.estate_id)].append(r)
    messages = []  # (recipients, tickets)
    for (who, key), group in groups.items():
        if who == "user":
            users = [staff.users[key]]
        elif who == "service":
            users = staff.service[key] or staff.managers[key]
        else:
            users = staff.managers[key]
        if users:
            messages.append((users, group))
    if not messages:
        return 0
    board = reverse("maintenance:ticket_board")
    sent = 0
    for users, group in messages:
        url = (
            reverse("maintenance:ticket_detail", kwargs={"ticket_pk": group[0].pk})
            if len(group) == 1
            else board
        )
        notes = notify(
            recipients=users,
            title=_title(deadline, kind, group),
            body=_body(group),
            url=url,
        )
        sent += len(notes)
    return sent


def _insert_reminders(ticket_ids, deadline: str, kind: str, *, ignore_conflicts=False):
    """The batch's reminders in one INSERT. On PostgreSQL the ids travel as one array
    parameter: 5,000 model instances and their 20,000 query parameters cost the sweep more
    Python time than the database spends inserting them."""
    if connection.vendor != "postgresql":
        TicketReminder.objects.bulk_create(
            [TicketReminder(ticket_id=pk, deadline=deadline, kind=kind) for pk in ticket_ids],
            ignore_conflicts=ignore_conflicts,
        )
        return
    qn, meta = connection.ops.quote_name, TicketReminder._meta
    columns = ", ".join(qn(meta.get_field(f).column) for f in ("ticket", "deadline", "kind"))
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}, {qn(meta.get_field('created_at').column)})"
        " SELECT unnest(%s::bigint[]), %s, %s, %s"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ticket_ids), deadline, kind, timezone.now()])


def _set_flag(ticket_ids, flag: str) -> None:
    """`flag` = true on the batch's tickets, in one UPDATE (ids as one array on PostgreSQL)."""
    if connection.vendor != "postgresql":
        Ticket.objects.filter(pk__in=ticket_ids).update(**{flag: True})
        return
    qn, meta = connection.ops.quote_name, Ticket._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {qn(meta.get_field(flag).column)} = true"
            f" WHERE {qn(meta.pk.column)} = ANY(%s::bigint[])",
            [list(ticket_ids)],
        )


def _sweep_batch(deadline: str, kind: str, now, staff: Recipients, limit: int):
    """One transaction: (candidates seen, reminders inserted, notifications created)."""
    due, _met, flag = DEADLINES[deadline][:3]
    with transaction.atomic():
        locked = list(
            candidates(deadline, kind, now)
            .order_by(due, "pk")
            .select_for_update(skip_locked=True, no_key=True)
            .values_list("pk", "estate_id", "technician_id", "number", due)[:limit]
        )
        if not locked:
            return 0, 0, 0
        if kind == ReminderKind.OVERDUE:
            # The flag is the claim: PostgreSQL re-checks "flag = false" on the newest
            # version of a row before it locks it, so a ticket another sweep marked in the
            # meantime is not returned. ignore_conflicts only matters if someone cleared a
            # flag by hand: the ticket is then marked and escalated again.
            rows = [Row(*row) for row in locked]
            ids = [r.pk for r in rows]
            _insert_reminders(ids, deadline, kind, ignore_conflicts=True)
            # One UPDATE; no version bump: a form someone holds open stays valid.
            _set_flag(ids, flag)
            estates_changed({r.estate_id for r in rows})
        else:
            # The NOT EXISTS of the candidate query read a snapshot taken before it locked
            # these rows: a sweep that committed in between may have warned some of them.
            # Every sweep locks a ticket before inserting its reminder, so this re-read (a
            # new snapshot, under our lock) is final.
            done = set(
                TicketReminder.objects.filter(
                    ticket_id__in=[row[0] for row in locked], deadline=deadline, kind=kind
                ).values_list("ticket_id", flat=True)
            )
            rows = [Row(*row) for row in locked if row[0] not in done]
            if not rows:
                return len(locked), 0, 0
            _insert_reminders([r.pk for r in rows], deadline, kind)
        sent = _notify(deadline, kind, rows, staff)
    return len(locked), len(rows), sent


def deadline_sweep(now=None) -> dict:
    """Warn, mark overdue and escalate, once per ticket, deadline and kind. Returns counts:
    {"warnings", "overdue", "notifications"} of what this run did (all 0 on a re-run)."""
    now = now or timezone.now()
    limit = batch_size()
    staff = Recipients()
    counts = {"warnings": 0, "overdue": 0, "notifications": 0}
    for deadline in DEADLINES:
        for kind in (ReminderKind.OVERDUE, ReminderKind.WARNING):
            key = "overdue" if kind == ReminderKind.OVERDUE else "warnings"
            while True:
                seen, inserted, sent = _sweep_batch(deadline, kind, now, staff, limit)
                counts[key] += inserted
                counts["notifications"] += sent
                if seen < limit:
                    break  # the rest (if any) is locked by someone else: next tick
    return counts
