"""Printed output: the building register PDF (content, masking, scoping) and equipment QR
labels."""

import io
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from core.models import User
from estates.choices import EquipmentCategory, OccupancyRole, Role, UnitStatus
from estates.models import Building, Equipment, Estate, Occupancy, Person, StaffMembership, Unit
from estates.validators import id_check_digit

pytestmark = pytest.mark.django_db

ID_FIRST17 = "11010519491231002"
ID_NUMBER = ID_FIRST17 + id_check_digit(ID_FIRST17)


def pdf_text(content: bytes) -> str:
    """The text of a PDF, by pypdf and, when installed, by poppler's pdftotext too."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        )
        text += "\n" + out.stdout.decode("utf-8")
    return text


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(
        username=username, password="x-test-pass-123", email=f"{username}@example.com", **extra
    )


def make_estate(name: str, code: str) -> Estate:
    return Estate.objects.create(
        name=name, code=code, address=f"{name}路 1 号", service_phone="0571-88886666"
    )


def make_unit(building: Building, number: str, *, floor: int = 1, entrance: str = "1") -> Unit:
    return Unit.objects.create(
        estate=building.estate,
        building=building,
        entrance=entrance,
        number=number,
        floor=floor,
        area=Decimal("89.50"),
        status=UnitStatus.OCCUPIED,
    )


def add_person(unit: Unit, name: str, mobile: str, *, id_number: str = "", role=None, user=None):
    person = Person.objects.create(
        name=name,
        mobile=mobile,
        id_number=id_number,
        registered_estate=unit.estate,
        user=user,
    )
    Occupancy.objects.create(
        person=person,
        unit=unit,
        role=role or OccupancyRole.OWNER,
        start_date=date.today() - timedelta(days=400),
    )
    return person


@pytest.fixture
def estate():
    return make_estate("锦绣园", "jxy")


@pytest.fixture
def other_estate():
    return make_estate("翠湖苑", "chy")


@pytest.fixture
def building(estate):
    return Building.objects.create(estate=estate, name="3栋", floors=18)


@pytest.fixture
def owner_user():
    return make_user("owner")


@pytest.fixture
def unit(building, owner_user):
    unit = make_unit(building, "1201", floor=12)
    add_person(unit, "王小明", "13812341234", id_number=ID_NUMBER, user=owner_user)
    return unit


@pytest.fixture
def manager(estate):
    user = make_user("manager")
    StaffMembership.objects.create(user=user, estate=estate, role=Role.MANAGER)
    return user


@pytest.fixture
def other_manager(other_estate):
    user = make_user("other_manager")
    StaffMembership.objects.create(user=user, estate=other_estate, role=Role.MANAGER)
    return user


@pytest.fixture
def equipment(estate, building):
    return Equipment.objects.create(
        estate=estate,
        building=building,
        location="B1 水泵房",
        category=EquipmentCategory.WATER_PUMP,
        code="JXY-PUMP-01",
        name="生活水泵 1 号",
    )


def register_url(building) -> str:
    return reverse("staff:building_register_pdf", kwargs={"building_pk": building.pk})


# --- Building register -------------------------------------------------------------------------


def test_register_pdf_contains_people_with_masked_id(client, manager, building, unit):
    # A former tenant no longer living there must not be printed.
    gone = Person.objects.create(
        name="李已搬", mobile="13900001111", registered_estate=building.estate
    )
    Occupancy.objects.create(
        person=gone,
        unit=unit,
        role=OccupancyRole.TENANT,
        start_date=date.today() - timedelta(days=300),
        end_date=date.today() - timedelta(days=10),
    )
    client.force_login(manager)

    response = client.get(register_url(building))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''")
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "锦绣园" in text
    assert "3栋" in text
    assert "王小明" in text
    assert "1201" in text
    assert ID_NUMBER[-4:] in text
    assert ID_NUMBER not in text
    assert ID_NUMBER[:6] not in text  # the region prefix is masked too
    assert "138****1234" in text
    assert "13812341234" not in text
    assert "李已搬" not in text


def test_register_pdf_query_count_does_not_grow_with_units(client, manager, building, unit):
    client.force_login(manager)
    url = register_url(building)
    client.get(url)  # warm up (session, caches)

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        extra = make_unit(building, f"0{n + 2}01", floor=n + 2)
        add_person(extra, f"住户{n}", f"1390000{n:04d}")
        add_person(extra, f"家属{n}", f"1370000{n:04d}", role=OccupancyRole.FAMILY)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 10


def test_register_pdf_other_estate_manager_gets_404(client, other_manager, building, unit):
    client.force_login(other_manager)
    assert client.get(register_url(building)).status_code == 404


def test_register_pdf_missing_building_is_404(client, manager):
    client.force_login(manager)
    url = reverse("staff:building_register_pdf", kwargs={"building_pk": 999999})
    assert client.get(url).status_code == 404


def test_register_pdf_owner_without_membership_gets_403(client, owner_user, building, unit):
    client.force_login(owner_user)
    assert client.get(register_url(building)).status_code == 403


def test_register_pdf_role_without_view_people_gets_403(client, estate, building, unit):
    technician = make_user("tech")
    StaffMembership.objects.create(user=technician, estate=estate, role=Role.TECHNICIAN)
    client.force_login(technician)
    assert client.get(register_url(building)).status_code == 403


def test_register_pdf_anonymous_is_sent_to_login(client, building):
    response = client.get(register_url(building))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Equipment QR and label --------------------------------------------------------------------


def test_equipment_qr_svg(client, manager, equipment):
    client.force_login(manager)
    response = client.get(reverse("staff:equipment_qr", kwargs={"equipment_pk": equipment.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def _scan_url(equipment):
    return reverse("maintenance:scan_equipment", kwargs={"equipment_pk": equipment.pk})


def test_equipment_qr_encodes_the_absolute_scan_url(rf, settings, equipment):
    from estates.views.printing import equipment_qr_target

    settings.ALLOWED_HOSTS = ["anju.example.com"]
    request = rf.get("/", HTTP_HOST="anju.example.com", secure=True)
    assert equipment_qr_target(request, equipment) == (
        "https://anju.example.com" + _scan_url(equipment)
    )


def test_equipment_label_shows_code_and_details(client, manager, equipment):
    client.force_login(manager)
    response = client.get(reverse("staff:equipment_label", kwargs={"equipment_pk": equipment.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "JXY-PUMP-01" in html
    assert "生活水泵 1 号" in html
    assert "B1 水泵房" in html
    assert "0571-88886666" in html
    assert "<svg" in html
    assert "data-print" in html  # static/anju/app.js prints
    assert "http://testserver" + _scan_url(equipment) in html


@pytest.mark.parametrize("name", ["equipment_qr", "equipment_label"])
def test_equipment_print_other_estate_is_404(client, other_manager, equipment, name):
    client.force_login(other_manager)
    assert (
        client.get(reverse(f"staff:{name}", kwargs={"equipment_pk": equipment.pk})).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["equipment_qr", "equipment_label"])
def test_equipment_print_finance_role_gets_403(client, estate, equipment, name):
    finance = make_user("finance")
    StaffMembership.objects.create(user=finance, estate=estate, role=Role.FINANCE)
    client.force_login(finance)
    assert (
        client.get(reverse(f"staff:{name}", kwargs={"equipment_pk": equipment.pk})).status_code
        == 403
    )


@pytest.mark.parametrize("name", ["equipment_qr", "equipment_label"])
def test_equipment_print_owner_gets_403_and_anonymous_login(client, owner_user, equipment, name):
    url = reverse(f"staff:{name}", kwargs={"equipment_pk": equipment.pk})
    assert client.get(url).status_code == 302
    client.force_login(owner_user)
    assert client.get(url).status_code == 403
