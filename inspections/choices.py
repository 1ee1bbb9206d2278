from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    OK_ABNORMAL = "ok_abnormal", _("OK / abnormal")
    NUMBER = "number", _("Number in a range")
    METER = "meter", _("Meter reading")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo (required)")


class Recurrence(models.TextChoices):
    DAILY = "daily", _("Every day (at one or several times)")
    EVERY_N_DAYS = "every_n_days", _("Every n days")
    WEEKDAYS = "weekdays", _("On given weekdays")
    MONTHLY_DAY = "monthly_day", _("Monthly on a day")
    MONTHLY_LAST_WORKING_DAY = "monthly_last_working_day", _("Monthly on the last working day")


class RoundStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    LATE = "late", _("Late")
    MISSED = "missed", _("Missed")


ROUND_STATUS_COLOURS = {
    RoundStatus.SCHEDULED: "secondary",
    RoundStatus.IN_PROGRESS: "primary",
    RoundStatus.DONE: "success",
    RoundStatus.LATE: "warning",
    RoundStatus.MISSED: "danger",
}
# Rounds an inspector may still work on (answers accepted).
WORKABLE = (RoundStatus.SCHEDULED, RoundStatus.IN_PROGRESS, RoundStatus.LATE)


class ScanMethod(models.TextChoices):
    QR = "qr", _("QR code scanned")
    NFC = "nfc", _("NFC tag read")
    TYPED = "typed", _("Code typed")
    NONE = "none", _("Opened from the list")


PROOF_METHODS = (ScanMethod.QR, ScanMethod.NFC)


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

# Rounds whose window has not been closed by the sweep yet.
OPEN_ROUND = (RoundStatus.SCHEDULED, RoundStatus.IN_PROGRESS)


class UpkeepRecurrence(models.TextChoices):
    """The recurrences of a maintenance plan: those of inspection plans and every n months."""

    EVERY_N_DAYS = "every_n_days", _("Every n days")
    WEEKDAYS = "weekdays", _("On given weekdays")
    MONTHLY_DAY = "monthly_day", _("Monthly on a day")
    MONTHLY_LAST_WORKING_DAY = "monthly_last_working_day", _("Monthly on the last working day")
    EVERY_N_MONTHS = "every_n_months", _("Every n months (on the start date's day)")


class UpkeepStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("To do")
    SENT_BACK = "sent_back", _("Sent back")
    DONE = "done", _("Done")
    ACCEPTED = "accepted", _("Accepted")


UPKEEP_STATUS_COLOURS = {
    UpkeepStatus.SCHEDULED: "secondary",
    UpkeepStatus.SENT_BACK: "warning",
    UpkeepStatus.DONE: "success",
    UpkeepStatus.ACCEPTED: "primary",
}
# Tasks still to be done (overdue once their window has closed).
UPKEEP_OPEN = (UpkeepStatus.SCHEDULED, UpkeepStatus.SENT_BACK)
