"""Every write to estates, people, units, memberships and equipment goes through here,
so that each one is permission-checked and lands on the object's timeline."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import texts
from core.audit import diff, record_event, snapshot
from core.errors import DomainError
from core.notifications import notify

from . import permissions as P
from .choices import OccupancyRole
from .models import Building, Equipment, Estate, Occupancy, Person, StaffMembership, Unit
from .scoping import forget_memberships

ESTATE_FIELDS = ["name", "code", "address", "service_phone", "service_level", "is_active"]
BUILDING_FIELDS = ["name", "floors", "completed_on", "note"]
UNIT_FIELDS = ["building", "entrance", "number", "floor", "area", "kind", "status"]
PERSON_FIELDS = ["name", "mobile", "email", "id_number", "note"]
OCCUPANCY_FIELDS = ["person", "unit", "role", "start_date", "end_date"]
MEMBERSHIP_FIELDS = ["role", "skills", "on_duty", "is_active"]
EQUIPMENT_FIELDS = [
    "building",
    "location",
    "category",
    "code",
    "name",
    "model_number",
    "supplier",
    "install_date",
    "warranty_end",
    "status",
    "note",
]


def _create(model, *, actor, data: dict, fields: list[str], **extra):
    obj = model(**extra, **{k: data[k] for k in fields if k in data})
    obj.full_clean()
    obj.save()
    record_event(obj, actor=actor, verb="created", changes=diff({}, snapshot(obj, fields)))
    return obj


def update_audited(
    model, *, pk: int, actor, data: dict, fields: list[str], perm: str, estate_of, verb="updated"
):
    """Lock, check, apply, validate, save, record what changed (as `verb`)."""
    with transaction.atomic():
        obj = model.objects.for_user(actor).select_for_update().get(pk=pk)
        P.require(actor, perm, estate_of(obj))
        before = snapshot(obj, fields)
        for name in fields:
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        changes = diff(before, snapshot(obj, fields))
        if changes:
            obj.save()
            record_event(obj, actor=actor, verb=verb, changes=changes)
    return obj


# --- Estates and buildings -------------------------------------------------------------------


def estate_create(*, actor, data: dict) -> Estate:
    if not actor.is_company_admin:
        raise DomainError(_("Only a company administrator can add an estate."))
    with transaction.atomic():
        return _create(Estate, actor=actor, data=data, fields=ESTATE_FIELDS)


def estate_update(*, estate_id: int, actor, data: dict) -> Estate:
    return update_audited(
        Estate,
        pk=estate_id,
        actor=actor,
        data=data,
        fields=ESTATE_FIELDS,
        perm=P.MANAGE_ESTATE,
        estate_of=lambda e: e,
    )


def building_create(*, estate: Estate, actor, data: dict) -> Building:
    P.require(actor, P.MANAGE_ESTATE, estate)
    with transaction.atomic():
        return _create(Building, actor=actor, data=data, fields=BUILDING_FIELDS, estate=estate)


def building_update(*, building_id: int, actor, data: dict) -> Building:
    return update_audited(
        Building,
        pk=building_id,
        actor=actor,
        data=data,
        fields=BUILDING_FIELDS,
        perm=P.MANAGE_ESTATE,
        estate_of=lambda b: b.estate,
    )


# --- Units ---------------------------------------------------------------------------------


def _check_building(building: Building, estate: Estate):
    if building.estate_id != estate.pk:
        raise DomainError(_("The building belongs to another estate."))


def unit_create(*, estate: Estate, actor, data: dict) -> Unit:
    P.require(actor, P.MANAGE_UNITS, estate)
    _check_building(data["building"], estate)
    with transaction.atomic():
        return _create(Unit, actor=actor, data=data, fields=UNIT_FIELDS, estate=estate)


def unit_update(*, unit_id: int, actor, data: dict) -> Unit:
    if "building" in data:
        unit = Unit.objects.for_user(actor).get(pk=unit_id)
        _check_building(data["building"], unit.estate)
    return update_audited(
        Unit,
        pk=unit_id,
        actor=actor,
        data=data,
        fields=UNIT_FIELDS,
        perm=P.MANAGE_UNITS,
        estate_of=lambda u: u.estate,
    )


# --- People and occupancies ------------------------------------------------------------------


def person_create(*, estate: Estate, actor, data: dict) -> Person:
    P.require(actor, P.MANAGE_PEOPLE, estate)
    with transaction.atomic():
        return _create(
            Person, actor=actor, data=data, fields=PERSON_FIELDS, registered_estate=estate
        )


def person_update(*, person_id: int, actor, data: dict) -> Person:
    return update_audited(
        Person,
        pk=person_id,
        actor=actor,
        data=data,
        fields=PERSON_FIELDS,
        perm=P.MANAGE_PEOPLE,
        estate_of=lambda p: _editable_estate(actor, p),
    )


def _editable_estate(actor, person: Person) -> Estate:
    """An estate of the person's in which the actor may manage people."""
    ids = {person.registered_estate_id} | set(
        person.occupancies.values_list("unit__estate_id", flat=True)
    )
    for estate in Estate.objects.filter(pk__in=ids):
        if P.has_perm(actor, P.MANAGE_PEOPLE, estate):
            return estate
    return person.registered_estate


