"""Thin Celery tasks of inspections."""

from celery import shared_task

from .services import rounds_generate
from .sweep import rounds_sweep


@shared_task
def inspection_rounds_generate() -> dict:
    """Hourly: the rounds of today and tomorrow (idempotent: nothing is created twice)."""
    return rounds_generate()


@shared_task
def inspection_rounds_sweep() -> dict:
    """Every minute: warn before a window closes, mark missed/late rounds, tell managers."""
    return rounds_sweep()
