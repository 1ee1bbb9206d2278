"""Fees and billing: fee items, versioned fee standards, bills and their lines, the per-unit
ledger (charges, payments, adjustments, refunds), payments, receipts and bill runs.

Money is Decimal with two places (core.money rounds). Issued bills are never edited: a
mistake is corrected by an adjustment entry in the ledger."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.texts import MessageField
from estates.models import Building, EstateScopedQuerySet, Unit

from ..choices import (
    BILL_STATUS_COLOURS,
    RUN_STATUS_COLOURS,
    BillStatus,
    Channel,
    EntryKind,
    FeeKind,
    Method,
    OnlineStatus,
    RunStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


class UnitScopedQuerySet(EstateScopedQuerySet):
    owner_unit_lookup = "unit_id"


class CommonQuerySet(EstateScopedQuerySet):
    owner_estate_wide = True  # published to the owners of the estate


class FeeItemQuerySet(models.QuerySet):
    def for_estate(self, estate):
        return self.filter(Q(estate=estate) | Q(estate__isnull=True))


class FeeItem(TimeStampedModel):
    """What is charged (收费项目): for one estate, or for the whole company (no estate)."""

    estate = models.ForeignKey(
        "estates.Estate",
        verbose_name=_("estate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fee_items",
        help_text=_("Empty: the item is used by every estate of the company."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FeeKind.choices)
    name = models.CharField(_("name"), max_length=60)
    periodic = models.BooleanField(_("charged every month"), default=True)

    objects = FeeItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "name"], name="feeitem_unique_name", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return self.name


class Versioned(TimeStampedModel):
    """A published price that is never edited: a change is a new row (version + 1) that
    replaces the previous one from its effective date, with a reason and who made it."""

    effective_from = models.DateField(_("effective from"))
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class FeeStandard(Versioned):
    """One version of a fee standard (收费标准) of an estate. A change (费用调整) is a new
    version with a reason and an effective date; a version is never edited."""

    estate = models.ForeignKey(
        "estates.Estate",
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="fee_standards",
    )
    fee_item = models.ForeignKey(
        FeeItem, verbose_name=_("fee item"), on_delete=models.PROTECT, related_name="standards"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    price = models.DecimalField(
        _("price (CNY)"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text=_("Per m², per unit, per parking space, or the first tier's price."),
    )
    buildings = models.ManyToManyField(
        Building,
        verbose_name=_("buildings"),
        blank=True,
        related_name="+",
        help_text=_("None chosen: every building of the estate."),
    )
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)

    objects = CommonQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee standard")
        verbose_name_plural = _("fee standards")
        ordering = ["fee_item__kind", "fee_item__name", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "fee_item", "effective_from"], name="feestandard_one_per_day"
            ),
            models.UniqueConstraint(
                fields=["estate", "fee_item", "version"], name="feestandard_unique_version"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="feestandard_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.fee_item} v{self.version}"

    def get_absolute_url(self):
        return reverse("billing:standard_detail", kwargs={"standard_pk": self.pk})


class FeeTier(models.Model):
    """A step of a tiered (stepped) price: usage above the previous step up to `up_to`."""

    standard = models.ForeignKey(
        FeeStandard,
        verbose_name=_("fee standard"),
        on_delete=models.CASCADE,
        related_name="tiers",
    )
    up_to = models.DecimalField(
        _("up to (units)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no upper limit (the last step)."),
    )
    price = models.DecimalField(_("price (CNY)"), max_digits=12, decimal_places=4)

    class Meta:
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        ordering = ["standard", models.F("up_to").asc(nulls_last=True)]

    def __str__(self):
        return f"≤ {self.up_to}: {self.price}" if self.up_to is not None else f"> {self.price}"


class UnitBillingProfile(models.Model):
    """What billing needs to know about a unit beyond the register: its parking spaces."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="billing_profile"
    )
    parking_spaces = models.PositiveSmallIntegerField(_("parking spaces"), default=0)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")

    def __str__(self):
        return f"{self.unit_id}: {self.parking_spaces}"


class Usage(models.Model):
    """A unit's metered usage of a fee item in a period (from its meter readings)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    fee_item = models.ForeignKey(
        FeeItem, verbose_name=_("fee item"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    quantity = models.DecimalField(
        _("usage"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("metered usage")
        verbose_name_plural = _("metered usage")
        constraints = [
            models.UniqueConstraint(fields=["unit", "fee_item", "period"], name="usage_unique"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.period} {self.quantity}"


class BillRun(TimeStampedModel):
    """The bills of one estate for one month: computed (draft bills), previewed, issued."""

    estate = models.ForeignKey(
        "estates.Estate",
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="bill_runs",
    )
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    unit_count = models.PositiveIntegerField(_("units"), default=0)
    computed_count = models.PositiveIntegerField(_("units computed"), default=0)
    issued_count = models.PositiveIntegerField(_("bills issued"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    objects = EstateScopedQuerySet.as_manager()
    badge_colours = {"status": RUN_STATUS_COLOURS}

    class Meta:
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "period"], name="billrun_one_per_period"),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_RE), name="billrun_period_format"
            ),
        ]

    def __str__(self):
        return f"{self.estate} {self.period}"

    def get_absolute_url(self):
        return reverse("billing:run_detail", kwargs={"run_pk": self.pk})

    @property
    def progress(self) -> int:
        if self.status in (RunStatus.ISSUED,):
            return 100
        if not self.unit_count:
            return 100 if self.status != RunStatus.DRAFT else 0
        done = self.issued_count if self.status == RunStatus.ISSUING else self.computed_count
        return min(100, done * 100 // self.unit_count)


class Account(models.Model):
    """A unit's account: the row locked for every money movement of the unit."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="account"
    )
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit account")
        verbose_name_plural = _("unit accounts")

    def __str__(self):
        return f"account of unit {self.unit_id}"


