"""Staff pages: lists filter and stay cheap, forms show errors at the field, the estate
switcher stays in scope, exports mask ID numbers, roles see only their actions."""

import base64
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from estates.choices import Role, UnitStatus
from estates.models import Person, Unit
from estates.selectors import SESSION_KEY

from ..factories import (
    BuildingFactory,
    EstateFactory,
    MembershipFactory,
    OccupancyFactory,
    PersonFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world fixture hashes a password per user; PBKDF2 would take seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def switch_to(client, estate):
    return client.post(reverse("staff:estate_switch"), {"estate": estate.pk if estate else ""})


def pks(rows):
    return sorted(row.pk for row in rows)


def field_block(html: str, name: str) -> str:
    """The HTML of one crispy form field: its label, input and error messages."""
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end != -1 else len(html)]


def workbook_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


# --- Lists: filters and scope -----------------------------------------------------------------


@pytest.fixture
def mixed_units(world):
    """Units of estate A in two buildings with different statuses (plus world.unit)."""
    second = BuildingFactory(estate=world.estate, name="4栋")
    return {
        "vacant": UnitFactory(building=world.building, number="0101", status=UnitStatus.VACANT),
        "renovating": UnitFactory(
            building=world.building, number="0801", status=UnitStatus.RENOVATING
        ),
        "second_a": UnitFactory(building=second, number="0802", status=UnitStatus.OCCUPIED),
        "second_b": UnitFactory(building=second, number="1201", status=UnitStatus.VACANT),
        "second": second,
    }


def test_unit_list_shows_only_units_of_my_estates(world, login, mixed_units):
    response = login(world.manager).get(reverse("staff:unit_list"))
    shown = pks(response.context["rows"])
    assert world.unit.pk in shown
    assert world.other_unit.pk not in shown
    assert len(shown) == 5


def test_unit_list_filters_by_status(world, login, mixed_units):
    response = login(world.manager).get(reverse("staff:unit_list"), {"status": "vacant"})
    assert pks(response.context["rows"]) == pks([mixed_units["vacant"], mixed_units["second_b"]])


def test_unit_list_filters_by_building(world, login, mixed_units):
    response = login(world.manager).get(
        reverse("staff:unit_list"), {"building": mixed_units["second"].pk}
    )
    assert pks(response.context["rows"]) == pks([mixed_units["second_a"], mixed_units["second_b"]])


def test_unit_list_search_matches_the_start_of_the_number(world, login, mixed_units):
    response = login(world.manager).get(reverse("staff:unit_list"), {"q": "08"})
    assert pks(response.context["rows"]) == pks(
        [mixed_units["renovating"], mixed_units["second_a"]]
    )


def test_unit_list_filters_combine(world, login, mixed_units):
    response = login(world.manager).get(
        reverse("staff:unit_list"), {"q": "08", "status": "occupied"}
    )
    assert pks(response.context["rows"]) == [mixed_units["second_a"].pk]


def test_filtering_by_another_estates_building_never_shows_its_units(world, login):
    response = login(world.manager).get(
        reverse("staff:unit_list"), {"building": world.other_building.pk}
    )
    assert response.status_code == 200
    assert world.other_unit.pk not in pks(response.context["rows"])


def test_person_list_search_by_name_and_mobile(world, login):
    client = login(world.manager)
    by_name = client.get(reverse("staff:person_list"), {"q": "小明"})
    assert pks(by_name.context["rows"]) == [world.owner_person.pk]
    by_mobile = client.get(reverse("staff:person_list"), {"q": world.owner_person.mobile[:7]})
    assert world.owner_person.pk in pks(by_mobile.context["rows"])
    assert world.other_person.pk not in pks(by_mobile.context["rows"])


def test_person_list_shows_id_numbers_masked(world, login):
    response = login(world.manager).get(reverse("staff:person_list"))
    html = response.content.decode()
    assert world.owner_person.id_number_masked in html
    assert world.owner_person.id_number not in html


