"""Thin Celery tasks of the complaints module."""

from celery import shared_task

from .sweep import deadline_sweep


@shared_task
def complaint_deadline_sweep() -> dict:
    """Every minute (complaints/schedule.py): warn before deadlines and escalate overdue
    complaints. Idempotent: a second run, or two at once, sends nothing twice."""
    return deadline_sweep()


@shared_task
def notice_announce() -> dict:
    """Every minute (complaints/schedule.py): owners hear of each notice once it is
    published. Idempotent: a notice is announced once."""
    from .announce import notices_announce

    return notices_announce()
