"""The complaints module's periodic work (merged into the one beat schedule by
config/celery.py)."""

BEAT_SCHEDULE = {
    "complaints-deadline-sweep": {
        "task": "complaints.tasks.complaint_deadline_sweep",
        "schedule": 60.0,  # every minute: acknowledgement warnings come 30 min ahead
    },
    "complaints-notice-announce": {
        "task": "complaints.tasks.notice_announce",
        "schedule": 60.0,  # a notice published for later is announced within a minute
    },
}
