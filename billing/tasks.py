"""Thin Celery tasks of billing: they take ids and call a service. Each is idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task
def bill_run_compute(run_id: int) -> int:
    from .services import bill_run_compute as compute
    from .services.meter_usage import usage_for_run

    usage_for_run(run_id=run_id)  # the meter readings become the run's metered usage
    return compute(run_id=run_id).computed_count


@shared_task
def bill_run_issue_batches(run_id: int) -> int:
    from .services import bill_run_issue_batches as issue

    return issue(run_id=run_id).issued_count


@shared_task
def bill_runs_monthly(period: str | None = None) -> int:
    """Beat, on the 1st of each month: this month's run for every active estate (one run
    per estate and period: a second tick creates nothing). Finance previews and issues it."""
    from estates.models import Estate

    from .services import bill_run_start

    today = timezone.localdate()
    period = period or f"{today.year:04d}-{today.month:02d}"
    started = 0
    for estate in Estate.objects.filter(is_active=True):
        bill_run_start(estate=estate, period=period, actor=None)
        started += 1
    return started


@shared_task
def sandbox_notify(online_id: int, txn_id: str) -> None:
    """The sandbox provider's asynchronous notification of a payment (signed with HMAC),
    delivered to the handler the notification URL calls."""
    from .models import OnlinePayment
    from .providers import provider
    from .services.online import notification_handle

    online = OnlinePayment.objects.get(pk=online_id)
    body, signature = provider(online.provider).notification(online, txn_id)
    notification_handle(provider_name=online.provider, body=body, signature=signature)
