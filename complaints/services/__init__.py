"""Every write on complaints, one module per subdomain. One transition = one call that
locks the complaint, checks the transition table (complaints.transitions), saves, records
the timeline event and notifies (notifications are e-mailed after commit by core).

Callers import from here (`from complaints import services`)."""

from .communication import contact_log_add, notice_expire, notice_publish, notice_read
from .handling import (
    complaint_acknowledge,
    complaint_assign,
    complaint_cancel,
    complaint_close,
    complaint_confirm,
    complaint_mark_typical,
    complaint_reopen,
    complaint_resolve,
    complaint_start,
)
from .intake import (
    ComplaintData,
    complaint_file_by_owner,
    complaint_file_by_staff,
    complaint_from_follow_up,
    complaint_from_ticket,
    default_responsible,
    qualifies_as_complaint,
)
from .repairs import complaint_open_ticket
from .settings import (
    deadline_rules_save,
    prevention_action_add,
    prevention_action_done,
    working_hours_save,
)

__all__ = [
    "ComplaintData",
    "complaint_acknowledge",
    "complaint_assign",
    "complaint_cancel",
    "complaint_close",
    "complaint_confirm",
    "complaint_file_by_owner",
    "complaint_file_by_staff",
    "complaint_from_follow_up",
    "complaint_from_ticket",
    "complaint_mark_typical",
    "complaint_open_ticket",
    "complaint_reopen",
    "complaint_resolve",
    "complaint_start",
    "contact_log_add",
    "notice_expire",
    "notice_publish",
    "notice_read",
    "deadline_rules_save",
    "default_responsible",
    "prevention_action_add",
    "prevention_action_done",
    "qualifies_as_complaint",
    "working_hours_save",
]
