"""Inspections (日常巡检): checkpoints with check items, routes, plans that generate rounds,
the answers recorded on a round and the findings an abnormal answer opens."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.attachments import AttachmentBase
from core.models import TimeStampedModel
from estates.choices import EquipmentCategory, Role
from estates.models import Equipment, Estate, EstateScopedQuerySet

from .choices import (
    ROUND_STATUS_COLOURS,
    FindingStatus,
    ItemKind,
    Recurrence,
    RoundStatus,
    ScanMethod,
)


def new_checkpoint_code() -> str:
    """Printed in the QR code: random, so a code cannot be guessed without the label."""
    return secrets.token_hex(5).upper()


class Holiday(models.Model):
    """A day without rounds for plans that skip holidays: of one estate, or of every estate
    (estate empty: a public holiday of the company)."""

    estate = models.ForeignKey(
        Estate,
        verbose_name=_("estate"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=60)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["estate", "date"], name="holiday_unique_day"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(estate__isnull=True), name="holiday_unique_company"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class ItemFields(models.Model):
    """What a check item asks (shared by the items of a checkpoint and the templates)."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("check item"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. MPa"))
    min_value = models.DecimalField(
        _("lowest allowed"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest allowed"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For a choice: the options.")
    )
    abnormal_choices = models.JSONField(
        _("abnormal choices"),
        default=list,
        blank=True,
        help_text=_("For a choice: the options that are a finding."),
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return self.label

    @property
    def range_text(self) -> str:
        if self.min_value is None and self.max_value is None:
            return ""
        low = "" if self.min_value is None else f"{self.min_value.normalize():f}"
        high = "" if self.max_value is None else f"{self.max_value.normalize():f}"
        return f"{low}–{high} {self.unit}".strip()


def _range_ok():
    return Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(max_value__gte=F("min_value"))


class CheckItemTemplate(ItemFields):
    """The checklist a new checkpoint on equipment of this category starts with."""

    category = models.CharField(
        _("equipment category"), max_length=20, choices=EquipmentCategory.choices
    )

    class Meta(ItemFields.Meta):
        verbose_name = _("check item template")
        verbose_name_plural = _("check item templates")
        constraints = [models.CheckConstraint(condition=_range_ok(), name="template_range_ok")]


class Checkpoint(TimeStampedModel):
    """巡检点: a place, or a piece of equipment, with a QR label (and an optional NFC tag)."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=200, blank=True)
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkpoints",
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=new_checkpoint_code)
    nfc_tag = models.CharField(_("NFC tag id"), max_length=64, blank=True)
    require_scan = models.BooleanField(
        _("proof by scan required"),
        default=False,
        help_text=_("Answers are accepted only after its QR code (or NFC tag) was scanned."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.UniqueConstraint(
                fields=["nfc_tag"], condition=~Q(nfc_tag=""), name="checkpoint_unique_nfc"
            )
        ]
        indexes = [models.Index(fields=["estate", "name", "id"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:checkpoint_detail", kwargs={"checkpoint_pk": self.pk})

    @property
    def where(self) -> str:
        if self.place:
            return self.place
        if self.equipment_id:
            return self.equipment.location
        return ""


class CheckItem(ItemFields):
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="items"
    )

    class Meta(ItemFields.Meta):
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        constraints = [models.CheckConstraint(condition=_range_ok(), name="item_range_ok")]


class Route(TimeStampedModel):
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="routes"
    )
    name = models.CharField(_("name"), max_length=100)
    enforce_order = models.BooleanField(
        _("order required"), default=False, help_text=_("Checkpoints must be done in order.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:route_detail", kwargs={"route_pk": self.pk})

    def checkpoints_in_order(self):
        return [s.checkpoint for s in self.stops.select_related("checkpoint").order_by("position")]


class RouteStop(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="stops")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="stop_unique_position"),
            models.UniqueConstraint(fields=["route", "checkpoint"], name="stop_unique_checkpoint"),
        ]

    def __str__(self):
        return f"{self.position}. {self.checkpoint}"


class Plan(TimeStampedModel):
    """巡检计划: a route walked on a recurrence (in the estate's local time), each round with
    its window, by people or a role of the estate."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="plans"
    )
    route = models.ForeignKey(
        Route, verbose_name=_("route"), on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=100)
    recurrence = models.CharField(_("recurrence"), max_length=30, choices=Recurrence.choices)
    times = models.JSONField(
        _("start times"), default=list, help_text=_("Local times, e.g. 08:00, 20:00.")
    )
    interval_days = models.PositiveSmallIntegerField(_("every n days"), default=1)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    month_day = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        help_text=_("29, 30 or 31: the month's last day in shorter months."),
    )
    window_minutes = models.PositiveIntegerField(_("window (minutes)"), default=120)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people"), blank=True, related_name="+"
    )
    assignee_role = models.CharField(
        _("role of the estate"), max_length=30, choices=Role.choices, blank=True
    )
    skip_holidays = models.BooleanField(_("skip holidays"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="plan_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(window_minutes__gte=1, window_minutes__lte=7 * 24 * 60),
                name="plan_window_bounded",
            ),
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="plan_interval_ok"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", kwargs={"plan_pk": self.pk})


class RoundQuerySet(EstateScopedQuerySet):
    def for_doer(self, user):
        """Rounds `user` is to walk: given to them, or not given to anyone yet and theirs by
        the plan (a person named in it, or their role in the round's estate)."""
        from estates.models import StaffMembership

        mine = Q(assignee=user)
        roles = dict(
            StaffMembership.objects.filter(user=user, is_active=True).values_list(
                "estate_id", "role"
            )
        )
        # The plans naming the user as a subquery, not a join: a join needs DISTINCT, which
        # makes PostgreSQL sort every candidate round by all its columns.
        named_in = Plan.assignees.through.objects.filter(user=user).values("plan_id")
        open_to = Q(plan_id__in=named_in)
        for estate_id, role in roles.items():
            open_to |= Q(estate_id=estate_id, role=role)
        return self.filter(mine | (Q(assignee__isnull=True) & open_to))


class Round(TimeStampedModel):
    """巡检任务: one walk of a plan's route in one window."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("inspection plan"), on_delete=models.PROTECT, related_name="rounds"
    )
    route = models.ForeignKey(
        Route, verbose_name=_("route"), on_delete=models.PROTECT, related_name="rounds"
    )
    window_start = models.DateTimeField(_("window opens"))
    window_end = models.DateTimeField(_("window closes"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_rounds",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.SCHEDULED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sweep's once-only flags (set under the row lock).
    warned = models.BooleanField(default=False)
    manager_told = models.BooleanField(default=False)

    objects = RoundQuerySet.as_manager()
    badge_colours = {"status": ROUND_STATUS_COLOURS}

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        constraints = [
            models.UniqueConstraint(fields=["plan", "window_start"], name="round_once_per_window"),
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="round_window_ok"
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "window_start", "id"], name="round_estate_idx"),
            models.Index(
                fields=["window_end"],
                name="round_open_end_idx",
                condition=Q(status__in=["scheduled", "in_progress"]),
            ),
            models.Index(fields=["assignee", "window_start"], name="round_assignee_idx"),
            # The inspector's today page: rounds still to walk, oldest first. Without it the
            # page walks round_estate_idx from the estate's first round past all history.
            models.Index(
                fields=["estate", "window_start", "id"],
                name="round_today_idx",
                condition=Q(status__in=["scheduled", "in_progress"])
                | Q(status="late", finished_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.window_start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("inspections:round_detail", kwargs={"round_pk": self.pk})


class CheckpointVisit(models.Model):
    """A checkpoint of a round reached: how (scanned, typed, from the list), by whom, when."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="visits")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="visits")
    method = models.CharField(_("how"), max_length=10, choices=ScanMethod.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("at (device time)"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    completed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "checkpoint"], name="visit_once_per_round")
        ]

    def __str__(self):
        return f"{self.round_id} {self.checkpoint}"


