from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PLUMBING = "plumbing", _("Plumbing and leaks")
    ELECTRICAL = "electrical", _("Electrical")
    DOORS_WINDOWS = "doors_windows", _("Doors and windows")
    ELEVATOR = "elevator", _("Elevator")
    PUBLIC_FACILITY = "public_facility", _("Public facility")
    HVAC = "hvac", _("Heating and air conditioning")
    CIVIL = "civil", _("Walls, floors and ceilings")
    OTHER = "other", _("Other")


def category_for_equipment(equipment_category: str) -> str:
    """The kind of problem a scanned QR label suggests (estates' EquipmentCategory value);
    a common area or anything else: a public facility."""
    return {
        "elevator": Category.ELEVATOR,
        "water_pump": Category.PLUMBING,
        "power": Category.ELECTRICAL,
        "generator": Category.ELECTRICAL,
        "lighting": Category.ELECTRICAL,
        "hvac": Category.HVAC,
    }.get(equipment_category, Category.PUBLIC_FACILITY)


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Owner portal")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")
    QR = "qr", _("QR code")
    STAFF = "staff", _("Found by staff")
    SYSTEM = "system", _("Another module")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    ON_SITE = "on_site", _("On site")
    IN_REPAIR = "in_repair", _("In repair")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    VERIFIED = "verified", _("Verified")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# Tickets someone still has to act on (deadlines run, the owner may urge).
OPEN_STATUSES = [
    Status.REPORTED,
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.ON_SITE,
    Status.IN_REPAIR,
    Status.PAUSED,
]
# Finished for the owner, but staff still verify / follow up.
DONE_STATUSES = [Status.COMPLETED, Status.VERIFIED, Status.FOLLOWED_UP]


class PauseReason(models.TextChoices):
    PARTS = "parts", _("Waiting for parts")
    OWNER = "owner", _("Waiting for the owner")


class FollowUpMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    PORTAL = "portal", _("Rated in the portal")


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Reported")
    BEFORE = "before", _("Before repair")
    AFTER = "after", _("After repair")
    SIGNATURE = "signature", _("Owner signature")


class Deadline(models.TextChoices):
    RESPONSE = "response", _("Response")
    ONSITE = "onsite", _("On site")
    COMPLETION = "completion", _("Completion")


class ReminderKind(models.TextChoices):
    WARNING = "warning", _("Deadline approaching")
    OVERDUE = "overdue", _("Overdue, escalated to the manager")


# Bootstrap badge colour of each status, on staff and owner pages alike.
STATUS_COLOURS = {
    Status.REPORTED: "secondary",
    Status.REGISTERED: "info",
    Status.DISPATCHED: "primary",
    Status.ACCEPTED: "primary",
    Status.ON_SITE: "primary",
    Status.IN_REPAIR: "warning",
    Status.PAUSED: "warning",
    Status.COMPLETED: "success",
    Status.VERIFIED: "success",
    Status.FOLLOWED_UP: "success",
    Status.CLOSED: "dark",
    Status.REJECTED: "danger",
    Status.CANCELLED: "secondary",
}
