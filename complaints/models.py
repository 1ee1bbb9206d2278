"""Complaints, suggestions and praise (投诉/建议/表扬), their photos, the per-estate deadline
table and the prevention actions learnt from them."""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.attachments import AttachmentBase
from core.models import TimeStampedModel
from estates.models import Building, Estate, EstateScopedQuerySet, Person, Unit
from maintenance.models import FollowUp, Ticket

from .choices import (
    OPEN_STATUSES,
    STATUS_COLOURS,
    Category,
    Cause,
    Channel,
    ContactKind,
    Kind,
    Severity,
    Status,
)

# Acknowledge within hours, resolve within days: the defaults of a category an estate has
# not set for itself (DeadlineRule).
DEFAULT_DEADLINES = {
    Category.SERVICE_ATTITUDE: (2, 2),
    Category.CLEANLINESS: (4, 1),
    Category.SECURITY: (1, 1),
    Category.NOISE: (2, 2),
    Category.PARKING: (4, 3),
    Category.FEES: (8, 5),
    Category.REPAIRS: (4, 3),
    Category.NEIGHBOURS: (8, 7),
    Category.GREENING: (8, 5),
    Category.OTHER: (8, 5),
}


class ComplaintQuerySet(EstateScopedQuerySet):
    # Owners see the complaints they filed (not those of their household: a complaint,
    # anonymous or not, is personal).
    owner_person_lookup = "complainant"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


def overdue_q(now):
    """Open complaints past a deadline they have not met."""
    return Q(status__in=OPEN_STATUSES) & (
        Q(acknowledged_at__isnull=True, acknowledge_due__lte=now)
        | Q(resolved_at__isnull=True, resolve_due__lte=now)
    )


