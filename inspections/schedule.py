"""Periodic work of inspections (merged into config.celery's BEAT_SCHEDULE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "inspections-rounds-generate": {
        "task": "inspections.tasks.inspection_rounds_generate",
        "schedule": crontab(minute=5),  # hourly: a plan changed today still gets its rounds
    },
    "inspections-rounds-sweep": {
        "task": "inspections.tasks.inspection_rounds_sweep",
        "schedule": 60.0,
    },
    "inspections-upkeep-generate": {
        "task": "inspections.tasks.inspection_upkeep_generate",
        "schedule": crontab(minute=15),
    },
    "inspections-upkeep-sweep": {
        "task": "inspections.tasks.inspection_upkeep_sweep",
        "schedule": 300.0,
    },
}
