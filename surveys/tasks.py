"""Periodic work of surveys: close the published surveys whose period has ended (idempotent:
each is closed under its row lock by the one service; a second tick finds nothing)."""

from celery import shared_task


@shared_task(name="surveys.tasks.close_ended_surveys")
def close_ended_surveys() -> int:
    from .services import surveys_close_ended

    return surveys_close_ended()
