"""Chargeable repairs (收费依据): the estate's published repair price list (labour by job
type, common materials; a change is a new version, never an edit), the quote of a repair
ticket built from it and accepted by the owner before the work starts, and the final
charge on completion, posted once to the unit's account as a bill of its own."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.attachments import AttachmentBase
from core.models import TimeStampedModel
from estates.models import EstateScopedQuerySet
from maintenance.choices import Category

from ..choices import (
    QUOTE_STATUS_COLOURS,
    AcceptedVia,
    BillStatus,
    ChargeSettlement,
    PriceKind,
    QuoteStatus,
)
from . import Versioned

MONEY = {"max_digits": 14, "decimal_places": 2}


class PublishedQuerySet(EstateScopedQuerySet):
    owner_estate_wide = True  # published to the owners of the estate


class RepairQuerySet(EstateScopedQuerySet):
    # The owner of the ticket's unit, and whoever reported it.
    owner_unit_lookup = "unit_id"
    owner_person_lookup = "ticket__reporter"


class RepairPriceItem(Versioned):
    """One version of a line of an estate's repair price list. A change is the next version
    (same code) with a reason and an effective date; a version is never edited."""

    estate = models.ForeignKey(
        "estates.Estate",
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="repair_prices",
    )
    code = models.SlugField(
        _("code"), max_length=20, help_text=_("Short code of the line, kept across versions.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PriceKind.choices)
    job_type = models.CharField(
        _("job type"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Labour: the kind of repair it is charged for."),
    )
    name = models.CharField(_("name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("e.g. per job, per hour, each"))
    price = models.DecimalField(_("price (CNY)"), **MONEY, validators=[MinValueValidator(0)])

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("repair price")
        verbose_name_plural = _("repair prices")
        ordering = ["kind", "job_type", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "code", "version"], name="repairprice_unique_version"
            ),
            models.UniqueConstraint(
                fields=["estate", "code", "effective_from"], name="repairprice_one_per_day"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="repairprice_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.name} ¥{self.price}/{self.unit}"


class RepairQuote(TimeStampedModel):
    """A quote (报价) for the chargeable work of a repair ticket, from the price list."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey(
        "maintenance.Ticket",
        verbose_name=_("repair ticket"),
        on_delete=models.PROTECT,
        related_name="repair_quotes",
    )
    unit = models.ForeignKey(
        "estates.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    total = models.DecimalField(_("total (CNY)"), **MONEY, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quoted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_via = models.CharField(
        _("accepted"), max_length=20, choices=AcceptedVia.choices, blank=True
    )
    signer_name = models.CharField(_("signed by"), max_length=50, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = RepairQuerySet.as_manager()
    badge_colours = {"status": QUOTE_STATUS_COLOURS}

    class Meta:
        verbose_name = _("repair quote")
        verbose_name_plural = _("repair quotes")
        ordering = ["ticket", "-id"]
        constraints = [
            # One quote in the making or agreed per ticket; a declined one may be followed
            # by a new one.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status__in=["draft", "sent", "accepted"]),
                name="repairquote_one_live_per_ticket",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="repairquote_total_gte_0"),
        ]

    def __str__(self):
        return f"{self.ticket_id} ¥{self.total} ({self.status})"

    def get_absolute_url(self):
        return reverse("maintenance:ticket_detail", kwargs={"ticket_pk": self.ticket_id})

    @property
    def badge(self) -> str:
        return QUOTE_STATUS_COLOURS.get(self.status, "secondary")


class RepairQuoteLine(models.Model):
    """quantity × price of a line of the price list, or a free line with its reason."""

    quote = models.ForeignKey(
        RepairQuote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
    )
    price_item = models.ForeignKey(
        RepairPriceItem,
        verbose_name=_("price list line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=80)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    reason = models.CharField(_("why not from the price list"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quoteline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quoteline_price_gte_0"),
            # A line not from the price list says why.
            models.CheckConstraint(
                condition=Q(price_item__isnull=False) | ~Q(reason=""),
                name="quoteline_free_line_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.description} {self.amount}"


class RepairQuoteSignature(AttachmentBase):
    """The owner's signature accepting a quote on the technician's phone (a PNG)."""

    quote = models.OneToOneField(
        RepairQuote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="signature"
    )

    class Meta:
        verbose_name = _("quote signature")
        verbose_name_plural = _("quote signatures")

    def __str__(self):
        return f"signature of quote {self.quote_id}"


class RepairCharge(TimeStampedModel):
    """The final amount of a chargeable repair, recorded on completion; posted once to the
    unit's account as a bill of its own (on the next bill run, or at once to pay online)."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.OneToOneField(
        "maintenance.Ticket",
        verbose_name=_("repair ticket"),
        on_delete=models.PROTECT,
        related_name="repair_charge",
    )
    unit = models.ForeignKey(
        "estates.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    quote = models.OneToOneField(
        RepairQuote, verbose_name=_("quote"), on_delete=models.PROTECT, related_name="charge"
    )
    quoted = models.DecimalField(_("quoted (CNY)"), **MONEY)
    amount = models.DecimalField(_("final amount (CNY)"), **MONEY)
    explanation = models.CharField(_("why it differs from the quote"), max_length=300, blank=True)
    settlement = models.CharField(
        _("paid"),
        max_length=20,
        choices=ChargeSettlement.choices,
        default=ChargeSettlement.NEXT_BILL,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bill = models.OneToOneField(
        "billing.Bill",
        verbose_name=_("bill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_charge",
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    objects = RepairQuerySet.as_manager()

    class Meta:
        verbose_name = _("repair charge")
        verbose_name_plural = _("repair charges")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repaircharge_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(amount=models.F("quoted")) | ~Q(explanation=""),
                name="repaircharge_difference_explained",
            ),
            models.CheckConstraint(
                condition=Q(bill__isnull=True) | Q(posted_at__isnull=False),
                name="repaircharge_posted_with_bill",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} ¥{self.amount}"

    @property
    def difference(self):
        return self.amount - self.quoted

    @property
    def is_paid(self) -> bool:
        return self.bill_id is not None and self.bill.status == BillStatus.PAID
