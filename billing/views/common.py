"""What billing's pages share."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from core.audit import timeline_for

from ..compute import period_bounds


def choose_estate(request, title):
    return render(request, "estates/choose_estate.html", {"title": title})


def company_name() -> str:
    return settings.ANJU_COMPANY_NAME


def month_range(request):
    """The statement's months: ?from=YYYY-MM&to=YYYY-MM, by default this year so far."""
    today = timezone.localdate()
    start_period = request.GET.get("from") or f"{today.year:04d}-01"
    end_period = request.GET.get("to") or f"{today.year:04d}-{today.month:02d}"
    try:
        start, _ = period_bounds(start_period)
        _s, end = period_bounds(end_period)
    except (ValueError, TypeError):
        start, _ = period_bounds(f"{today.year:04d}-01")
        _s, end = period_bounds(f"{today.year:04d}-{today.month:02d}")
        start_period, end_period = start.strftime("%Y-%m"), end.strftime("%Y-%m")
    if start > end:  # the months the wrong way round: the same months
        start, end = period_bounds(end_period)[0], period_bounds(start_period)[1]
        start_period, end_period = end_period, start_period
    return start, end, start_period, end_period


def events(obj):
    return timeline_for(obj)
