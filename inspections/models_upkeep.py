"""Equipment maintenance (维护保养): plans per piece of equipment or per equipment category,
on a recurrence, that generate maintenance tasks with the same engine as inspection rounds;
a task records the work done, the parts used, photos and the contractor, and may need a
supervisor's acceptance."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.attachments import AttachmentBase
from core.models import TimeStampedModel
from estates.choices import EquipmentCategory, Role
from estates.models import Equipment, Estate, EstateScopedQuerySet

from .choices import UPKEEP_OPEN, UPKEEP_STATUS_COLOURS, UpkeepRecurrence, UpkeepStatus


class UpkeepPlan(TimeStampedModel):
    """保养计划: one piece of equipment, or every piece of a category in the estate."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="upkeep_plans",
    )
    category = models.CharField(
        _("equipment category"),
        max_length=20,
        choices=EquipmentCategory.choices,
        blank=True,
        help_text=_("Or every piece of equipment of this category in the estate."),
    )
    work = models.TextField(_("work to do"), blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=30, choices=UpkeepRecurrence.choices)
    times = models.JSONField(_("start times"), default=list)
    interval_days = models.PositiveSmallIntegerField(_("every n days"), default=15)
    interval_months = models.PositiveSmallIntegerField(_("every n months"), default=6)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    month_day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(
        _("days to do it"), default=3, help_text=_("Overdue after this many days.")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people"), blank=True, related_name="+"
    )
    assignee_role = models.CharField(
        _("role of the estate"), max_length=30, choices=Role.choices, blank=True
    )
    skip_holidays = models.BooleanField(_("skip holidays"), default=False)
    needs_acceptance = models.BooleanField(_("acceptance by a supervisor"), default=False)
    contractor = models.CharField(
        _("contractor"), max_length=100, blank=True, help_text=_("When the work is outsourced.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.CheckConstraint(
                condition=(Q(equipment__isnull=False) & Q(category=""))
                | (Q(equipment__isnull=True) & ~Q(category="")),
                name="upkeep_plan_equipment_or_category",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="upkeep_plan_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1, interval_months__gte=1, window_days__gte=1),
                name="upkeep_plan_intervals_ok",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:upkeep_plan_detail", kwargs={"upkeep_plan_pk": self.pk})

    @property
    def window_minutes(self) -> int:
        """What the recurrence engine reads (plans of rounds have it as a field)."""
        return self.window_days * 24 * 60


class UpkeepTask(TimeStampedModel):
    """保养任务: one maintenance of one piece of equipment, due by window_end."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        UpkeepPlan,
        verbose_name=_("maintenance plan"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        on_delete=models.PROTECT,
        related_name="upkeep_tasks",
    )
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("due by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=UpkeepStatus.choices, default=UpkeepStatus.SCHEDULED
    )
    needs_acceptance = models.BooleanField(_("acceptance by a supervisor"), default=False)
    work_done = models.TextField(_("work done"), blank=True)
    outsourced = models.BooleanField(_("outsourced"), default=False)
    contractor = models.CharField(_("contractor"), max_length=100, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(_("supervisor's note"), blank=True)
    # The sweep's once-only flag (set under the row lock).
    overdue_told = models.BooleanField(default=False)

    objects = EstateScopedQuerySet.as_manager()
    badge_colours = {"status": UPKEEP_STATUS_COLOURS}

    class Meta:
        verbose_name = _("maintenance task")
        verbose_name_plural = _("maintenance tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "equipment", "window_start"], name="upkeep_once_per_window"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="upkeep_window_ok"
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "window_start", "id"], name="upkeep_estate_idx"),
            models.Index(fields=["equipment", "-window_start"], name="upkeep_equipment_idx"),
            models.Index(
                fields=["window_end"],
                name="upkeep_open_end_idx",
                condition=Q(status__in=["scheduled", "sent_back"], overdue_told=False),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.equipment.code} {self.window_start:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspections:upkeep_task_detail", kwargs={"upkeep_task_pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        return self.status in UPKEEP_OPEN and self.window_end <= timezone.now()


class UpkeepPart(models.Model):
    task = models.ForeignKey(UpkeepTask, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("part"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} × {self.quantity.normalize():f}"


class UpkeepPhoto(AttachmentBase):
    """A photo of the work: stored and served by core.attachments, scoped by its task."""

    task = models.ForeignKey(UpkeepTask, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
