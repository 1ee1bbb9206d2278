"""Thin Celery tasks of the complaints module."""

from celery import shared_task

from .sweep import deadline_sweep


@shared_task
def complaint_deadline_sweep() -> dict:
    """Every minute (complaints/schedule.py): warn before deadlines and escalate overdue
    complaints. Idempotent: a second run, or two at once, sends nothing twice."""
    return deadline_sweep()
