"""The periodic tasks of surveys, merged by config/celery.py into the one beat schedule."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "surveys-close-ended": {
        "task": "surveys.tasks.close_ended_surveys",
        "schedule": crontab(minute=5),  # hourly: a survey closes within the hour its period ends
    },
}
