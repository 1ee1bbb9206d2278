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


@shared_task
def inspection_upkeep_generate() -> dict:
    """Hourly: maintenance tasks of the coming week (idempotent)."""
    from .services import upkeep_generate

    return upkeep_generate()


@shared_task
def inspection_upkeep_sweep() -> dict:
    """Every five minutes: tell once about maintenance tasks gone overdue."""
    from .upkeep_sweep import upkeep_sweep

    return upkeep_sweep()