def occupancy_create(*, actor, data: dict) -> Occupancy:
    unit: Unit = data["unit"]
    P.require(actor, P.MANAGE_PEOPLE, unit.estate)
    with transaction.atomic():
        occupancy = _create(Occupancy, actor=actor, data=data, fields=OCCUPANCY_FIELDS)
        # The person's and the unit's timelines show the move-in too.
        role = texts.choice(OccupancyRole, occupancy.role)  # its label when read
        note = texts.compose("%(unit)s · %(role)s", unit=occupancy.unit, role=role)
        record_event(occupancy.person, actor=actor, verb="occupancy_added", note=note)
        note = texts.compose("%(person)s · %(role)s", person=occupancy.person, role=role)
        record_event(unit, actor=actor, verb="occupancy_added", note=note)
        if occupancy.person.user_id:
            _tell_owner_about(occupancy)
    return occupancy


def _tell_owner_about(occupancy: Occupancy) -> None:
    unit = occupancy.unit
    notify(
        recipients=[occupancy.person.user],
        title=texts.gettext(
            "%(unit)s was added to your account", unit=f"{unit.estate.name} {unit}"
        ),
        body=texts.gettext(
            "Role: %(role)s, from %(date)s.",
            role=texts.choice(OccupancyRole, occupancy.role),
            date=occupancy.start_date,
        ),
        url=reverse("portal:unit_detail", kwargs={"unit_pk": unit.pk}),
    )


def occupancy_end(*, occupancy_id: int, actor, end_date) -> Occupancy:
    with transaction.atomic():
        occupancy = (
            Occupancy.objects.for_user(actor)
            .select_for_update()
            .select_related("unit__estate", "person")
            .get(pk=occupancy_id)
        )
        P.require(actor, P.MANAGE_PEOPLE, occupancy.unit.estate)
        if occupancy.end_date is not None and occupancy.end_date <= end_date:
            raise DomainError(_("This occupancy has already ended."))
        old = occupancy.end_date
        occupancy.end_date = end_date
        occupancy.full_clean()
        occupancy.save(update_fields=["end_date", "updated_at"])
        changes = {"end_date": [str(old) if old else None, str(end_date)]}
        record_event(occupancy, actor=actor, verb="ended", changes=changes)
        record_event(
            occupancy.person, actor=actor, verb="occupancy_ended", note=str(occupancy.unit)
        )
        record_event(
            occupancy.unit, actor=actor, verb="occupancy_ended", note=str(occupancy.person)
        )
    return occupancy


# --- Staff memberships -----------------------------------------------------------------------


def membership_create(*, estate: Estate, actor, user, data: dict) -> StaffMembership:
    P.require(actor, P.MANAGE_STAFF, estate)
    if StaffMembership.objects.filter(user=user, estate=estate).exists():
        raise DomainError(
            _("%(user)s already has a role in %(estate)s.") % {"user": user, "estate": estate}
        )
    with transaction.atomic():
        membership = _create(
            StaffMembership,
            actor=actor,
            data=data,
            fields=MEMBERSHIP_FIELDS,
            user=user,
            estate=estate,
        )
    forget_memberships(user)
    return membership


def membership_update(*, membership_id: int, actor, data: dict) -> StaffMembership:
    membership = update_audited(
        StaffMembership,
        pk=membership_id,
        actor=actor,
        data=data,
        fields=MEMBERSHIP_FIELDS,
        perm=P.MANAGE_STAFF,
        estate_of=lambda m: m.estate,
    )
    forget_memberships(membership.user)
    return membership


# --- Equipment -------------------------------------------------------------------------------


def equipment_create(*, estate: Estate, actor, data: dict) -> Equipment:
    P.require(actor, P.MANAGE_EQUIPMENT, estate)
    if data.get("building") is not None:
        _check_building(data["building"], estate)
    with transaction.atomic():
        return _create(Equipment, actor=actor, data=data, fields=EQUIPMENT_FIELDS, estate=estate)


def equipment_update(*, equipment_id: int, actor, data: dict) -> Equipment:
    return update_audited(
        Equipment,
        pk=equipment_id,
        actor=actor,
        data=data,
        fields=EQUIPMENT_FIELDS,
        perm=P.MANAGE_EQUIPMENT,
        estate_of=lambda e: e.estate,
    )