def test_unit_list_sorts_by_area_descending(world, login):
    UnitFactory(building=world.building, number="0102", area=Decimal("150.00"))
    UnitFactory(building=world.building, number="0103", area=Decimal("30.00"))
    response = login(world.manager).get(reverse("staff:unit_list"), {"sort": "-area"})
    areas = [u.area for u in response.context["rows"]]
    assert areas == sorted(areas, reverse=True)
    assert areas[0] == Decimal("150.00")


def test_unit_list_pages_with_the_next_cursor(world, login):
    for n in range(60):
        UnitFactory(building=world.building, number=f"9{n:03d}")
    client = login(world.manager)
    first = client.get(reverse("staff:unit_list"))
    second = client.get(reverse("staff:unit_list"), {"after": first.context["page"].next_cursor})
    seen = pks(first.context["rows"]) + pks(second.context["rows"])
    assert len(first.context["rows"]) == 50
    assert sorted(seen) == pks(Unit.objects.filter(estate=world.estate))


def test_unit_list_with_a_tampered_cursor_shows_the_first_page(world, login):
    tampered = base64.urlsafe_b64encode(json.dumps(["x", "y", "z", "not-an-id"]).encode())
    response = login(world.manager).get(
        reverse("staff:unit_list"), {"after": tampered.decode().rstrip("=")}
    )
    assert response.status_code == 200
    assert pks(response.context["rows"]) == [world.unit.pk]


# --- Query counts -------------------------------------------------------------------------------


def _count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_unit_list_query_count_is_independent_of_rows_shown(world, login):
    buildings = [world.building] + [
        BuildingFactory(estate=world.estate, name=f"{n}号楼") for n in range(1, 4)
    ]
    for n in range(4):
        UnitFactory(building=buildings[n % 4], number=f"7{n:03d}")
    client = login(world.manager)
    url = reverse("staff:unit_list")
    client.get(url)  # warm caches (content types, session)
    few, shown_few = _count_queries(client, url)
    for n in range(4, 60):
        UnitFactory(building=buildings[n % 4], number=f"7{n:03d}")
    many, shown_many = _count_queries(client, url)
    assert (shown_few, shown_many) == (5, 50)
    assert many == few


def test_person_list_query_count_is_independent_of_rows_shown(world, login):
    def add_people(count):
        for _ in range(count):
            person = PersonFactory(registered_estate=world.estate)
            OccupancyFactory(person=person, unit=UnitFactory(building=world.building))

    add_people(4)
    client = login(world.manager)
    url = reverse("staff:person_list")
    client.get(url)
    few, shown_few = _count_queries(client, url)
    add_people(56)
    many, shown_many = _count_queries(client, url)
    assert (shown_few, shown_many) == (5, 50)
    assert many == few


# --- Forms ---------------------------------------------------------------------------------------


