"""The Celery app. Every periodic schedule of Anju is in BEAT_SCHEDULE below: the shared
ones written here, each module's own from its `<app>/schedule.py`."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("anju")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# All periodic work in one place: one beat process reads this.
BEAT_SCHEDULE = {
    "outbox-drain": {
        # Tasks queued while the broker was down (core/outbox.py) go out once it is back.
        "task": "core.tasks.outbox_drain",
        "schedule": 60.0,
    },
    "outbox-purge": {
        "task": "core.tasks.outbox_purge",
        "schedule": crontab(minute=40, hour=3),
    },
    "attachments-purge-orphans": {
        # Files a failed transaction stored but no row refers to (core/attachment_purge.py).
        "task": "core.tasks.attachments_purge_orphans",
        "schedule": crontab(minute=50, hour=3),
    },
    "imports-recover": {
        # An import whose worker died mid-apply (its lease ran out) is queued again.
        "task": "estates.tasks.import_batches_recover",
        "schedule": 60.0,
    },
    "notifications-email-retry": {
        "task": "core.tasks.notifications_email_pending",
        "schedule": crontab(minute="*/5"),
    },
    "imports-purge-old": {
        "task": "estates.tasks.import_batches_purge",
        "schedule": crontab(minute=30, hour=3),
    },
    "maintenance-deadline-sweep": {
        "task": "maintenance.tasks.ticket_deadline_sweep",
        "schedule": 60.0,  # every minute: warnings come WARN_BEFORE (15 min) ahead
    },
}


def _apps_schedules() -> dict:
    """Each module's own periodic work: the BEAT_SCHEDULE of `<app>/schedule.py`, if any."""
    import importlib

    merged = {}
    for app_name in ("inspections", "complaints", "surveys", "billing"):
        try:
            module = importlib.import_module(f"{app_name}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_name}.schedule":
                raise
            continue
        merged.update(module.BEAT_SCHEDULE)
    return merged


BEAT_SCHEDULE.update(_apps_schedules())
app.conf.beat_schedule = BEAT_SCHEDULE
