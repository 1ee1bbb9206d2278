from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.attachments import AttachmentBase
from core.models import TimeStampedModel
from estates.models import Building, Equipment, Estate, EstateScopedQuerySet, Person, Unit

from .choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    Deadline,
    FollowUpMethod,
    PauseReason,
    PhotoKind,
    Priority,
    ReminderKind,
    Status,
)
from .deadlines import OVERDUE_FIELDS, OVERDUE_Q


class TicketQuerySet(EstateScopedQuerySet):
    # Owners see the tickets they reported and those of the units they live in
    # (for_owner, estates.owners).
    owner_unit_lookup = "unit_id"
    owner_person_lookup = "reporter"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Ticket(TimeStampedModel):
    """A repair ticket (报修工单) from report to follow-up."""

    # estate and technician have no single-column index: ticket_board_idx and ticket_tech_idx
    # start with them (one index fewer to write for every change of a ticket).
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    # Where: a unit, or a common area (a building, a piece of equipment, a described place).
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    location = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("For common areas: where exactly.")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    description = models.TextField(_("description"))
    preferred_from = models.DateTimeField(_("preferred from"), null=True, blank=True)
    preferred_to = models.DateTimeField(_("preferred until"), null=True, blank=True)
    reporter = models.ForeignKey(
        Person,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Where the ticket came from when another module opened it (an inspection item...).
    source_label = models.CharField(_("opened from"), max_length=200, blank=True)
    source_url = models.CharField(max_length=300, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    # Incremented by every transition: a form carries the version it was shown, so the
    # second of two people acting at once is told the ticket changed, and nothing happens.
    version = models.PositiveIntegerField(default=1)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        db_index=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    pause_reason = models.CharField(
        _("paused because"), max_length=20, blank=True, choices=PauseReason.choices
    )
    paused_since = models.DateTimeField(null=True, blank=True)
    # The step a pause interrupted (accepted, on site or in repair): resuming goes back to it.
    paused_from = models.CharField(
        _("paused at the step"), max_length=20, blank=True, choices=Status.choices
    )

    # Milestones (each one meets a deadline or records a step).
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Deadlines (SLA). Pushed back by the time spent waiting for the owner.
    response_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    onsite_due = models.DateTimeField(_("on site by"), null=True, blank=True)
    completion_due = models.DateTimeField(_("complete by"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    response_overdue = models.BooleanField(_("response overdue"), default=False)
    onsite_overdue = models.BooleanField(_("on-site overdue"), default=False)
    completion_overdue = models.BooleanField(_("completion overdue"), default=False)

    # Work and money.
    work_done = models.TextField(_("work done"), blank=True)
    labour_hours = models.DecimalField(
        _("labour (hours)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    labour_amount = models.DecimalField(
        _("labour charge"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    chargeable = models.BooleanField(
        _("charged to the owner"),
        default=False,
        help_text=_("Repairs inside the unit are paid by the owner; common parts are a cost."),
    )
    amount = models.DecimalField(
        _("total (materials and labour)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )

    # The owner's word.
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("comment"), blank=True)
    last_urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("times urged"), default=0)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("repair ticket")
        verbose_name_plural = _("repair tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False)
                | ~Q(location="")
                | Q(equipment__isnull=False)
                | Q(building__isnull=False),
                name="ticket_has_a_place",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ticket_amount_not_negative"),
        ]
        indexes = [
            # The board: one estate, one status, newest first (emergencies first).
            models.Index(
                fields=["estate", "status", "-reported_at", "-id"], name="ticket_board_idx"
            ),
            models.Index(fields=["technician", "status"], name="ticket_tech_idx"),
            # The board's emergencies box: the few open emergencies, oldest first. Without
            # it PostgreSQL walks a deadline index over every open ticket of every estate.
            models.Index(
                fields=["estate", "reported_at", "id"],
                name="ticket_open_emergency_idx",
                condition=Q(status__in=OPEN_STATUSES, priority="emergency"),
            ),
            # The board's overdue count: few rows, so it is read without the table. (Setting
            # a flag then updates every index of the row, not only this one: the sweep
            # pays for that, measured in bench/README.md.)
            models.Index(
                fields=["estate"],
                name="ticket_open_overdue_idx",
                condition=Q(status__in=OPEN_STATUSES) & OVERDUE_Q,
            ),
            # The deadline sweep looks only at open tickets.
            models.Index(
                fields=["response_due"],
                name="ticket_response_due_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["onsite_due"],
                name="ticket_onsite_due_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["completion_due"],
                name="ticket_completion_due_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self):
        return f"{self.number or self.pk} {self.get_category_display()}"

    def get_absolute_url(self):
        return reverse("maintenance:ticket_detail", kwargs={"ticket_pk": self.pk})

    @property
    def place(self) -> str:
        if self.unit_id:
            return f"{self.unit.building.name} {self.unit.label}"
        parts = [
            str(p)
            for p in (
                self.building.name if self.building_id else "",
                self.equipment if self.equipment_id else "",
                self.location,
            )
            if p
        ]
        return " · ".join(parts)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return any(getattr(self, flag) for flag in OVERDUE_FIELDS)

    def pause_delta(self, now) -> timedelta:
        """Time spent waiting for the owner so far (the clock stops then)."""
        extra = 0
        if self.paused_since and self.pause_reason == PauseReason.OWNER:
            extra = (now - self.paused_since).total_seconds()
        return timedelta(seconds=self.paused_seconds + extra)


class TicketPhoto(AttachmentBase):
    """A photo of a ticket (report, after the repair, the owner's signature): stored and
    served by core.attachments, scoped by its ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=20, choices=PhotoKind.choices)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"


class TicketMaterial(models.Model):
    """A material used in a repair; amount = quantity × unit price, rounded once."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=100)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="material_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="material_price_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class FollowUp(models.Model):
    """回访: the call or visit after the repair, with the owner's rating."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="follow_ups")
    method = models.CharField(_("how"), max_length=20, choices=FollowUpMethod.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="follow_up_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.rating}"


class TicketReminder(models.Model):
    """One row per (ticket, deadline, kind) ever sent: the sweep never sends one twice."""

    # No index of its own: the unique (ticket, deadline, kind) index starts with it.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    deadline = models.CharField(max_length=20, choices=Deadline.choices)
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "deadline", "kind"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.deadline} {self.kind}"


class SlaPolicy(models.Model):
    """An estate's deadlines for a priority (and optionally one category), in minutes."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.CASCADE, related_name="sla_policies"
    )
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Blank: every category."),
    )
    response_minutes = models.PositiveIntegerField(_("respond within (minutes)"))
    onsite_minutes = models.PositiveIntegerField(_("on site within (minutes)"))
    completion_minutes = models.PositiveIntegerField(_("complete within (minutes)"))

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(fields=["estate", "priority", "category"], name="sla_one_rule"),
        ]

    def __str__(self):
        return f"{self.estate_id} {self.priority} {self.category or '*'}"
