"""Thin Celery tasks of the repair module."""

from celery import shared_task

from .sweep import deadline_sweep


@shared_task
def ticket_deadline_sweep() -> dict:
    """Every minute (config/celery.py BEAT_SCHEDULE): warn before deadlines, mark overdue
    tickets and escalate. Idempotent: a second run, or two at once, sends nothing twice."""
    return deadline_sweep()
