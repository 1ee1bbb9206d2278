"""Billing's periodic work, merged into the one beat schedule by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "billing-monthly-bill-runs": {
        # This month's bill run of every estate (computed as drafts: finance issues them).
        "task": "billing.tasks.bill_runs_monthly",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
}
