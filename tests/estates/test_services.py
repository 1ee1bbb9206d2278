"""estates.services: every write is permission-checked, validated, scoped and audited."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.audit import timeline_for
from core.errors import DomainError
from core.models import AuditEvent, Notification
from estates import services
from estates.choices import (
    EquipmentCategory,
    EquipmentStatus,
    OccupancyRole,
    Role,
    ServiceLevel,
    UnitKind,
    UnitStatus,
)
from estates.models import (
    Building,
    Equipment,
    Estate,
    Occupancy,
    Person,
    StaffMembership,
    Unit,
)
from estates.validators import mask_id_number

from ..factories import (
    BuildingFactory,
    MembershipFactory,
    OccupancyFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world fixture hashes a password per user; PBKDF2 would take seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ID_NUMBER = make_id_number(4_242_424)
OTHER_ID_NUMBER = make_id_number(4_343_434)


def last_event(obj) -> AuditEvent:
    return timeline_for(obj)[0]


def unit_data(building, **overrides) -> dict:
    data = {
        "building": building,
        "entrance": "2",
        "number": "0501",
        "floor": 5,
        "area": Decimal("100.25"),
        "kind": UnitKind.RESIDENTIAL,
        "status": UnitStatus.VACANT,
    }
    return {**data, **overrides}


def person_data(**overrides) -> dict:
    data = {
        "name": "张三",
        "mobile": "13712345678",
        "email": "zhangsan@example.com",
        "id_number": ID_NUMBER,
        "note": "",
    }
    return {**data, **overrides}


# --- Estates and buildings --------------------------------------------------------------------


def test_estate_create_by_company_admin_is_audited(world):
    estate = services.estate_create(
        actor=world.admin,
        data={
            "name": "碧水湾",
            "code": "bsw",
            "address": "杭州市滨江区江南大道 8 号",
            "service_phone": "0571-86668888",
            "service_level": ServiceLevel.LEVEL_1,
            "is_active": True,
        },
    )
    event = last_event(estate)
    assert (event.verb, event.actor) == ("created", world.admin)
    assert event.changes["name"] == [None, "碧水湾"]
    assert event.changes["service_level"] == [None, ServiceLevel.LEVEL_1]


def test_estate_create_by_a_manager_is_refused(world):
    with pytest.raises(DomainError):
        services.estate_create(
            actor=world.manager,
            data={"name": "碧水湾", "code": "bsw", "address": "x", "service_phone": "1"},
        )
    assert not Estate.objects.filter(code="bsw").exists()


def test_estate_update_records_only_the_changed_fields(world):
    services.estate_update(
        estate_id=world.estate.pk, actor=world.manager, data={"service_phone": "0571-12345678"}
    )
    event = last_event(world.estate)
    assert (event.verb, event.actor) == ("updated", world.manager)
    assert event.changes == {"service_phone": ["0571-88888888", "0571-12345678"]}


def test_estate_update_without_changes_records_nothing(world):
    before = AuditEvent.objects.count()
    services.estate_update(
        estate_id=world.estate.pk, actor=world.manager, data={"name": world.estate.name}
    )
    assert AuditEvent.objects.count() == before


def test_customer_service_cannot_update_the_estate(world):
    with pytest.raises(PermissionDenied):
        services.estate_update(
            estate_id=world.estate.pk,
            actor=world.staff[Role.CUSTOMER_SERVICE],
            data={"service_phone": "0571-1"},
        )
    world.estate.refresh_from_db()
    assert world.estate.service_phone == "0571-88888888"


def test_building_create_and_update_are_audited(world):
    building = services.building_create(
        estate=world.estate, actor=world.manager, data={"name": "5栋", "floors": 11}
    )
    assert building.estate == world.estate
    created = last_event(building)
    assert (created.verb, created.actor) == ("created", world.manager)
    assert created.changes["name"] == [None, "5栋"]
    assert created.changes["floors"] == [None, 11]

    services.building_update(building_id=building.pk, actor=world.manager, data={"floors": 12})
    updated = last_event(building)
    assert (updated.verb, updated.changes) == ("updated", {"floors": [11, 12]})


def test_building_name_is_unique_within_an_estate(world):
    with pytest.raises(ValidationError):
        services.building_create(
            estate=world.estate, actor=world.manager, data={"name": world.building.name}
        )
    assert Building.objects.filter(estate=world.estate).count() == 1


def test_manager_of_another_estate_cannot_update_a_building(world):
    with pytest.raises(Building.DoesNotExist):
        services.building_update(
            building_id=world.building.pk, actor=world.other_manager, data={"floors": 99}
        )
    world.building.refresh_from_db()
    assert world.building.floors == 18


# --- Units ----------------------------------------------------------------------------------


def test_unit_create_records_every_field_with_display_values(world):
    unit = services.unit_create(
        estate=world.estate, actor=world.manager, data=unit_data(world.building)
    )
    assert unit.estate == world.estate
    event = last_event(unit)
    assert (event.verb, event.actor) == ("created", world.manager)
    assert event.changes["building"] == [None, str(world.building)]
    assert event.changes["number"] == [None, "0501"]
    assert event.changes["area"] == [None, "100.25"]
    assert event.changes["status"] == [None, UnitStatus.VACANT]


def test_unit_update_records_before_and_after(world):
    services.unit_update(
        unit_id=world.unit.pk,
        actor=world.staff[Role.CUSTOMER_SERVICE],
        data={"status": UnitStatus.RENOVATING, "area": Decimal("90.00")},
    )
    event = last_event(world.unit)
    assert event.actor == world.staff[Role.CUSTOMER_SERVICE]
    assert event.changes == {
        "area": ["89.50", "90.00"],
        "status": [UnitStatus.OCCUPIED, UnitStatus.RENOVATING],
    }


def test_timeline_lists_a_units_events_newest_first(world):
    unit = services.unit_create(
        estate=world.estate, actor=world.manager, data=unit_data(world.building)
    )
    services.unit_update(unit_id=unit.pk, actor=world.manager, data={"floor": 6})
    services.unit_update(unit_id=unit.pk, actor=world.manager, data={"floor": 7})
    events = list(timeline_for(unit))
    assert [e.verb for e in events] == ["updated", "updated", "created"]
    assert [e.changes.get("floor") for e in events] == [[6, 7], [5, 6], [None, 5]]


def test_technician_cannot_update_a_unit(world):
    with pytest.raises(PermissionDenied):
        services.unit_update(
            unit_id=world.unit.pk,
            actor=world.staff[Role.TECHNICIAN],
            data={"status": UnitStatus.VACANT},
        )
    world.unit.refresh_from_db()
    assert world.unit.status == UnitStatus.OCCUPIED


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.SECURITY, Role.ENVIRONMENT, Role.FINANCE])
def test_roles_without_unit_management_cannot_create_units(world, role):
    with pytest.raises(PermissionDenied):
        services.unit_create(
            estate=world.estate, actor=world.staff[role], data=unit_data(world.building)
        )
    assert not Unit.objects.filter(number="0501").exists()


def test_manager_of_another_estate_cannot_see_the_unit_to_update(world):
    with pytest.raises(Unit.DoesNotExist):
        services.unit_update(unit_id=world.unit.pk, actor=world.other_manager, data={"floor": 9})
    world.unit.refresh_from_db()
    assert world.unit.floor == 3


def test_manager_of_another_estate_cannot_create_units_there(world):
    with pytest.raises(PermissionDenied):
        services.unit_create(
            estate=world.estate, actor=world.other_manager, data=unit_data(world.building)
        )


def test_unit_create_with_a_building_of_another_estate_is_refused(world):
    with pytest.raises(DomainError):
        services.unit_create(
            estate=world.estate, actor=world.admin, data=unit_data(world.other_building)
        )
    assert not Unit.objects.filter(number="0501").exists()


def test_unit_update_cannot_move_the_unit_to_another_estates_building(world):
    with pytest.raises(DomainError):
        services.unit_update(
            unit_id=world.unit.pk, actor=world.admin, data={"building": world.other_building}
        )
    world.unit.refresh_from_db()
    assert world.unit.building == world.building


def test_unit_with_negative_area_is_refused_and_not_saved(world):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            estate=world.estate,
            actor=world.manager,
            data=unit_data(world.building, area=Decimal("-1.00")),
        )
    assert "area" in exc.value.error_dict
    assert not Unit.objects.filter(number="0501").exists()
    assert AuditEvent.objects.count() == before


def test_unit_update_with_negative_area_changes_nothing(world):
    with pytest.raises(ValidationError):
        services.unit_update(
            unit_id=world.unit.pk, actor=world.manager, data={"area": Decimal("-5")}
        )
    world.unit.refresh_from_db()
    assert world.unit.area == Decimal("89.50")
    assert not timeline_for(world.unit).exists()


# --- People -----------------------------------------------------------------------------------


def test_person_create_is_audited_with_the_id_number_masked(world):
    person = services.person_create(estate=world.estate, actor=world.manager, data=person_data())
    assert person.registered_estate == world.estate
    event = last_event(person)
    assert (event.verb, event.actor) == ("created", world.manager)
    assert event.changes["id_number"] == [None, mask_id_number(ID_NUMBER)]
    assert ID_NUMBER not in json.dumps(event.changes)


def test_id_number_change_is_recorded_masked(world):
    person = services.person_create(estate=world.estate, actor=world.manager, data=person_data())
    services.person_update(
        person_id=person.pk, actor=world.manager, data={"id_number": OTHER_ID_NUMBER}
    )
    event = last_event(person)
    assert event.verb == "updated"
    assert event.changes == {
        "id_number": [mask_id_number(ID_NUMBER), mask_id_number(OTHER_ID_NUMBER)]
    }
    stored = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert ID_NUMBER not in stored
    assert OTHER_ID_NUMBER not in stored


def test_person_update_records_contact_changes_and_actor(world):
    cs = world.staff[Role.CUSTOMER_SERVICE]
    old_mobile = world.owner_person.mobile
    services.person_update(
        person_id=world.owner_person.pk, actor=cs, data={"mobile": "13611112222"}
    )
    event = last_event(world.owner_person)
    assert (event.verb, event.actor) == ("updated", cs)
    assert event.changes == {"mobile": [old_mobile, "13611112222"]}


def test_finance_cannot_create_a_person(world):
    with pytest.raises(PermissionDenied):
        services.person_create(
            estate=world.estate, actor=world.staff[Role.FINANCE], data=person_data()
        )
    assert not Person.objects.filter(name="张三").exists()


def test_security_cannot_update_a_person(world):
    with pytest.raises(PermissionDenied):
        services.person_update(
            person_id=world.owner_person.pk,
            actor=world.staff[Role.SECURITY],
            data={"name": "改名"},
        )
    world.owner_person.refresh_from_db()
    assert world.owner_person.name == "王小明"


def test_manager_of_another_estate_cannot_see_the_person_to_update(world):
    with pytest.raises(Person.DoesNotExist):
        services.person_update(
            person_id=world.owner_person.pk, actor=world.other_manager, data={"name": "改名"}
        )


@pytest.mark.parametrize(
    "field, value",
    [
        ("mobile", "12345"),
        ("mobile", "23800001111"),
        ("id_number", ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")),
        ("id_number", "12345"),
        ("email", "not-an-email"),
    ],
)
def test_person_with_invalid_field_is_refused_and_not_saved(world, field, value):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            estate=world.estate, actor=world.manager, data=person_data(**{field: value})
        )
    assert field in exc.value.error_dict
    assert not Person.objects.filter(name="张三").exists()
    assert AuditEvent.objects.count() == before


def test_person_update_with_bad_mobile_changes_nothing(world):
    old = world.owner_person.mobile
    with pytest.raises(ValidationError):
        services.person_update(
            person_id=world.owner_person.pk, actor=world.manager, data={"mobile": "110"}
        )
    world.owner_person.refresh_from_db()
    assert world.owner_person.mobile == old
    assert not timeline_for(world.owner_person).exists()


def test_two_people_cannot_share_an_id_number(world):
    services.person_create(estate=world.estate, actor=world.manager, data=person_data())
    with pytest.raises(ValidationError):
        services.person_create(
            estate=world.estate,
            actor=world.manager,
            data=person_data(name="李雷", mobile="13712340000"),
        )
    assert Person.objects.filter(id_number=ID_NUMBER).count() == 1


# --- Occupancies ----------------------------------------------------------------------------


def test_occupancy_create_lands_on_the_occupancy_person_and_unit_timelines(world):
    person = PersonFactory(registered_estate=world.estate)
    occupancy = services.occupancy_create(
        actor=world.manager,
        data={
            "person": person,
            "unit": world.unit,
            "role": OccupancyRole.TENANT,
            "start_date": dt.date(2024, 3, 1),
        },
    )
    created = last_event(occupancy)
    assert (created.verb, created.actor) == ("created", world.manager)
    assert created.changes["start_date"] == [None, "2024-03-01"]
    assert last_event(person).verb == "occupancy_added"
    assert last_event(world.unit).verb == "occupancy_added"
    assert person.name in last_event(world.unit).note


def test_occupancy_create_tells_a_person_with_a_login_about_the_new_unit(world):
    shop = UnitFactory(building=world.building, number="S01")
    services.occupancy_create(
        actor=world.manager,
        data={
            "person": world.owner_person,
            "unit": shop,
            "role": OccupancyRole.OWNER,
            "start_date": dt.date(2024, 3, 1),
        },
    )
    note = Notification.objects.get(recipient=world.owner)
    assert note.url == reverse("portal:unit_detail", kwargs={"unit_pk": shop.pk})
    assert "S01" in note.title


def test_occupancy_create_for_a_person_without_a_login_notifies_nobody(world):
    services.occupancy_create(
        actor=world.manager,
        data={
            "person": PersonFactory(registered_estate=world.estate),
            "unit": world.unit,
            "role": OccupancyRole.TENANT,
            "start_date": dt.date(2024, 3, 1),
        },
    )
    assert not Notification.objects.exists()


def test_occupancy_create_with_end_before_start_is_refused_and_not_saved(world):
    person = PersonFactory(registered_estate=world.estate)
    with pytest.raises(ValidationError):
        services.occupancy_create(
            actor=world.manager,
            data={
                "person": person,
                "unit": world.unit,
                "role": OccupancyRole.TENANT,
                "start_date": dt.date(2024, 3, 1),
                "end_date": dt.date(2024, 2, 1),
            },
        )
    assert not Occupancy.objects.filter(person=person).exists()
    assert not timeline_for(person).exists()


def test_finance_cannot_link_a_person_to_a_unit(world):
    person = PersonFactory(registered_estate=world.estate)
    with pytest.raises(PermissionDenied):
        services.occupancy_create(
            actor=world.staff[Role.FINANCE],
            data={
                "person": person,
                "unit": world.unit,
                "role": OccupancyRole.TENANT,
                "start_date": dt.date(2024, 3, 1),
            },
        )
    assert not Occupancy.objects.filter(person=person).exists()


def test_occupancy_end_records_the_end_date(world):
    occupancy = world.owner_person.occupancies.get()
    services.occupancy_end(
        occupancy_id=occupancy.pk, actor=world.manager, end_date=dt.date(2025, 6, 30)
    )
    occupancy.refresh_from_db()
    assert occupancy.end_date == dt.date(2025, 6, 30)
    event = last_event(occupancy)
    assert (event.verb, event.actor) == ("ended", world.manager)
    assert event.changes == {"end_date": [None, "2025-06-30"]}
    assert last_event(world.owner_person).verb == "occupancy_ended"
    assert last_event(world.unit).verb == "occupancy_ended"


def test_occupancy_end_before_the_start_is_refused_and_nothing_saved(world):
    occupancy = world.owner_person.occupancies.get()  # started 2020-01-01
    with pytest.raises(ValidationError):
        services.occupancy_end(
            occupancy_id=occupancy.pk, actor=world.manager, end_date=dt.date(2019, 12, 31)
        )
    occupancy.refresh_from_db()
    assert occupancy.end_date is None
    assert not timeline_for(occupancy).exists()
    assert not timeline_for(world.owner_person).exists()


def test_occupancy_cannot_be_ended_twice(world):
    occupancy = world.owner_person.occupancies.get()
    services.occupancy_end(
        occupancy_id=occupancy.pk, actor=world.manager, end_date=dt.date(2025, 6, 30)
    )
    with pytest.raises(DomainError):
        services.occupancy_end(
            occupancy_id=occupancy.pk, actor=world.manager, end_date=dt.date(2025, 6, 30)
        )
    occupancy.refresh_from_db()
    assert occupancy.end_date == dt.date(2025, 6, 30)
    assert [e.verb for e in timeline_for(occupancy)] == ["ended"]


def test_an_ended_occupancy_end_date_can_be_corrected_earlier(world):
    occupancy = world.owner_person.occupancies.get()
    services.occupancy_end(
        occupancy_id=occupancy.pk, actor=world.manager, end_date=dt.date(2025, 6, 30)
    )
    services.occupancy_end(
        occupancy_id=occupancy.pk, actor=world.manager, end_date=dt.date(2025, 5, 31)
    )
    assert last_event(occupancy).changes == {"end_date": ["2025-06-30", "2025-05-31"]}


def test_manager_of_another_estate_cannot_end_an_occupancy_there(world):
    occupancy = world.owner_person.occupancies.get()
    with pytest.raises(Occupancy.DoesNotExist):
        services.occupancy_end(
            occupancy_id=occupancy.pk, actor=world.other_manager, end_date=dt.date(2025, 1, 1)
        )
    occupancy.refresh_from_db()
    assert occupancy.end_date is None


# --- Staff memberships ---------------------------------------------------------------------


def test_membership_create_is_audited_and_grants_the_role(world):
    newcomer = UserFactory(username="new-tech")
    membership = services.membership_create(
        estate=world.estate,
        actor=world.manager,
        user=newcomer,
        data={"role": Role.TECHNICIAN, "skills": ["electrical"]},
    )
    assert membership.user == newcomer
    event = last_event(membership)
    assert (event.verb, event.actor) == ("created", world.manager)
    assert event.changes["role"] == [None, Role.TECHNICIAN]
    assert event.changes["skills"] == [None, ["electrical"]]


def test_membership_create_takes_effect_on_the_same_user_object(world):
    newcomer = UserFactory(username="new-cs")
    with pytest.raises(PermissionDenied):  # also caches "no memberships" on newcomer
        services.person_create(estate=world.estate, actor=newcomer, data=person_data())
    services.membership_create(
        estate=world.estate,
        actor=world.manager,
        user=newcomer,
        data={"role": Role.CUSTOMER_SERVICE},
    )
    person = services.person_create(estate=world.estate, actor=newcomer, data=person_data())
    assert person.pk


def test_customer_service_cannot_add_staff(world):
    newcomer = UserFactory(username="new-tech")
    with pytest.raises(PermissionDenied):
        services.membership_create(
            estate=world.estate,
            actor=world.staff[Role.CUSTOMER_SERVICE],
            user=newcomer,
            data={"role": Role.TECHNICIAN},
        )
    assert not StaffMembership.objects.filter(user=newcomer).exists()


def test_a_second_membership_in_the_same_estate_is_refused(world):
    technician = world.staff[Role.TECHNICIAN]
    with pytest.raises(DomainError):
        services.membership_create(
            estate=world.estate,
            actor=world.manager,
            user=technician,
            data={"role": Role.FINANCE},
        )
    assert StaffMembership.objects.get(user=technician, estate=world.estate).role == Role.TECHNICIAN


def test_membership_update_records_the_role_change(world):
    membership = StaffMembership.objects.get(user=world.staff[Role.FINANCE], estate=world.estate)
    services.membership_update(
        membership_id=membership.pk, actor=world.manager, data={"role": Role.CUSTOMER_SERVICE}
    )
    event = last_event(membership)
    assert (event.verb, event.actor) == ("updated", world.manager)
    assert event.changes == {"role": [Role.FINANCE, Role.CUSTOMER_SERVICE]}


def test_manager_of_another_estate_cannot_change_memberships_there(world):
    membership = StaffMembership.objects.get(user=world.staff[Role.FINANCE], estate=world.estate)
    with pytest.raises(StaffMembership.DoesNotExist):
        services.membership_update(
            membership_id=membership.pk, actor=world.other_manager, data={"is_active": False}
        )
    membership.refresh_from_db()
    assert membership.is_active


# --- Equipment -------------------------------------------------------------------------------


def equipment_data(building, **overrides) -> dict:
    data = {
        "building": building,
        "location": "B1 水泵房",
        "category": EquipmentCategory.WATER_PUMP,
        "code": "PUMP-01",
        "name": "生活水泵",
        "status": EquipmentStatus.IN_SERVICE,
    }
    return {**data, **overrides}


def test_technician_registers_equipment_and_it_is_audited(world):
    technician = world.staff[Role.TECHNICIAN]
    item = services.equipment_create(
        estate=world.estate, actor=technician, data=equipment_data(world.building)
    )
    event = last_event(item)
    assert (event.verb, event.actor) == ("created", technician)
    assert event.changes["code"] == [None, "PUMP-01"]
    assert event.changes["category"] == [None, EquipmentCategory.WATER_PUMP]


def test_equipment_status_change_is_audited(world):
    technician = world.staff[Role.TECHNICIAN]
    services.equipment_update(
        equipment_id=world.equipment.pk,
        actor=technician,
        data={"status": EquipmentStatus.FAULTY},
    )
    event = last_event(world.equipment)
    assert event.changes == {"status": [EquipmentStatus.IN_SERVICE, EquipmentStatus.FAULTY]}


def test_cleaning_staff_cannot_edit_equipment(world):
    with pytest.raises(PermissionDenied):
        services.equipment_update(
            equipment_id=world.equipment.pk,
            actor=world.staff[Role.ENVIRONMENT],
            data={"status": EquipmentStatus.SCRAPPED},
        )
    world.equipment.refresh_from_db()
    assert world.equipment.status == EquipmentStatus.IN_SERVICE


def test_equipment_in_another_estates_building_is_refused(world):
    with pytest.raises(DomainError):
        services.equipment_create(
            estate=world.estate, actor=world.manager, data=equipment_data(world.other_building)
        )
    assert not Equipment.objects.filter(code="PUMP-01").exists()


def test_equipment_warranty_ending_before_install_is_refused(world):
    with pytest.raises(ValidationError):
        services.equipment_create(
            estate=world.estate,
            actor=world.manager,
            data=equipment_data(
                world.building,
                install_date=dt.date(2024, 1, 1),
                warranty_end=dt.date(2023, 1, 1),
            ),
        )
    assert not Equipment.objects.filter(code="PUMP-01").exists()


# --- Company administrator --------------------------------------------------------------------


def test_company_admin_may_act_in_any_estate(world):
    building = BuildingFactory(estate=world.other_estate, name="9栋")
    unit = services.unit_create(
        estate=world.other_estate, actor=world.admin, data=unit_data(building)
    )
    assert last_event(unit).actor == world.admin


def test_inactive_membership_grants_nothing(world):
    user = UserFactory(username="former")
    MembershipFactory(user=user, estate=world.estate, role=Role.MANAGER, is_active=False)
    with pytest.raises(Unit.DoesNotExist):
        services.unit_update(unit_id=world.unit.pk, actor=user, data={"floor": 4})


def test_manager_may_edit_a_person_registered_elsewhere_who_lives_in_their_estate(world):
    # A person registered in estate B who moves into estate A is editable by A's manager.
    person = PersonFactory(registered_estate=world.other_estate)
    OccupancyFactory(person=person, unit=UnitFactory(building=world.building, number="0909"))
    services.person_update(person_id=person.pk, actor=world.manager, data={"note": "新住户"})
    assert last_event(person).changes == {"note": ["", "新住户"]}