class Answer(models.Model):
    """One check item answered on a round. The idempotency key (made on the phone) makes a
    replayed offline answer count once; taken_at is when it was really taken."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("value"), max_length=500, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    abnormal = models.BooleanField(_("abnormal"), default=False)
    taken_at = models.DateTimeField(_("taken at (device time)"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="answer_once_per_item")
        ]
        indexes = [models.Index(fields=["checkpoint", "-taken_at"], name="answer_history_idx")]

    def __str__(self):
        return f"{self.item}: {self.value}"


class AnswerPhoto(AttachmentBase):
    """The photo of an answer: stored and served by core.attachments, scoped by its round."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="photo")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class Finding(TimeStampedModel):
    """An abnormal answer: a repair ticket is opened for it; it closes only when the same
    item of the same checkpoint passes on a later round."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="findings"
    )
    item = models.ForeignKey(
        CheckItem, verbose_name=_("check item"), on_delete=models.PROTECT, related_name="findings"
    )
    opened_by = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="opened_findings")
    closed_by = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.PROTECT, related_name="closed_findings"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    ticket = models.ForeignKey(
        "maintenance.Ticket",
        verbose_name=_("repair ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="open"), name="finding_one_open_per_item"
            )
        ]

    def __str__(self):
        return f"{self.checkpoint}: {self.item}"


from .models_upkeep import UpkeepPart, UpkeepPhoto, UpkeepPlan, UpkeepTask  # noqa: E402, F401