class Complaint(TimeStampedModel):
    # No single-column index on estate: complaint_board_idx and complaint_status_idx start
    # with it.
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.NORMAL
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    description = models.TextField(_("description"))
    complainant = models.ForeignKey(
        Person,
        verbose_name=_("complainant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("The name is shown to the estate manager only."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_responsible",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    version = models.PositiveIntegerField(default=1)

    filed_at = models.DateTimeField(_("filed at"), db_index=True)
    acknowledge_due = models.DateTimeField(_("acknowledge by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set by the deadline sweep under the row's lock: each warning and escalation once.
    acknowledge_warned = models.BooleanField(default=False)
    acknowledge_escalated = models.BooleanField(_("acknowledgement overdue"), default=False)
    resolve_warned = models.BooleanField(default=False)
    resolve_escalated = models.BooleanField(_("resolution overdue"), default=False)

    resolution = models.TextField(_("what was done"), blank=True)
    cause = models.CharField(_("cause"), max_length=30, blank=True, choices=Cause.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("comment"), blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    cancel_reason = models.TextField(_("reason for withdrawal"), blank=True)
    typical = models.BooleanField(_("typical case"), default=False)
    lesson = models.TextField(_("lesson learned"), blank=True)
    # A repair ticket opened from the complaint, or the repair the complaint is about.
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("repair ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )

    # A comment given at a repair's follow-up (回访), classified as feedback (once).
    follow_up = models.OneToOneField(
        FollowUp,
        verbose_name=_("repair follow-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )

    objects = ComplaintQuerySet.as_manager()

    badge_colours = {"status": STATUS_COLOURS}

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
            # "Make a complaint from this repair" once per ticket.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(channel=Channel.REPAIR),
                name="complaint_one_per_repair",
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "-filed_at", "-id"], name="complaint_board_idx"),
            # The board's status counts: read from the index alone.
            models.Index(fields=["estate", "status"], name="complaint_status_idx"),
            models.Index(
                fields=["acknowledge_due"],
                name="complaint_ack_due_idx",
                condition=Q(status__in=OPEN_STATUSES, acknowledged_at__isnull=True),
            ),
            models.Index(
                fields=["resolve_due"],
                name="complaint_resolve_due_idx",
                condition=Q(status__in=OPEN_STATUSES, resolved_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.get_category_display()}"

    @property
    def number(self) -> str:
        return f"TS-{self.pk:06d}" if self.pk else "TS-"

    def get_absolute_url(self):
        return reverse("complaints:complaint_detail", kwargs={"complaint_pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now) -> bool:
        if not self.is_open:
            return False
        return (self.acknowledged_at is None and self.acknowledge_due <= now) or (
            self.resolved_at is None and self.resolve_due <= now
        )

    @property
    def place(self) -> str:
        if self.unit_id:
            return f"{self.unit.building.name} {self.unit.label}"
        return self.building.name if self.building_id else ""


class ComplaintPhoto(AttachmentBase):
    """A photo the complainant sent: stored and served by core.attachments."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.complaint_id} {self.original_name}"


class DeadlineRule(models.Model):
    """An estate's own deadlines for one category (else DEFAULT_DEADLINES)."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="complaint_deadlines")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    acknowledge_hours = models.PositiveSmallIntegerField(
        _("acknowledge within (hours)"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("resolve within (days)"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    working_hours = models.BooleanField(
        _("in working hours"),
        default=False,
        help_text=_("Count hours and days in the estate's working hours only."),
    )

    class Meta:
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        constraints = [
            models.UniqueConstraint(fields=["estate", "category"], name="complaint_rule_unique"),
            models.CheckConstraint(
                condition=Q(acknowledge_hours__gte=1, resolve_days__gte=1),
                name="complaint_rule_positive",
            ),
        ]

    def __str__(self):
        return f"{self.estate_id} {self.category}"


def default_weekdays():
    return [1, 2, 3, 4, 5]


class WorkingHours(models.Model):
    """When an estate's customer service works: the deadlines of categories that count
    in working hours (DeadlineRule.working_hours) run only then."""

    estate = models.OneToOneField(
        Estate, on_delete=models.CASCADE, related_name="complaint_working_hours"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    start = models.TimeField(_("from"), default=time(9, 0))
    end = models.TimeField(_("until"), default=time(18, 0))
    # ISO weekdays: Monday 1 … Sunday 7.
    weekdays = models.JSONField(_("working days"), default=default_weekdays)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="complaint_hours_end_after_start"
            )  # fmt: skip
        ]

    def __str__(self):
        return f"{self.estate_id} {self.start}-{self.end}"


class NonWorkingDay(models.Model):
    """A holiday of an estate's customer service: no working time that day."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "day"], name="complaint_holiday_once")
        ]

    def __str__(self):
        return f"{self.estate_id} {self.day}"


class PreventionActionQuerySet(EstateScopedQuerySet):
    pass


class PreventionAction(TimeStampedModel):
    """A step to keep a kind of complaint from coming back, with an owner and a due date."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("from the complaint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prevention_actions",
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of the action"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PreventionActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("prevention action")
        verbose_name_plural = _("prevention actions")
        ordering = ["done_at", "due_date", "id"]

    def __str__(self):
        return self.description[:50]


# --- Communication: notices to owners, the log of contacts with an owner ----------------


class NoticeQuerySet(EstateScopedQuerySet):
    def for_owner(self, user):
        """Published, unexpired notices of the estates where the owner lives: to the whole
        estate, to one of the buildings of their units, or to them by name."""
        from django.utils import timezone

        from estates.owners import current_occupancies, person_for

        person = person_for(user)
        if person is None:
            return self.none()
        now = timezone.now()
        occupancies = current_occupancies(person)
        return (
            self.filter(
                Q(buildings__isnull=True, people__isnull=True)
                | Q(buildings__in=occupancies.values("unit__building_id"))
                | Q(people=person),
                estate_id__in=occupancies.values("unit__estate_id"),
                publish_at__lte=now,
            )
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .distinct()
        )


class Notice(TimeStampedModel):
    """公告: to an estate, or to some of its buildings or owners, between two dates."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    buildings = models.ManyToManyField(
        Building,
        verbose_name=_("buildings"),
        blank=True,
        related_name="notices",
        help_text=_("None: the whole estate."),
    )
    people = models.ManyToManyField(
        Person,
        verbose_name=_("owners"),
        blank=True,
        related_name="notices_to_me",
        help_text=_("Only to these owners (besides the buildings chosen)."),
    )
    publish_at = models.DateTimeField(_("published from"))
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set (under the row's lock) once the audience was told in their inbox.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-publish_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("publish_at")),
                name="notice_expires_after_publish",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("complaints:notice_detail", kwargs={"notice_pk": self.pk})


class NoticeRead(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notices_read")
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="notice_read_once")
        ]

    def __str__(self):
        return f"{self.notice_id} {self.person_id}"


class ContactLogQuerySet(EstateScopedQuerySet):
    pass


class ContactLog(models.Model):
    """One call, visit or message with an owner, written down by customer service."""

    estate = models.ForeignKey(Estate, verbose_name=_("estate"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField(_("how"), max_length=20, choices=ContactKind.choices)
    summary = models.TextField(_("what was said"))
    happened_at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("communication log")
        ordering = ["-happened_at", "-id"]

    def __str__(self):
        return f"{self.person_id} {self.kind}"
