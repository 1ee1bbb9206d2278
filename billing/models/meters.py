"""Meters (水表, 电表, 燃气表) and their readings, and files of readings being imported.

A unit meter feeds one metered fee item of its unit. A shared meter (公摊) serves the units
of a building or of the whole estate (or the units chosen); its consumption is split over
them by floor area or equally, as usage of a shared fee item. A replaced meter is removed
(inactive, with a removal date) and the new one is a new Meter with its starting value."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from estates.models import EstateScopedQuerySet

from ..choices import (
    READING_IMPORT_COLOURS,
    AllocationRule,
    MeterKind,
    ReadingImportStatus,
    ReadingSource,
)

PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"
READING = {"max_digits": 12, "decimal_places": 2}


class Meter(TimeStampedModel):
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "estates.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meters",
        help_text=_("Empty: a shared meter (公摊)."),
    )
    building = models.ForeignKey(
        "estates.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit's building; for a shared meter, empty means the whole estate."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeterKind.choices)
    fee_item = models.ForeignKey(
        "billing.FeeItem",
        verbose_name=_("fee item"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The metered fee item its consumption is charged as."),
    )
    serial_number = models.CharField(_("serial number"), max_length=40)
    multiplier = models.DecimalField(
        _("multiplier"),
        max_digits=8,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01)],
        help_text=_(
            "Consumption = difference of readings × multiplier (e.g. a current transformer)."
        ),
    )
    initial_value = models.DecimalField(
        _("reading when installed"), **READING, default=0, validators=[MinValueValidator(0)]
    )
    allocation = models.CharField(
        _("allocation rule"),
        max_length=20,
        choices=AllocationRule.choices,
        blank=True,
        help_text=_("Shared meters only: how the consumption is split over the units."),
    )
    served_units = models.ManyToManyField(
        "estates.Unit",
        verbose_name=_("units served"),
        blank=True,
        related_name="+",
        help_text=_("Shared meters only. None chosen: every unit of the building (or estate)."),
    )
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        ordering = ["estate", "serial_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "serial_number"],
                name="meter_unique_serial",
                violation_error_message=_("Another meter of the estate has this serial number."),
            ),
            models.UniqueConstraint(
                fields=["unit", "fee_item"],
                condition=Q(is_active=True, unit__isnull=False),
                name="meter_one_active_per_unit_item",
                violation_error_message=_(
                    "The unit already has an active meter for this fee item: remove it first."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(allocation=""))
                | (Q(unit__isnull=True) & ~Q(allocation="")),
                name="meter_shared_has_rule",
                violation_error_message=_(
                    "A shared meter, and only a shared one, has an allocation rule."
                ),
            ),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="meter_multiplier_gt_0"),
            models.CheckConstraint(
                condition=Q(initial_value__gte=0), name="meter_initial_value_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("installed_on")),
                name="meter_removed_after_installed",
                violation_error_message=_("A meter is removed after it was installed."),
            ),
        ]

    def __str__(self):
        return self.serial_number

    @property
    def is_shared(self) -> bool:
        return self.unit_id is None

    def get_absolute_url(self):
        return reverse("billing:meter_detail", kwargs={"meter_pk": self.pk})


class MeterReading(models.Model):
    """The value read on a meter for a period (one per meter and month)."""

    meter = models.ForeignKey(
        Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings"
    )
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    read_on = models.DateField(_("read on"))
    value = models.DecimalField(_("reading"), **READING, validators=[MinValueValidator(0)])
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=ReadingSource.choices)
    confirmed_warnings = models.JSONField(_("warnings confirmed"), default=list, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["meter", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "period"], name="reading_one_per_period"),
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_value_gte_0"),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_RE), name="reading_period_format"
            ),
        ]
        indexes = [models.Index(fields=["estate", "period"], name="reading_estate_period_idx")]

    def __str__(self):
        return f"{self.meter_id} {self.period}: {self.value}"


class ReadingImport(TimeStampedModel):
    """A file of readings, checked: its rows (as read), every error and warning with its
    line number. Applied once, all or nothing, after the warnings were confirmed."""

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=ReadingImportStatus.choices)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new readings"), default=0)
    same_count = models.PositiveIntegerField(_("readings already recorded"), default=0)
    created_count = models.PositiveIntegerField(_("readings created"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = EstateScopedQuerySet.as_manager()
    badge_colours = {"status": READING_IMPORT_COLOURS}

    class Meta:
        verbose_name = _("import of meter readings")
        verbose_name_plural = _("imports of meter readings")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("billing:reading_import_detail", kwargs={"reading_import_pk": self.pk})
