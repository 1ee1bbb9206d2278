"""Printed output of repairs: the work order (派工单) and the monthly repair report
(月度维修报告): their text (Chinese included), masking, scoping, and the report's figures."""

import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from estates.choices import Role
from maintenance import services
from maintenance.choices import Category, Channel, Priority, Status
from maintenance.models import Ticket
from maintenance.reports import bar_chart_svg, monthly_figures

from ..factories import EquipmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
OWNER_MOBILE = "13812341234"


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


def png(name="photo.png", color=(40, 120, 200), size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def technician(world):
    user = UserFactory(username="wang.shifu", display_name="王师傅")
    MembershipFactory(user=user, estate=world.estate, role=Role.TECHNICIAN, skills=["plumbing"])
    return user


@pytest.fixture
def reported(world):
    """厨房漏水, reported by 王小明 from the portal."""
    world.owner_person.mobile = OWNER_MOBILE
    world.owner_person.save(update_fields=["mobile"])
    return services.ticket_report_by_owner(
        actor=world.owner,
        data=services.ReportData(
            category=Category.PLUMBING, description="厨房漏水，水管接头滴水", unit=world.unit
        ),
        photos=[png("leak.png")],
    )


@pytest.fixture
def dispatched(world, reported, technician):
    cs = world.staff[Role.CUSTOMER_SERVICE]
    services.ticket_register(ticket_id=reported.pk, actor=cs)
    return services.ticket_dispatch(ticket_id=reported.pk, actor=cs, technician=technician)


@pytest.fixture
def completed(dispatched, technician):
    pk = dispatched.pk
    services.ticket_accept(ticket_id=pk, actor=technician)
    services.ticket_arrive(ticket_id=pk, actor=technician)
    services.ticket_start_repair(ticket_id=pk, actor=technician)
    return services.ticket_complete(
        ticket_id=pk,
        actor=technician,
        work_done="更换厨房水管接头，试水无渗漏",
        materials=[services.MaterialLine("铜水管接头", Decimal("2"), Decimal("15.50"))],
        labour_hours=Decimal("1.5"),
        labour_amount=Decimal("60"),
        chargeable=True,
        after_photos=[png("after.png", color=(20, 180, 60))],
        signature=png("signature.png", color=(0, 0, 0), size=(200, 60)),
    )


def work_order_url(ticket) -> str:
    return reverse("maintenance:work_order_pdf", kwargs={"ticket_pk": ticket.pk})


def report_url(year=2026, month=3) -> str:
    return reverse("maintenance:monthly_report_pdf", kwargs={"year": year, "month": month})


# --- Work order ------------------------------------------------------------------------------


def test_work_order_of_a_completed_ticket_in_chinese(client, world, completed):
    world.manager.language = "zh-hans"
    world.manager.save(update_fields=["language"])
    client.force_login(world.manager)

    response = client.get(work_order_url(completed))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''")
    text = pdf_text(response.content)
    assert "锦绣园" in text
    assert completed.number in text
    assert f"3栋 {world.unit.label}" in text
    assert "厨房漏水" in text
    assert "王小明" in text
    assert "王师傅" in text
    assert "138****1234" in text
    assert OWNER_MOBILE not in text
    # The recorded work, materials and totals: 2 × 15.50 + 60 labour.
    assert "更换厨房水管接头" in text
    assert "铜水管接头" in text
    assert "31.00" in text
    assert "91.00" in text
    # The owner's signature is embedded (as a data: URI: the renderer fetches nothing else).
    images = [img for page in PdfReader(io.BytesIO(response.content)).pages for img in page.images]
    assert images, "the signature image is missing"


def test_work_order_of_a_dispatched_ticket_has_blank_lines(client, world, dispatched):
    client.force_login(world.manager)

    response = client.get(work_order_url(dispatched))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Work order" in text
    assert "Dispatched" in text
    assert "王师傅" in text
    assert "厨房漏水" in text
    assert "Technician's signature" in text
    assert "Owner's signature" in text
    assert "138****1234" in text and OWNER_MOBILE not in text
    assert not [
        img for page in PdfReader(io.BytesIO(response.content)).pages for img in page.images
    ]


def test_work_order_qr_points_to_the_staff_ticket_page(rf, world, reported):
    from maintenance.views.printing import ticket_qr_svg

    request = rf.get("/", HTTP_HOST="testserver")
    target = f"http://testserver/staff/repairs/{reported.pk}/"
    assert reported.get_absolute_url() == f"/staff/repairs/{reported.pk}/"
    expected = segno.make(target, error="m", micro=False).svg_inline(
        scale=3, border=2, omitsize=True, title=reported.number, svgclass="qr", lineclass=None
    )
    assert ticket_qr_svg(request, reported) == expected


def test_work_order_masks_landlines_and_short_numbers():
    from maintenance.views.printing import mask_phone

    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0571-88886666") == "057****6666"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""


def test_work_order_other_estate_manager_gets_404(client, world, reported):
    client.force_login(world.other_manager)
    assert client.get(work_order_url(reported)).status_code == 404


def test_work_order_owner_gets_403(client, world, reported):
    client.force_login(world.owner)
    assert client.get(work_order_url(reported)).status_code == 403


def test_work_order_anonymous_is_sent_to_login(client, reported):
    response = client.get(work_order_url(reported))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_work_order_technician_may_print(client, world, dispatched, technician):
    client.force_login(technician)
    assert client.get(work_order_url(dispatched)).status_code == 200


def test_work_order_missing_ticket_is_404(client, world):
    client.force_login(world.manager)
    url = reverse("maintenance:work_order_pdf", kwargs={"ticket_pk": 999999})
    assert client.get(url).status_code == 404


# --- Monthly report: figures -----------------------------------------------------------------


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def make_ticket(estate, *, reported_at, place, **fields) -> Ticket:
    """A ticket row as the services would leave it, with chosen timestamps and deadlines."""
    defaults = {
        "category": Category.PLUMBING,
        "priority": Priority.NORMAL,
        "channel": Channel.PHONE,
        "description": "测试报修",
        "status": Status.REPORTED,
    }
    ticket = Ticket.objects.create(estate=estate, reported_at=reported_at, **place, **defaults)
    Ticket.objects.filter(pk=ticket.pk).update(number=f"T-{ticket.pk}", **fields)
    return ticket


@pytest.fixture
def march(world):
    """Five tickets of 锦绣园 reported in March 2026 (local time), and three that are not."""
    unit = {"unit": world.unit, "building": world.building}
    lobby = {"building": world.building, "location": "大堂"}
    pump = {"equipment": EquipmentFactory(estate=world.estate, code="PUMP-1", name="生活水泵")}
    t1 = local(2026, 3, 2, 9, 0)
    make_ticket(  # everything on time: 1 h, 3 h, 6 h; rated 5; charged 120.50
        world.estate,
        reported_at=t1,
        place=unit,
        status=Status.FOLLOWED_UP,
        response_due=t1 + timedelta(hours=2),
        registered_at=t1 + timedelta(hours=1),
        onsite_due=t1 + timedelta(hours=24),
        arrived_at=t1 + timedelta(hours=3),
        completion_due=t1 + timedelta(hours=72),
        completed_at=t1 + timedelta(hours=6),
        rating=5,
        chargeable=True,
        amount=Decimal("120.50"),
    )
    t2 = local(2026, 3, 10, 20, 0)
    make_ticket(  # an emergency, every deadline missed: 0.5 h, 1 h, 10 h; rated 3; free, 80
        world.estate,
        reported_at=t2,
        place=unit,
        priority=Priority.EMERGENCY,
        status=Status.COMPLETED,
        response_due=t2 + timedelta(minutes=15),
        registered_at=t2 + timedelta(minutes=30),
        onsite_due=t2 + timedelta(minutes=30),
        arrived_at=t2 + timedelta(hours=1),
        completion_due=t2 + timedelta(hours=8),
        completed_at=t2 + timedelta(hours=10),
        rating=3,
        amount=Decimal("80.00"),
    )
    t3 = local(2026, 3, 31, 23, 30)  # late on the last day (15:30 UTC): still March
    make_ticket(  # registered in 15 min; on-site and completion deadlines not reached yet
        world.estate,
        reported_at=t3,
        place=pump,
        category=Category.ELECTRICAL,
        status=Status.REGISTERED,
        response_due=t3 + timedelta(hours=2),
        registered_at=t3 + timedelta(minutes=15),
        onsite_due=local(2026, 4, 20, 9, 0),
        completion_due=local(2026, 4, 30, 9, 0),
    )
    t4 = local(2026, 3, 15, 8, 0)
    make_ticket(  # nobody answered: every deadline has passed without its step
        world.estate,
        reported_at=t4,
        place=lobby,
        category=Category.ELEVATOR,
        response_due=t4 + timedelta(hours=2),
        onsite_due=t4 + timedelta(hours=24),
        completion_due=t4 + timedelta(hours=72),
    )
    t5 = local(2026, 3, 20, 10, 0)
    make_ticket(  # cancelled: counted, but not judged against deadlines
        world.estate,
        reported_at=t5,
        place=unit,
        category=Category.DOORS_WINDOWS,
        status=Status.CANCELLED,
        response_due=t5 + timedelta(hours=2),
        onsite_due=t5 + timedelta(hours=24),
        completion_due=t5 + timedelta(hours=72),
    )
    # Not in March 2026 of 锦绣园: the day before, the moment after, another estate.
    make_ticket(world.estate, reported_at=local(2026, 2, 28, 23, 59), place=unit)
    make_ticket(world.estate, reported_at=local(2026, 4, 1, 0, 0), place=unit)
    make_ticket(
        world.other_estate,
        reported_at=local(2026, 3, 5, 12, 0),
        place={"unit": world.other_unit},
        rating=1,
    )
    return world


NOW = local(2026, 4, 15, 12, 0)


def test_monthly_figures(march):
    figures = monthly_figures(march.estate, 2026, 3, now=NOW)

    assert figures["total"] == 5
    assert figures["emergencies"] == 1
    assert figures["category_counts"] == {
        "plumbing": 2,
        "electrical": 1,
        "doors_windows": 1,
        "elevator": 1,
        "public_facility": 0,
        "hvac": 0,
        "civil": 0,
        "other": 0,
    }
    assert [row["value"] for row in figures["by_category"]] == list(Category.values)
    assert figures["status_counts"]["followed_up"] == 1
    assert figures["status_counts"]["cancelled"] == 1
    assert figures["status_counts"]["reported"] == 1
    assert figures["status_counts"]["closed"] == 0
    assert {row["value"] for row in figures["by_status"]} == {
        "followed_up",
        "completed",
        "registered",
        "reported",
        "cancelled",
    }
    on_time = figures["on_time"]
    # Response: t1, t3 on time; t2 late; t4 past due unanswered; t5 cancelled (not judged).
    assert (on_time["response"]["on_time"], on_time["response"]["measured"]) == (2, 4)
    assert on_time["response"]["rate"] == 50.0
    # On site: t1 on time; t2 late; t4 past due; t3 not due yet.
    assert (on_time["onsite"]["on_time"], on_time["onsite"]["measured"]) == (1, 3)
    assert on_time["onsite"]["rate"] == 33.3
    assert (on_time["completion"]["on_time"], on_time["completion"]["measured"]) == (1, 3)
    assert figures["average_hours"] == {
        "registration": 0.6,  # (1 + 0.5 + 0.25) / 3 = 0.583
        "arrival": 2.0,  # (3 + 1) / 2
        "completion": 8.0,  # (6 + 10) / 2
    }
    assert figures["rating"] == {
        "average": 4.0,
        "count": 2,
        "distribution": {1: 0, 2: 0, 3: 1, 4: 0, 5: 1},
    }
    assert figures["chargeable_total"] == Decimal("120.50")
    assert figures["free_cost_total"] == Decimal("80.00")
    places = {row["place"]: row["count"] for row in figures["top_places"]}
    assert places == {f"3栋 {march.unit.label}": 3, "3栋 · 大堂": 1, "PUMP-1 生活水泵": 1}
    assert figures["top_places"][0] == {"place": f"3栋 {march.unit.label}", "count": 3}


def test_monthly_figures_later_deadlines_are_judged_once_past(march):
    later = monthly_figures(march.estate, 2026, 4, now=local(2026, 5, 1))
    assert later["total"] == 1  # only the ticket of 1 April 00:00
    figures = monthly_figures(march.estate, 2026, 3, now=local(2026, 5, 1))
    # t3's on-site (20 April) and completion (30 April) deadlines have now passed.
    assert figures["on_time"]["onsite"]["measured"] == 4
    assert figures["on_time"]["completion"]["measured"] == 4


def test_monthly_figures_of_an_empty_month(world):
    figures = monthly_figures(world.estate, 2025, 12, now=NOW)
    assert figures["total"] == 0
    assert figures["on_time"]["response"]["rate"] is None
    assert figures["average_hours"] == {"registration": None, "arrival": None, "completion": None}
    assert figures["rating"]["average"] is None
    assert figures["chargeable_total"] == Decimal("0.00")
    assert figures["top_places"] == []


def test_monthly_figures_take_a_constant_number_of_queries(march):
    with CaptureQueriesContext(connection) as few:
        monthly_figures(march.estate, 2026, 3, now=NOW)
    for day in range(1, 20):
        make_ticket(
            march.estate,
            reported_at=local(2026, 3, day, 12, 0),
            place={"building": march.building, "location": f"{day}号车位"},
            rating=day % 5 + 1,
        )
    with CaptureQueriesContext(connection) as many:
        figures = monthly_figures(march.estate, 2026, 3, now=NOW)
    assert figures["total"] == 24
    assert len(many.captured_queries) == len(few.captured_queries) <= 5


def test_bar_chart_is_plain_escaped_svg():
    svg = bar_chart_svg([("水<电>", 3), ("电梯", 0), ("门窗", 6)], title="按类别")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "href" not in svg
    assert "水&lt;电&gt;" in svg
    assert svg.count("<rect") == 2  # no bar for zero
    assert ">6</text>" in svg and ">0</text>" in svg


# --- Monthly report: the PDF -----------------------------------------------------------------


def test_monthly_report_pdf(client, march):
    client.force_login(march.manager)

    response = client.get(report_url(2026, 3))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "锦绣园" in text
    assert "Monthly repair report" in text
    assert "March 2026" in text
    for label, count in [("Plumbing and leaks", 2), ("Electrical", 1), ("Elevator", 1)]:
        assert label in text
        lines = [line for line in text.splitlines() if label in line]
        assert any(str(count) in line for line in lines), (label, lines)
    assert "50.0%" in text  # response on time
    # On site and completion: 1 of 4 (t3's April deadlines have passed by the real clock).
    assert "25.0%" in text
    assert "1 Mar 2026 – 31 Mar 2026" in text
    assert "120.50" in text and "80.00" in text
    assert f"3栋 {march.unit.label}" in text
    assert "Tickets by category" in text
    # Average times (hours) and the owners' ratings, as computed in test_monthly_figures.
    lines = text.splitlines()

    def line_with(label):
        return next(line for line in lines if label in line)

    assert "0.6" in line_with("registration")
    assert "2.0" in line_with("arrival on site")
    assert "8.0" in line_with("completion")
    assert "Owners' ratings" in text
    assert "2" in line_with("Rated tickets") and "4.00" in text


def test_monthly_report_pdf_in_chinese(client, march):
    march.manager.language = "zh-hans"
    march.manager.save(update_fields=["language"])
    client.force_login(march.manager)

    response = client.get(report_url(2026, 3))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "锦绣园" in text
    assert "2026年3月" in text
    assert f"3栋 {march.unit.label}" in text
    assert "PUMP-1 生活水泵" in text


@pytest.mark.parametrize("month", [0, 13])
def test_monthly_report_month_out_of_range_is_404(client, world, month):
    client.force_login(world.manager)
    assert client.get(report_url(2026, month)).status_code == 404


def test_monthly_report_needs_the_report_permission(client, world):
    client.force_login(world.staff[Role.TECHNICIAN])
    assert client.get(report_url()).status_code == 403
    client.force_login(world.staff[Role.FINANCE])
    assert client.get(report_url()).status_code == 200


def test_monthly_report_owner_gets_403_and_anonymous_login(client, world):
    response = client.get(report_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.owner)
    assert client.get(report_url()).status_code == 403


def test_monthly_report_without_a_chosen_estate_redirects_with_a_message(client, world):
    client.force_login(world.admin)  # every estate, none chosen

    response = client.get(report_url(), follow=False)

    assert response.status_code == 302
    assert response["Location"] == reverse("maintenance:ticket_board")


def test_monthly_report_covers_only_the_current_estate(client, march):
    client.force_login(march.other_manager)
    response = client.get(report_url(2026, 3))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "翠湖苑" in text
    assert "锦绣园" not in text
    assert "PUMP-1" not in text


def _words_right_edges(content: bytes) -> list[tuple[str, float, float]]:
    """(word, right edge, page width) of every word pdftotext finds, in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    words = []
    for page in re.finditer(r'<page width="([\d.]+)".*?</page>', out, re.S):
        width = float(page.group(1))
        for match in re.finditer(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', page.group(0)
        ):
            words.append((match.group(2), float(match.group(1)), width))
    return words


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler's pdftotext")
def test_monthly_report_status_table_fits_the_page_in_english(client, world):
    """Every status present in the month (the widest case): the English status table stays
    inside the right margin (14 mm, about 40 pt) instead of running off the page."""
    place = {"unit": world.unit, "building": world.building}
    for n, status in enumerate(Status.values):
        make_ticket(
            world.estate, reported_at=local(2026, 3, 2 + n, 9, 0), place=place, status=status
        )
    client.force_login(world.manager)

    response = client.get(report_url(2026, 3), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    text = pdf_text(response.content)
    for label in Status.labels:
        assert str(label) in text
    words = _words_right_edges(response.content)
    assert words
    outside = [(w, x) for w, x, width in words if x > width - 39]
    assert outside == []
