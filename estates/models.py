from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import texts
from core.models import TimeStampedModel

from .choices import (
    EQUIPMENT_STATUS_COLOURS,
    UNIT_STATUS_COLOURS,
    EquipmentCategory,
    EquipmentStatus,
    ImportKind,
    ImportStatus,
    OccupancyRole,
    Role,
    ServiceLevel,
    UnitKind,
    UnitStatus,
)
from .owners import OwnerScopedQuerySet
from .scoping import estate_ids_for
from .validators import mask_id_number, mask_phone, validate_cn_id_number, validate_cn_mobile


class EstateScopedQuerySet(OwnerScopedQuerySet):
    """Rows that belong to one estate (through `estate_lookup`): staff reach them with
    for_user(user, perm); owners with for_owner(user), as the model declares (owners.py)."""

    estate_lookup = "estate_id"

    def for_user(self, user, perm: str | None = None):
        ids = estate_ids_for(user, perm)
        if ids is None:
            return self
        return self.filter(**{f"{self.estate_lookup}__in": ids})

    def in_estate(self, estate):
        return self.filter(**{self.estate_lookup: estate.pk})


# How long an owner may be asked to wait between two urges of a ticket: 10 min to a day.
URGE_INTERVAL_MINUTES = (10, 24 * 60)


class EstateQuerySet(EstateScopedQuerySet):
    estate_lookup = "pk"
    owner_estate_wide = True  # the estates where an owner lives


class CommonAreaQuerySet(EstateScopedQuerySet):
    """Buildings and equipment: an owner may report about those of the estates they live in."""

    owner_estate_wide = True


class UnitQuerySet(EstateScopedQuerySet):
    owner_unit_lookup = "pk"


class Estate(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short code used in numbers and exports."),
    )
    address = models.CharField(_("address"), max_length=200)
    service_phone = models.CharField(_("service phone"), max_length=30)
    service_level = models.CharField(
        _("service level"),
        max_length=20,
        choices=ServiceLevel.choices,
        default=ServiceLevel.LEVEL_2,
    )
    # How long an owner waits before urging (催单) the same repair ticket again.
    urge_interval_minutes = models.PositiveSmallIntegerField(
        _("owners may urge again after (minutes)"),
        default=120,
        validators=[
            MinValueValidator(URGE_INTERVAL_MINUTES[0]),
            MaxValueValidator(URGE_INTERVAL_MINUTES[1]),
        ],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstateQuerySet.as_manager()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    urge_interval_minutes__gte=URGE_INTERVAL_MINUTES[0],
                    urge_interval_minutes__lte=URGE_INTERVAL_MINUTES[1],
                ),
                name="estate_urge_interval_10_min_to_1_day",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("staff:estate_detail", kwargs={"estate_pk": self.pk})


class Building(TimeStampedModel):
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("For example 3栋 or Block 3."))
    floors = models.PositiveSmallIntegerField(
        _("floors above ground"), default=1, validators=[MinValueValidator(1)]
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = CommonAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="building_unique_name"),
        ]

    def __str__(self):
        return f"{self.estate.name} {self.name}"

    def get_absolute_url(self):
        return reverse("staff:building_detail", kwargs={"building_pk": self.pk})


class Unit(TimeStampedModel):
    # estate is copied from the building so that scoping and lists need no join.
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="units"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="units"
    )
    entrance = models.CharField(
        _("entrance"), max_length=10, blank=True, help_text=_("单元, if the building has several.")
    )
    number = models.CharField(_("number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.RESIDENTIAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.VACANT
    )

    objects = UnitQuerySet.as_manager()
    badge_colours = {"status": UNIT_STATUS_COLOURS}

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "number"], name="unit_unique_number"
            ),
            models.CheckConstraint(condition=Q(area__gte=0), name="unit_area_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["estate", "building", "entrance", "number", "id"], name="unit_list_idx"
            ),
            models.Index(
                fields=["estate", "status", "building", "entrance", "number", "id"],
                name="unit_status_list_idx",
            ),
        ]

    def __str__(self):
        return f"{self.building.name} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.entrance}-{self.number}" if self.entrance else self.number

    def get_absolute_url(self):
        return reverse("staff:unit_detail", kwargs={"unit_pk": self.pk})


