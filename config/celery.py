"""The Celery app. Every periodic schedule of Anju lives in BEAT_SCHEDULE below."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("anju")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# All periodic work in one place: one beat process reads this.
BEAT_SCHEDULE = {
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
app.conf.beat_schedule = BEAT_SCHEDULE
