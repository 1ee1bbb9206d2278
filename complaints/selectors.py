"""Reads the complaint pages share."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth

from estates.permissions import has_perm
from maintenance.choices import OPEN_STATUSES as OPEN_REPAIRS
from maintenance.models import Ticket

from . import permissions as P
from .choices import Channel
from .models import Complaint
from .services.intake import LOW_RATING, MANY_URGES

BOARD_RELATED = ("estate", "unit__building", "building", "responsible", "complainant")


def board_complaints(queryset):
    return queryset.select_related(*BOARD_RELATED)


def status_counts(queryset, now) -> dict:
    """{open status: n, "open": n, "overdue": n} of the board's rows. Only the open ones
    (a few per cent of an estate's complaints, read from complaint_status_idx): counting
    years of closed cases on every board request would cost more than the page."""
    from .choices import OPEN_STATUSES
    from .models import overdue_q

    open_rows = queryset.filter(status__in=OPEN_STATUSES).order_by()
    counts = dict(open_rows.values_list("status").annotate(n=Count("id")))
    counts["open"] = sum(counts.get(s, 0) for s in OPEN_STATUSES)
    counts["overdue"] = queryset.filter(overdue_q(now)).count()
    return counts


def may_see_name(user, complaint) -> bool:
    """An anonymous complaint's complainant: for the estate's manager only."""
    return not complaint.anonymous or has_perm(user, P.SEE_ANONYMOUS, complaint.estate)


def tickets_to_review(tickets):
    """Repairs rated low (by the owner or at the follow-up) or urged repeatedly, that are
    no complaint yet: each can become one in one step."""
    done = Complaint.objects.filter(channel=Channel.REPAIR, ticket__isnull=False)
    return (
        tickets.filter(
            Q(rating__lte=LOW_RATING)
            | Q(follow_ups__rating__lte=LOW_RATING)
            | Q(urge_count__gte=MANY_URGES)
        )
        .exclude(pk__in=done.values("ticket_id"))
        .distinct()
        .select_related("estate", "unit__building", "building", "technician")
        .order_by("-reported_at", "-id")
    )


def follow_up_comments(tickets):
    """Comments given at repair follow-ups, not classified as feedback yet."""
    from maintenance.models import FollowUp

    return (
        FollowUp.objects.filter(ticket__in=tickets, feedback__isnull=True)
        .exclude(comment="")
        .select_related("ticket__estate")
        .order_by("-created_at", "-id")
    )


def ticket_progress(ticket: Ticket | None) -> dict | None:
    if ticket is None:
        return None
    return {"ticket": ticket, "open": ticket.status in OPEN_REPAIRS}


def _rate(part, whole):
    """A percentage with one decimal (Decimal, rounded half up), or None without cases."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def summary(complaints) -> dict:
    """The case summary: counts by category, cause, estate and month; typical cases."""
    by = {}
    for key, field in (("category", "category"), ("cause", "cause"), ("estate", "estate__name")):
        by[key] = list(
            complaints.values(field)
            .annotate(n=Count("id"), closed=Count("id", filter=Q(closed_at__isnull=False)))
            .order_by("-n", field)
        )
    by["month"] = list(
        complaints.annotate(month=TruncMonth("filed_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    by["total"] = complaints.count()
    by["kpis"] = complaints.aggregate(
        rating=Avg("rating"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        acknowledged_on_time=Count(
            "id", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("acknowledge_due"))
        ),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        resolved_on_time=Count(
            "id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_due"))
        ),
    )
    k = by["kpis"]
    k["acknowledged_rate"] = _rate(k["acknowledged_on_time"], k["acknowledged"])
    k["resolved_rate"] = _rate(k["resolved_on_time"], k["resolved"])
    by["typical"] = list(
        complaints.filter(typical=True).select_related("estate").order_by("-filed_at")[:50]
    )
    return by
