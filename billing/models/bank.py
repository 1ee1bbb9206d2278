"""Bank statements (银行流水): the lines of a statement uploaded for an estate, each matched
to a unit (and a bill) automatically or by a person, and recorded once as a payment."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.texts import MessageField
from estates.models import EstateScopedQuerySet, Unit

MONEY = {"max_digits": 14, "decimal_places": 2}


class StatementStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, not recorded yet")
    APPLIED = "applied", _("Matched lines recorded")


class LineStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    AMBIGUOUS = "ambiguous", _("Ambiguous")
    UNMATCHED = "unmatched", _("Not matched")
    RECORDED = "recorded", _("Recorded as payment")
    NOT_OURS = "not_ours", _("Not ours")


OPEN_LINE_STATUSES = (LineStatus.AMBIGUOUS, LineStatus.UNMATCHED)

LINE_STATUS_COLOURS = {
    LineStatus.MATCHED: "info",
    LineStatus.AMBIGUOUS: "warning",
    LineStatus.UNMATCHED: "danger",
    LineStatus.RECORDED: "success",
    LineStatus.NOT_OURS: "secondary",
}


class MatchRule(models.TextChoices):
    BILL = "bill", _("Bill reference and amount")
    UNIT = "unit", _("Unit code and amount")
    MANUAL = "manual", _("Matched by hand")
    EARLIER = "earlier", _("Recorded from an earlier statement")


class BankStatement(TimeStampedModel):
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.CHECKED
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total = models.DecimalField(_("total (CNY)"), **MONEY, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("billing:bank_statement_detail", kwargs={"statement_pk": self.pk})


class BankLine(models.Model):
    """One transfer of a statement. The idempotency key of its payment is the bank's
    transaction id (per estate), so the same transfer imported twice is recorded once."""

    statement = models.ForeignKey(
        BankStatement, verbose_name=_("bank statement"), on_delete=models.CASCADE,
        related_name="lines",
    )  # fmt: skip
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    line_number = models.PositiveIntegerField(_("line"))
    booked_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    payer_name = models.CharField(_("payer"), max_length=100, blank=True)
    payer_account = models.CharField(_("payer account"), max_length=50, blank=True)
    memo = models.CharField(_("reference / memo"), max_length=200, blank=True)
    txn_id = models.CharField(_("bank transaction id"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=LineStatus.choices)
    rule = models.CharField(_("matched by"), max_length=20, choices=MatchRule.choices, blank=True)
    reason = MessageField(_("why"), blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    bill = models.ForeignKey(
        "billing.Bill", verbose_name=_("bill"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    payment = models.ForeignKey(
        "billing.Payment", verbose_name=_("payment"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = EstateScopedQuerySet.as_manager()
    badge_colours = {"status": LINE_STATUS_COLOURS}

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["statement", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "txn_id"], name="bankline_unique_txn"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bankline_amount_gt_0"),
        ]
        indexes = [models.Index(fields=["estate", "status"], name="bankline_estate_status_idx")]

    def __str__(self):
        return f"{self.txn_id} ¥{self.amount}"

    @property
    def idempotency_key(self) -> str:
        return f"bank:{self.estate_id}:{self.txn_id}"
