"""Costs (服务成本) of an estate per month in the seed's four groups, and the transparency
summaries (财务公示) staff prepare for a quarter or a year and publish to the owners."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from estates.models import EstateScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


class CostGroup(models.TextChoices):
    LABOUR = "labour", _("Labour costs")
    MATERIAL = "material", _("Material costs")
    OPERATING = "operating", _("Operating costs")
    RISK = "risk", _("Risk costs")


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", _("Prepared, not published")
    PUBLISHED = "published", _("Published to owners")


SUMMARY_STATUS_COLOURS = {SummaryStatus.DRAFT: "secondary", SummaryStatus.PUBLISHED: "success"}


class CostRecord(TimeStampedModel):
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("month"), max_length=7)
    group = models.CharField(_("cost group"), max_length=20, choices=CostGroup.choices)
    subcategory = models.CharField(_("sub-category"), max_length=60)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost record")
        verbose_name_plural = _("cost records")
        ordering = ["-period", "group", "subcategory", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(period__regex=PERIOD_RE), name="cost_period_format"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_amount_gte_0"),
        ]
        indexes = [models.Index(fields=["estate", "period"], name="cost_estate_period_idx")]

    def __str__(self):
        return f"{self.period} {self.subcategory} ¥{self.amount}"


class SummaryQuerySet(EstateScopedQuerySet):
    owner_estate_wide = True  # the owners of the estate, once it is published

    def published(self):
        return self.filter(status=SummaryStatus.PUBLISHED)


class TransparencySummary(TimeStampedModel):
    """Income, costs and the surplus of an estate for a quarter (1–4) or a whole year
    (quarter empty). `figures` is the snapshot taken when it was prepared: what owners see
    does not change when later records arrive."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict)
    note = models.TextField(_("note to owners"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = SummaryQuerySet.as_manager()
    badge_colours = {"status": SUMMARY_STATUS_COLOURS}

    class Meta:
        verbose_name = _("transparency summary")
        verbose_name_plural = _("transparency summaries")
        ordering = ["-year", models.F("quarter").desc(nulls_first=True), "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "year", "quarter"], name="summary_one_per_period",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="summary_quarter_1_4",
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.quarter:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}
        return _("Year %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("billing:summary_detail", kwargs={"summary_pk": self.pk})