class Bill(TimeStampedModel):
    """A unit's bill (账单) for a month. `paid` is what payments and credits settled of it."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bills"
    )
    run = models.ForeignKey(
        BillRun,
        verbose_name=_("bill run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
    )
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=20, choices=BillStatus.choices, default=BillStatus.DRAFT
    )
    total = models.DecimalField(_("total (CNY)"), **MONEY, default=0)
    paid = models.DecimalField(_("settled (CNY)"), **MONEY, default=0)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    due_date = models.DateField(_("due on"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()
    badge_colours = {"status": BILL_STATUS_COLOURS}

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "-id"]
        constraints = [
            # One monthly bill per unit (the run's); a repair's bill of its own is beside it.
            models.UniqueConstraint(
                fields=["unit", "period"],
                condition=Q(run__isnull=False),
                name="bill_one_per_unit_period",
            ),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_RE), name="bill_period_format"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=models.F("total")),
                name="bill_paid_within_total",
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "period", "status"], name="bill_estate_period_idx")
        ]

    def __str__(self):
        return f"{self.unit} {self.period}"

    @property
    def outstanding(self):
        return self.total - self.paid

    @property
    def bank_reference(self) -> str:
        """What to write in a bank transfer's memo to pay this bill: ESTATE-YYYYMM-ID."""
        return f"{self.estate.code.upper()}-{self.period.replace('-', '')}-{self.pk}"

    def get_absolute_url(self):
        return reverse("billing:bill_detail", kwargs={"bill_pk": self.pk})


class BillLine(models.Model):
    bill = models.ForeignKey(
        Bill, verbose_name=_("bill"), on_delete=models.CASCADE, related_name="lines"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    fee_item = models.ForeignKey(
        FeeItem, verbose_name=_("fee item"), on_delete=models.PROTECT, related_name="+"
    )
    standard = models.ForeignKey(
        FeeStandard, verbose_name=_("fee standard"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=4)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    explanation = MessageField(_("how it is computed"))  # e.g. 89.50 m² × ¥2.80 × 30/30 days

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        ordering = ["bill", "fee_item__kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "fee_item"], name="billline_unique"),
        ]

    def __str__(self):
        return f"{self.fee_item_id} {self.amount}"


class Payment(TimeStampedModel):
    """Money received for a unit, at the counter or online. Recorded once per idempotency key."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY, validators=[MinValueValidator(0)])
    channel = models.CharField(_("payment channel"), max_length=20, choices=Channel.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    payer_name = models.CharField(_("paid by"), max_length=50, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.unit} ¥{self.amount}"


class LedgerEntry(models.Model):
    """One movement on a unit's account. `amount` is signed: what it adds to what the unit
    owes (a charge or a refund is positive, a payment or a credit negative). A negative
    entry's `unapplied` is the part not yet settled against bills (a prepaid balance)."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    unapplied = models.DecimalField(_("not yet applied (CNY)"), **MONEY, default=0)
    bill = models.OneToOneField(
        Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="charge_entry"
    )
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    on_date = models.DateField(_("date"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = MessageField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["on_date", "id"]
        indexes = [models.Index(fields=["account", "on_date"], name="entry_account_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(unapplied__gte=0), name="entry_unapplied_gte_0"),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.CHARGE) | Q(amount__gte=0), name="entry_charge_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.PAYMENT) | Q(amount__lt=0),
                name="entry_payment_negative",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class Allocation(models.Model):
    """The part of a payment or credit (a negative entry) that settles a bill."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive"),
        ]

    def __str__(self):
        return f"{self.amount} → bill {self.bill_id}"


class ReceiptCounter(models.Model):
    """The last receipt number of an estate in a year: locked while a number is taken."""

    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["estate", "year"], name="receiptcounter_unique"),
        ]

    def __str__(self):
        return f"{self.estate_id}/{self.year}: {self.last}"


class Receipt(models.Model):
    """收据: numbered per estate and year, in sequence, no gaps and no duplicates."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("receipt number"), max_length=40, unique=True)
    payment = models.OneToOneField(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="receipt"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "year", "sequence"], name="receipt_unique_sequence"
            ),
        ]

    def __str__(self):
        return self.number


class OnlinePayment(TimeStampedModel):
    """An owner's online payment of a bill, through a payment provider (the sandbox)."""

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="online_payments")
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    provider = models.CharField(_("provider"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=OnlineStatus.choices, default=OnlineStatus.PENDING
    )
    provider_txn_id = models.CharField(
        _("provider transaction"), max_length=64, null=True, blank=True, unique=True
    )
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="online"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self):
        return f"{self.provider} {self.amount} ({self.status})"


# Each area of billing keeps its models in a module of this package, imported here so Django
# and `from billing.models import X` see them. Append one line per area.
from .bank import BankLine, BankStatement  # noqa: E402, F401
from .costs import CostRecord, TransparencySummary  # noqa: E402, F401
from .meters import Meter, MeterReading, ReadingImport  # noqa: E402, F401
from .repairs import (  # noqa: E402, F401
    RepairCharge,
    RepairPriceItem,
    RepairQuote,
    RepairQuoteLine,
    RepairQuoteSignature,
)
