"""Reads of chargeable repairs shared by pages, the publication and the services: the
repair price list in force, a ticket's quotes and charge."""

import datetime as dt

from django.utils import timezone

from .choices import QuoteStatus
from .models import RepairCharge, RepairPriceItem, RepairQuote


def repair_prices_in_force(estate, on: dt.date | None = None) -> list[RepairPriceItem]:
    """The version of each line (code) of `estate`'s repair price list in force on `on`
    (today by default): the latest whose effective date is not after it."""
    on = on or timezone.localdate()
    rows = RepairPriceItem.objects.filter(estate=estate, effective_from__lte=on).order_by(
        "code", "-effective_from", "-version"
    )
    latest = {}
    for item in rows:
        latest.setdefault(item.code, item)
    return sorted(latest.values(), key=lambda i: (i.kind != "labour", i.job_type, i.code))


def repair_price_versions(item) -> list[RepairPriceItem]:
    return list(
        RepairPriceItem.objects.filter(estate_id=item.estate_id, code=item.code)
        .select_related("created_by")
        .order_by("-effective_from", "-version")
    )


def upcoming_repair_prices(estate) -> list[RepairPriceItem]:
    return list(
        RepairPriceItem.objects.filter(
            estate=estate, effective_from__gt=timezone.localdate()
        ).order_by("effective_from", "code")
    )


def ticket_quotes(ticket) -> list[RepairQuote]:
    """The ticket's quotes, newest first, with their lines."""
    return list(
        RepairQuote.objects.filter(ticket=ticket)
        .select_related("created_by", "decided_by", "signature")
        .prefetch_related("lines")
        .order_by("-id")
    )


def live_quote(quotes) -> RepairQuote | None:
    """The quote that counts: the newest one not withdrawn."""
    return next((q for q in quotes if q.status != QuoteStatus.WITHDRAWN), None)


def ticket_charge(ticket) -> RepairCharge | None:
    return RepairCharge.objects.filter(ticket=ticket).select_related("bill").first()