def test_person_create_shows_a_bad_mobile_next_to_the_field_and_saves_nothing(world, login):
    client = login(world.manager)
    switch_to(client, world.estate)
    response = client.post(
        reverse("staff:person_create"), {"name": "张三", "mobile": "12345", "email": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["mobile"]
    block = field_block(response.content.decode(), "mobile")
    assert 'id="error_1_id_mobile"' in block
    assert str(form.errors["mobile"][0]) in block
    assert not Person.objects.filter(name="张三").exists()


def test_person_create_shows_a_bad_id_check_digit_at_the_field(world, login):
    client = login(world.manager)
    switch_to(client, world.estate)
    response = client.post(
        reverse("staff:person_create"),
        {"name": "张三", "mobile": "13712345678", "id_number": "110105194912310021"},
    )
    assert response.status_code == 200
    assert 'id="error_1_id_id_number"' in field_block(response.content.decode(), "id_number")
    assert not Person.objects.filter(name="张三").exists()


def test_person_create_normalises_the_mobile_and_goes_to_the_person(world, login):
    client = login(world.manager)
    switch_to(client, world.estate)
    response = client.post(
        reverse("staff:person_create"), {"name": "张三", "mobile": "+86 137 1234 5678"}
    )
    person = Person.objects.get(name="张三")
    assert response.status_code == 302
    assert response.url == person.get_absolute_url()
    assert (person.mobile, person.registered_estate) == ("13712345678", world.estate)


def test_person_edit_form_never_sends_the_stored_id_number(world, login):
    response = login(world.manager).get(
        reverse("staff:person_edit", kwargs={"person_pk": world.owner_person.pk})
    )
    html = response.content.decode()
    assert world.owner_person.id_number not in html
    assert world.owner_person.id_number_masked in html


def test_person_edit_with_blank_id_number_keeps_the_stored_one(world, login):
    person = world.owner_person
    response = login(world.manager).post(
        reverse("staff:person_edit", kwargs={"person_pk": person.pk}),
        {"name": person.name, "mobile": person.mobile, "id_number": "", "note": "已核对"},
    )
    assert response.status_code == 302
    stored = person.id_number
    person.refresh_from_db()
    assert (person.id_number, person.note) == (stored, "已核对")


def test_unit_edit_shows_a_negative_area_at_the_field_and_saves_nothing(world, login):
    unit = world.unit
    response = login(world.manager).post(
        reverse("staff:unit_edit", kwargs={"unit_pk": unit.pk}),
        {
            "building": unit.building_id,
            "entrance": unit.entrance,
            "number": unit.number,
            "floor": unit.floor,
            "area": "-3",
            "kind": unit.kind,
            "status": unit.status,
        },
    )
    assert response.status_code == 200
    assert 'id="error_1_id_area"' in field_block(response.content.decode(), "area")
    unit.refresh_from_db()
    assert unit.area == Decimal("89.50")


def test_unit_create_page_without_a_current_estate_asks_for_one(world, login):
    response = login(world.admin).get(reverse("staff:unit_create"))
    assert response.status_code == 200
    assert "estates/choose_estate.html" in [t.name for t in response.templates]


def test_unit_create_in_the_chosen_estate(world, login):
    client = login(world.admin)
    switch_to(client, world.estate)
    response = client.post(
        reverse("staff:unit_create"),
        {
            "building": world.building.pk,
            "entrance": "1",
            "number": "1501",
            "floor": 15,
            "area": "95.00",
            "kind": "residential",
            "status": "vacant",
        },
    )
    unit = Unit.objects.get(number="1501")
    assert response.status_code == 302
    assert unit.estate == world.estate


def test_unit_create_form_offers_only_buildings_of_the_current_estate(world, login):
    client = login(world.admin)
    switch_to(client, world.estate)
    response = client.post(
        reverse("staff:unit_create"),
        {
            "building": world.other_building.pk,
            "number": "1501",
            "floor": 15,
            "area": "95.00",
            "kind": "residential",
            "status": "vacant",
        },
    )
    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    assert not Unit.objects.filter(number="1501").exists()


# --- Estate switcher ------------------------------------------------------------------------------


@pytest.fixture
def two_estate_manager(world):
    """The manager of A also manages a third estate, so "all my estates" means two."""
    third = EstateFactory(name="枫林居", code="fly")
    MembershipFactory(user=world.manager, estate=third, role=Role.MANAGER)
    return third


def test_switching_estate_narrows_the_lists(world, login, two_estate_manager):
    third_unit = UnitFactory(building=BuildingFactory(estate=two_estate_manager))
    client = login(world.manager)
    switch_to(client, world.estate)
    response = client.get(reverse("staff:unit_list"))
    assert response.context["current_estate"] == world.estate
    assert world.unit.pk in pks(response.context["rows"])
    assert third_unit.pk not in pks(response.context["rows"])


def test_switching_to_an_estate_out_of_scope_leaves_all_my_estates(
    world, login, two_estate_manager
):
    client = login(world.manager)
    switch_to(client, world.estate)
    response = switch_to(client, world.other_estate)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] is None
    listing = client.get(reverse("staff:unit_list"))
    assert listing.context["current_estate"] is None
    assert world.other_unit.pk not in pks(listing.context["rows"])
    assert world.unit.pk in pks(listing.context["rows"])


def test_switcher_lists_only_my_estates(world, login, two_estate_manager):
    response = login(world.manager).get(reverse("staff:dashboard"))
    assert set(response.context["my_estates"]) == {world.estate, two_estate_manager}


def test_switcher_does_not_redirect_off_site(world, login):
    client = login(world.manager)
    response = client.post(
        reverse("staff:estate_switch"),
        {"estate": world.estate.pk, "next": "https://evil.example/"},
    )
    assert response.url == reverse("staff:dashboard")


# --- Exports --------------------------------------------------------------------------------------


def test_unit_export_is_a_workbook_with_my_units(world, login, mixed_units):
    response = login(world.manager).get(reverse("staff:unit_export"))
    assert response.status_code == 200
    rows = workbook_rows(response)
    numbers = {row[3] for row in rows[1:]}
    assert len(rows) == 1 + 5
    assert {world.unit.number, mixed_units["second_b"].number} <= numbers
    assert world.other_unit.number not in numbers


def test_unit_export_follows_the_list_filters(world, login, mixed_units):
    response = login(world.manager).get(reverse("staff:unit_export"), {"status": "vacant"})
    numbers = sorted(row[3] for row in workbook_rows(response)[1:])
    assert numbers == sorted([mixed_units["vacant"].number, mixed_units["second_b"].number])


def test_person_export_masks_id_numbers(world, login):
    response = login(world.manager).get(reverse("staff:person_export"))
    rows = workbook_rows(response)
    cells = [str(value) for row in rows for value in row if value is not None]
    owner_row = next(row for row in rows if row[0] == world.owner_person.name)
    assert owner_row[3] == world.owner_person.id_number_masked
    assert not any(world.owner_person.id_number in cell for cell in cells)
    assert world.other_person.name not in cells


def test_finance_may_export_but_security_may_not(world, login):
    assert login(world.staff[Role.FINANCE]).get(reverse("staff:unit_export")).status_code == 200
    assert login(world.staff[Role.SECURITY]).get(reverse("staff:unit_export")).status_code == 403


# --- Roles ---------------------------------------------------------------------------------------


def test_technician_gets_403_on_the_person_list(world, login):
    response = login(world.staff[Role.TECHNICIAN]).get(reverse("staff:person_list"))
    assert response.status_code == 403


def test_technician_does_not_see_the_new_unit_button(world, login):
    response = login(world.staff[Role.TECHNICIAN]).get(reverse("staff:unit_list"))
    assert response.status_code == 200
    assert f'href="{reverse("staff:unit_create")}"' not in response.content.decode()


def test_manager_sees_the_new_unit_button(world, login):
    response = login(world.manager).get(reverse("staff:unit_list"))
    assert f'href="{reverse("staff:unit_create")}"' in response.content.decode()


def test_finance_sees_people_but_not_the_new_person_button(world, login):
    response = login(world.staff[Role.FINANCE]).get(reverse("staff:person_list"))
    assert response.status_code == 200
    assert f'href="{reverse("staff:person_create")}"' not in response.content.decode()


def test_technician_cannot_open_the_new_unit_page(world, login):
    response = login(world.staff[Role.TECHNICIAN]).get(reverse("staff:unit_create"))
    assert response.status_code == 403


def test_unit_detail_hides_edit_link_and_occupants_from_a_technician(world, login):
    response = login(world.staff[Role.TECHNICIAN]).get(world.unit.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("staff:unit_edit", kwargs={"unit_pk": world.unit.pk}) not in html
    assert world.owner_person.name not in html


def test_an_owner_gets_403_on_staff_pages(world, login):
    assert login(world.owner).get(reverse("staff:unit_list")).status_code == 403


def test_anonymous_is_sent_to_the_login_page(world, login):
    response = login(None).get(reverse("staff:unit_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _other_estate_urls(world):
    person_b = world.other_person
    occupancy_b = person_b.occupancies.get()
    return [
        ("get", reverse("staff:estate_detail", kwargs={"estate_pk": world.other_estate.pk})),
        ("get", reverse("staff:building_detail", kwargs={"building_pk": world.other_building.pk})),
        ("get", reverse("staff:unit_detail", kwargs={"unit_pk": world.other_unit.pk})),
        ("get", reverse("staff:unit_edit", kwargs={"unit_pk": world.other_unit.pk})),
        ("get", reverse("staff:person_detail", kwargs={"person_pk": person_b.pk})),
        ("get", reverse("staff:person_edit", kwargs={"person_pk": person_b.pk})),
        ("post", reverse("invitations:person_invite", kwargs={"person_pk": person_b.pk})),
        ("post", reverse("staff:occupancy_end", kwargs={"occupancy_pk": occupancy_b.pk})),
        (
            "get",
            reverse("staff:equipment_detail", kwargs={"equipment_pk": world.other_equipment.pk}),
        ),
    ]


def test_another_estates_objects_are_404_for_a_manager(world, login):
    client = login(world.manager)
    for method, url in _other_estate_urls(world):
        response = getattr(client, method)(
            url, {"end_date": "2025-01-01"} if method == "post" else {}
        )
        assert response.status_code == 404, url


def test_unit_detail_shows_the_timeline(world, login):
    client = login(world.manager)
    client.post(
        reverse("staff:unit_edit", kwargs={"unit_pk": world.unit.pk}),
        {
            "building": world.building.pk,
            "entrance": world.unit.entrance,
            "number": world.unit.number,
            "floor": 4,
            "area": "89.50",
            "kind": world.unit.kind,
            "status": world.unit.status,
        },
    )
    response = client.get(world.unit.get_absolute_url())
    timeline = response.content.decode().split('data-testid="timeline"')[1]
    assert [e.verb for e in response.context["events"]] == ["updated"]
    assert "<del>3</del> → 4" in timeline
    assert str(world.manager) in timeline


def test_a_role_counts_in_the_estate_of_the_person_shown(world, login):
    """Finance in A may read A's people; as a technician in B, B's people are a 403 (the
    role is checked in the person's estate, not 'somewhere')."""
    user = world.staff[Role.FINANCE]
    MembershipFactory(user=user, estate=world.other_estate, role=Role.TECHNICIAN)
    client = login(user)
    own = reverse("staff:person_detail", kwargs={"person_pk": world.owner_person.pk})
    other = reverse("staff:person_detail", kwargs={"person_pk": world.other_person.pk})
    assert client.get(own).status_code == 200
    response = client.get(other)
    assert response.status_code == 403
    assert world.other_person.mobile not in response.content.decode()


def test_the_person_page_shows_the_portal_panel_and_its_invite_button(world, login):
    invitee = PersonFactory(registered_estate=world.estate)
    url = reverse("staff:person_detail", kwargs={"person_pk": invitee.pk})
    invite = reverse("invitations:person_invite", kwargs={"person_pk": invitee.pk})
    html = login(world.manager).get(url).content.decode()
    assert 'data-testid="portal-panel"' in html and invite in html
    html = login(world.staff[Role.FINANCE]).get(url).content.decode()
    assert 'data-testid="portal-panel"' in html and invite not in html


def test_a_persons_page_lists_only_occupancies_where_the_user_may_see_people(world, login):
    user = world.staff[Role.FINANCE]
    MembershipFactory(user=user, estate=world.other_estate, role=Role.TECHNICIAN)
    OccupancyFactory(person=world.owner_person, unit=world.other_unit, role="tenant")
    url = reverse("staff:person_detail", kwargs={"person_pk": world.owner_person.pk})
    occupancies = login(user).get(url).context["occupancies"]
    assert [o.unit for o in occupancies] == [world.unit]
    occupancies = login(world.admin).get(url).context["occupancies"]
    assert {o.unit for o in occupancies} == {world.unit, world.other_unit}
