"""The choices of complaints and feedback (values stored, labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Owner portal")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat or social media")
    REPAIR = "repair", _("Repair follow-up")
    FOLLOW_UP = "follow_up", _("Comment at a repair follow-up")
    OTHER = "other", _("Other")


# What customer service records on intake (the portal and repairs come by themselves).
INTAKE_CHANNELS = [
    (c.value, c.label)
    for c in (Channel.PHONE, Channel.WALK_IN, Channel.EMAIL, Channel.WECHAT, Channel.OTHER)
]


class Category(models.TextChoices):
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    CLEANLINESS = "cleanliness", _("Cleanliness")
    SECURITY = "security", _("Security")
    NOISE = "noise", _("Noise")
    PARKING = "parking", _("Parking")
    FEES = "fees", _("Fees")
    REPAIRS = "repairs", _("Repairs")
    NEIGHBOURS = "neighbours", _("Neighbours")
    GREENING = "greening", _("Greening")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Minor")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Serious")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Withdrawn")


# Not finished: the deadlines run, the sweep looks at them.
OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED)

STATUS_COLOURS = {
    Status.NEW: "primary",
    Status.ACKNOWLEDGED: "info",
    Status.IN_PROGRESS: "warning",
    Status.RESOLVED: "success",
    Status.CLOSED: "dark",
    Status.REOPENED: "danger",
    Status.CANCELLED: "secondary",
}


class Cause(models.TextChoices):
    SERVICE = "service", _("Our service fell short")
    FACILITY = "facility", _("Facility or equipment fault")
    COMMUNICATION = "communication", _("Poor communication")
    THIRD_PARTY = "third_party", _("Third party (utility, developer, contractor)")
    NEIGHBOUR = "neighbour", _("Between neighbours")
    MISUNDERSTANDING = "misunderstanding", _("Misunderstanding of the rules")
    OTHER = "other", _("Other")


class Deadline(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("acknowledge")
    RESOLVE = "resolve", _("resolve")


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message (WeChat, SMS, e-mail)")
    OTHER = "other", _("Other")
