"""The deadline sweep: warn the responsible person before a complaint's deadline
(acknowledge, resolve) passes, and escalate to the estate's managers once it has passed.

Idempotent, and safe with two sweeps at once: each warning and each escalation is claimed
by a flag on the complaint (`<deadline>_warned`, `<deadline>_escalated`), set in the same
transaction that locks the candidates with ``SELECT ... FOR NO KEY UPDATE SKIP LOCKED``.
PostgreSQL re-checks "flag = false" on the newest version of a row before it locks it, so
a complaint another sweep claimed in the meantime is not returned; a complaint someone is
acting on waits for the next tick. A second run changes nothing. Reopening a complaint
clears its resolve flags (a new deadline, warned and escalated again if missed)."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import texts
from core.audit import record_events_bulk
from core.notifications import notify
from estates.choices import Role

from .choices import OPEN_STATUSES, Deadline
from .deadlines import WARN_BEFORE
from .models import Complaint
from .services.notices import staff_of

WARNING, OVERDUE = "warning", "overdue"
BATCH = 5000
DIGEST_LINES = 50  # numbers listed in a digest notification's body


def BOARD_URL():  # noqa: N802 - a lazy constant
    return reverse("complaints:complaint_board")


# deadline -> (due, met, warned flag, escalated flag)
DEADLINES = {
    Deadline.ACKNOWLEDGE: ("acknowledge_due", "acknowledged_at", "acknowledge_warned",
                           "acknowledge_escalated"),
    Deadline.RESOLVE: ("resolve_due", "resolved_at", "resolve_warned", "resolve_escalated"),
}  # fmt: skip

VERBS = {
    (Deadline.ACKNOWLEDGE, WARNING): "complaint_acknowledge_warning",
    (Deadline.ACKNOWLEDGE, OVERDUE): "complaint_acknowledge_escalated",
    (Deadline.RESOLVE, WARNING): "complaint_resolve_warning",
    (Deadline.RESOLVE, OVERDUE): "complaint_resolve_escalated",
}


def candidates(deadline, kind, now):
    due, met, warned, escalated = DEADLINES[deadline]
    qs = Complaint.objects.filter(
        status__in=OPEN_STATUSES, **{f"{met}__isnull": True, escalated: False}
    )
    if kind == OVERDUE:
        return qs.filter(**{f"{due}__lte": now})
    window = now + WARN_BEFORE[str(deadline)]
    return qs.filter(**{f"{due}__gt": now, f"{due}__lte": window, warned: False})


class Recipients:
    """Staff to tell, loaded once per sweep."""

    def __init__(self):
        self.managers, self.service, self.users = {}, {}, {}

    def of_estate(self, estate_id):
        if estate_id not in self.managers:
            self.managers[estate_id] = staff_of(estate_id, Role.MANAGER)
            self.service[estate_id] = staff_of(estate_id, Role.CUSTOMER_SERVICE)
        return self.managers[estate_id], self.service[estate_id]

    def user(self, pk):
        if pk is None:
            return None
        if pk not in self.users:
            self.users[pk] = get_user_model().objects.filter(pk=pk, is_active=True).first()
        return self.users[pk]


def _title(deadline, kind, rows):
    """One complaint: its number and deadline; several: a digest title."""
    label = texts.choice(Deadline, deadline)
    if len(rows) == 1:
        args = {"number": Complaint(pk=rows[0][0]).number, "deadline": label, "time": rows[0][1]}
        if kind == WARNING:
            return texts.gettext("%(number)s: the %(deadline)s deadline is at %(time)s", **args)
        return texts.gettext(
            "%(number)s is overdue: the %(deadline)s deadline passed at %(time)s", **args
        )
    if kind == WARNING:
        return texts.ngettext(
            "%(count)d complaint near its %(deadline)s deadline",
            "%(count)d complaints near their %(deadline)s deadline",
            len(rows),
            deadline=label,
        )
    return texts.ngettext(
        "%(count)d complaint overdue: the %(deadline)s deadline passed",
        "%(count)d complaints overdue: the %(deadline)s deadline passed",
        len(rows),
        deadline=label,
    )


def _body(rows):
    """A digest's lines: "TS-000123 · <due, in the reader's format>"."""
    if len(rows) == 1:
        return ""
    shown = rows[:DIGEST_LINES]
    pattern = "\n".join(f"%(number{i})s · %(due{i})s" for i in range(len(shown)))
    params = {}
    for i, (pk, due) in enumerate(shown):
        params[f"number{i}"], params[f"due{i}"] = Complaint(pk=pk).number, due
    if len(rows) > DIGEST_LINES:
        pattern += f"\n… +{len(rows) - DIGEST_LINES}"
    return texts.compose(pattern, **params)


def _notify(deadline, kind, rows, staff: Recipients) -> int:
    """One notification per group of recipients: a digest when they have several."""
    groups = defaultdict(list)  # recipients' ids -> [(pk, due)]
    users = {}
    for pk, estate_id, responsible_id, due in rows:
        managers, service = staff.of_estate(estate_id)
        responsible = staff.user(responsible_id)
        if kind == WARNING:
            told = [responsible] if responsible else (service or managers)
        else:
            told = [*managers, *([responsible] if responsible else [])]
        told = {u.pk: u for u in told if u is not None}
        if told:
            users.update(told)
            groups[tuple(sorted(told))].append((pk, due))
    sent = 0
    for ids, group in groups.items():
        url = Complaint(pk=group[0][0]).get_absolute_url() if len(group) == 1 else BOARD_URL()
        notes = notify(
            recipients=[users[i] for i in ids],
            title=_title(deadline, kind, group),
            body=_body(group),
            url=url,
        )
        sent += len(notes)
    return sent


def _batch(deadline, kind, now, staff) -> tuple[int, int, int]:
    due, _met, warned, escalated = DEADLINES[deadline]
    with transaction.atomic():
        rows = list(
            candidates(deadline, kind, now)
            .order_by(due, "pk")
            .select_for_update(skip_locked=True, no_key=True)
            .values_list("pk", "estate_id", "responsible_id", due)[:BATCH]
        )
        if not rows:
            return 0, 0, 0
        ids = [r[0] for r in rows]
        # The claim: an escalated deadline needs no warning any more.
        flags = {warned: True, escalated: True} if kind == OVERDUE else {warned: True}
        claimed = Complaint.objects.filter(
            pk__in=ids, **{(escalated if kind == OVERDUE else warned): False}
        ).update(**flags)
        record_events_bulk(
            [Complaint(pk=pk) for pk in ids], actor=None, verb=VERBS[(deadline, kind)]
        )
        sent = _notify(deadline, kind, rows, staff)
    return len(rows), claimed, sent


def deadline_sweep(now=None) -> dict:
    """Warn and escalate, once per complaint, deadline and kind. Returns the counts of what
    this run did: {"warnings", "escalations", "notifications"} (all 0 on a re-run)."""
    now = now or timezone.now()
    staff = Recipients()
    counts = {"warnings": 0, "escalations": 0, "notifications": 0}
    for deadline in DEADLINES:
        for kind in (OVERDUE, WARNING):
            key = "escalations" if kind == OVERDUE else "warnings"
            while True:
                seen, claimed, sent = _batch(deadline, kind, now, staff)
                counts[key] += claimed
                counts["notifications"] += sent
                if seen < BATCH:
                    break
    return counts