class PersonQuerySet(models.QuerySet):
    def for_user(self, user, perm: str | None = None):
        ids = estate_ids_for(user, perm)
        if ids is None:
            return self
        lives_in = Occupancy.objects.filter(person=OuterRef("pk"), unit__estate_id__in=ids)
        return self.filter(Q(registered_estate_id__in=ids) | Exists(lives_in))

    def in_estate(self, estate):
        lives_in = Occupancy.objects.filter(person=OuterRef("pk"), unit__estate_id=estate.pk)
        return self.filter(Q(registered_estate_id=estate.pk) | Exists(lives_in))


class Person(TimeStampedModel):
    """An owner or resident (业主/住户). May have a login (user) once invited."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile phone"), max_length=20, validators=[validate_cn_mobile])
    email = models.EmailField(_("e-mail"), blank=True)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_cn_id_number]
    )
    registered_estate = models.ForeignKey(
        Estate,
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="registered_people",
        help_text=_("The estate whose staff created this record."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    note = models.TextField(_("note"), blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["mobile"]), models.Index(fields=["name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="person_unique_id_number"
            ),
        ]

    def __str__(self):
        return self.name

    def audit_mask(self, name: str, value):
        return mask_id_number(value) if name == "id_number" else value

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return mask_phone(self.mobile)

    def get_absolute_url(self):
        return reverse("staff:person_detail", kwargs={"person_pk": self.pk})


class OccupancyQuerySet(EstateScopedQuerySet):
    estate_lookup = "unit__estate_id"

    def current(self, on=None):
        day = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Occupancy(TimeStampedModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="occupancies"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="occupancies"
    )
    role = models.CharField(_("role"), max_length=20, choices=OccupancyRole.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="occupancy_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "unit", "role", "start_date"], name="occupancy_unique_start"
            ),
        ]
        indexes = [models.Index(fields=["unit", "end_date"])]

    def __str__(self):
        return f"{self.person} · {self.unit} · {self.get_role_display()}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class MembershipQuerySet(EstateScopedQuerySet):
    def active(self):
        """Memberships of people at work: the role is active and the login too."""
        return self.filter(is_active=True, user__is_active=True)


class StaffMembership(TimeStampedModel):
    """A staff user's role in one estate. The role decides what they see and may do there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    on_duty = models.BooleanField(
        _("on duty"),
        default=False,
        help_text=_("On-duty technicians are called at once for emergency repairs."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "estate"], name="membership_one_role_per_estate"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.estate} · {self.get_role_display()}"

    def skill_labels(self) -> list[str]:
        from .choices import Skill

        labels = dict(Skill.choices)
        return [str(labels.get(s, s)) for s in self.skills]


class Equipment(TimeStampedModel):
    """Facility and equipment register (设施设备) with a printable QR label."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="equipment"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    location = models.CharField(
        _("location"), max_length=100, help_text=_("Area or room, e.g. B1 pump room.")
    )
    category = models.CharField(_("category"), max_length=20, choices=EquipmentCategory.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    model_number = models.CharField(_("model"), max_length=60, blank=True)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    install_date = models.DateField(_("installed on"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )
    note = models.TextField(_("note"), blank=True)

    objects = CommonAreaQuerySet.as_manager()
    badge_colours = {"status": EQUIPMENT_STATUS_COLOURS}

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="equipment_unique_code"),
            models.CheckConstraint(
                condition=Q(warranty_end__isnull=True)
                | Q(install_date__isnull=True)
                | Q(warranty_end__gte=models.F("install_date")),
                name="equipment_warranty_after_install",
            ),
        ]
        indexes = [models.Index(fields=["estate", "category", "code", "id"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def under_warranty(self) -> bool:
        return bool(self.warranty_end and self.warranty_end >= timezone.localdate())

    def get_absolute_url(self):
        return reverse("staff:equipment_detail", kwargs={"equipment_pk": self.pk})


class ImportBatch(TimeStampedModel):
    """An uploaded CSV/XLSX file: checked in full first, applied all-or-nothing later."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.CASCADE, related_name="imports"
    )
    kind = models.CharField(_("what"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    applied_count = models.PositiveIntegerField(_("imported rows"), default=0)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who asked for the import (the retry after a crash runs as them).
    apply_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("import requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The running import's claim: a token and a lease its progress keeps renewing. A claim
    # whose lease ran out belongs to a worker that died; the next attempt takes it over.
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    objects = EstateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    def get_absolute_url(self):
        return reverse("staff:import_detail", kwargs={"import_pk": self.pk})

    @property
    def error_rows(self) -> list[dict]:
        """The errors, each message ready to show in the reader's language (stored as
        message keys; text stored before that shows as it was written)."""
        return [{**e, "message": texts.as_message(e.get("message", ""))} for e in self.errors]
