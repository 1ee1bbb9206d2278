"""The choices of billing: fee kinds, charging methods, and the statuses of bills and runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeeKind(models.TextChoices):
    PROPERTY = "property", _("Property management fee")
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    PARKING = "parking", _("Parking fee")
    SHARED = "shared", _("Shared utilities")
    GARBAGE = "garbage", _("Garbage disposal fee")
    ONE_OFF = "one_off", _("One-off charge")


class Method(models.TextChoices):
    PER_AREA = "per_area", _("Per m² of floor area per month")
    FIXED = "fixed", _("Fixed per unit per month")
    METERED = "metered", _("Per metered unit (tiered)")
    PER_PARKING = "per_parking", _("Per parking space per month")


PERIODIC_METHODS = (Method.PER_AREA, Method.FIXED, Method.PER_PARKING)


class BillStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


OPEN_BILL_STATUSES = (BillStatus.ISSUED, BillStatus.PARTIALLY_PAID)

BILL_STATUS_COLOURS = {
    BillStatus.DRAFT: "secondary",
    BillStatus.ISSUED: "warning",
    BillStatus.PARTIALLY_PAID: "info",
    BillStatus.PAID: "success",
    BillStatus.VOID: "dark",
}


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Computing")
    PREVIEWED = "previewed", _("Ready to issue")
    ISSUING = "issuing", _("Issuing")
    ISSUED = "issued", _("Issued")
    FAILED = "failed", _("Failed")


RUN_STATUS_COLOURS = {
    RunStatus.DRAFT: "secondary",
    RunStatus.PREVIEWED: "info",
    RunStatus.ISSUING: "warning",
    RunStatus.ISSUED: "success",
    RunStatus.FAILED: "danger",
}


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    PAYMENT = "payment", _("Payment")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REFUND = "refund", _("Refund")


class Channel(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card terminal")
    QR = "qr", _("QR code at the counter")
    ONLINE = "online", _("Online")


COUNTER_CHANNELS = (Channel.CASH, Channel.BANK_TRANSFER, Channel.CARD, Channel.QR)


class OnlineStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")


# --- Meters and readings ------------------------------------------------------------------


class MeterKind(models.TextChoices):
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")


class AllocationRule(models.TextChoices):
    """How a shared meter's (公摊) consumption is split over the units it serves."""

    BY_AREA = "by_area", _("By floor area")
    EQUALLY = "equally", _("Equally per unit")


class ReadingSource(models.TextChoices):
    PHONE = "phone", _("Entered on a phone")
    IMPORT = "import", _("Imported from a file")
    MANUAL = "manual", _("Entered by hand")


class ReadingImportStatus(models.TextChoices):
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to import")
    APPLIED = "applied", _("Imported")


READING_IMPORT_COLOURS = {
    ReadingImportStatus.INVALID: "danger",
    ReadingImportStatus.READY: "info",
    ReadingImportStatus.APPLIED: "success",
}
# --- Chargeable repairs (billing/models/repairs.py) -------------------------------------


class PriceKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    MATERIAL = "material", _("Material")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Waiting for the owner")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


QUOTE_STATUS_COLOURS = {
    QuoteStatus.DRAFT: "secondary",
    QuoteStatus.SENT: "warning",
    QuoteStatus.ACCEPTED: "success",
    QuoteStatus.DECLINED: "danger",
    QuoteStatus.WITHDRAWN: "dark",
}

# A quote in one of these holds the work back (the ticket is chargeable, not yet agreed).
QUOTE_PENDING = (QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.DECLINED)


class AcceptedVia(models.TextChoices):
    PORTAL = "portal", _("In the owner portal")
    SIGNATURE = "signature", _("Signed on the technician's phone")


class ChargeSettlement(models.TextChoices):
    NEXT_BILL = "next_bill", _("On the next bill")
    NOW = "now", _("Payable at once")
