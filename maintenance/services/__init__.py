"""Every write on repair tickets, one module per subdomain. One transition = one call that
locks the ticket, checks the transition table (maintenance.transitions: the state, the
actor's permission in the ticket's estate, the version the actor saw), saves, records the
timeline event and schedules notifications after commit.

Callers import from here (`from maintenance import services`; `services.ticket_dispatch`)."""

from ..transitions import PAUSABLE, REASSIGNABLE
from .closing import ticket_close, ticket_follow_up, ticket_rate, ticket_verify
from .dispatch import technicians_of, ticket_dispatch
from .registration import ticket_cancel, ticket_register, ticket_reject
from .reporting import (
    ReportData,
    possible_duplicate,
    ticket_open_from,
    ticket_report_by_owner,
    ticket_report_by_staff,
)
from .settings import sla_apply_preset, sla_rules_save, urge_interval_save
from .urge import ticket_urge, urge_interval
from .work import (
    MaterialLine,
    ticket_accept,
    ticket_arrive,
    ticket_complete,
    ticket_pause,
    ticket_resume,
    ticket_start_repair,
)

__all__ = [
    "PAUSABLE",
    "REASSIGNABLE",
    "MaterialLine",
    "ReportData",
    "possible_duplicate",
    "sla_apply_preset",
    "sla_rules_save",
    "technicians_of",
    "ticket_accept",
    "ticket_arrive",
    "ticket_cancel",
    "ticket_close",
    "ticket_complete",
    "ticket_dispatch",
    "ticket_follow_up",
    "ticket_open_from",
    "ticket_pause",
    "ticket_rate",
    "ticket_register",
    "ticket_reject",
    "ticket_report_by_owner",
    "ticket_report_by_staff",
    "ticket_resume",
    "ticket_start_repair",
    "ticket_urge",
    "ticket_verify",
    "urge_interval",
    "urge_interval_save",
]
