"""The complaint pages: the board (filters, search, anonymity, export), intake, the
detail page's actions from the transition table, the owner's pages, the case summary."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from complaints.choices import Category, Cause, Channel, Kind
from complaints.choices import Status as S
from complaints.models import Complaint, PreventionAction
from estates.choices import Role

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
BOARD = reverse("complaints:complaint_board")


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("noise.png", buffer.getvalue(), content_type="image/png")


def test_board_filters_searches_and_marks_overdue(world, login):
    now = timezone.now()
    late = ComplaintFactory(unit=world.unit, acknowledge_due=now - timedelta(hours=1))
    fine = ComplaintFactory(unit=world.unit, category=Category.PARKING, description="车位被占")
    ComplaintFactory(unit=world.other_unit, description="别的小区")
    client = login(world.staff[Role.TECHNICIAN])  # everyone on staff may view
    body = client.get(BOARD).content.decode()
    assert late.number in body and fine.number in body and "别的小区" not in body
    tabs = client.get(BOARD).content.decode()
    assert 'data-status="open"' in tabs and 'data-status="overdue"' in tabs
    assert '<span class="badge text-bg-danger">1</span>' in tabs  # one overdue
    body = client.get(BOARD, {"overdue": "true"}).content.decode()
    assert late.number in body and fine.number not in body
    body = client.get(BOARD, {"category": "parking"}).content.decode()
    assert fine.number in body and late.number not in body
    body = client.get(BOARD, {"q": fine.number}).content.decode()
    assert fine.number in body and late.number not in body
    body = client.get(BOARD, {"q": "车位"}).content.decode()
    assert fine.number in body and late.number not in body


def test_an_anonymous_name_is_shown_to_the_manager_only(world, login):
    c = ComplaintFactory(unit=world.unit, complainant=world.owner_person, anonymous=True,
                         contact_name="王小明", contact_phone="13800001111")  # fmt: skip
    url = c.get_absolute_url()
    unit_page = world.unit.get_absolute_url()
    for role in (Role.CUSTOMER_SERVICE, Role.TECHNICIAN, Role.FINANCE):
        client = login(world.staff[role])
        for page in (url, BOARD):
            body = client.get(page).content.decode()
            assert "王小明" not in body and "13800001111" not in body, (role, page)
            assert "Anonymous" in body
        # Nor the unit, which would name them: not on the page, not on the unit's panel.
        assert world.unit.label not in client.get(url).content.decode()
        assert c.number not in client.get(unit_page).content.decode()
        # Nor found by their phone number.
        assert c.number not in client.get(BOARD, {"q": "13800001111"}).content.decode()
    client = login(world.manager)
    assert "王小明" in client.get(url).content.decode()
    assert c.number in client.get(unit_page).content.decode()
    assert "王小明" in client.get(BOARD).content.decode()
    # The export too: customer service may export, and sees no name.
    sheet = load_workbook(
        io.BytesIO(
            login(world.staff[Role.CUSTOMER_SERVICE])
            .get(reverse("complaints:complaint_export"))
            .content
        )  # fmt: skip
    ).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][0] == c.number and rows[1][8] == "Anonymous"
    sheet = load_workbook(
        io.BytesIO(login(world.manager).get(reverse("complaints:complaint_export")).content)
    ).active
    assert [cell.value for cell in list(sheet.iter_rows())[1]][8] == "王小明"


def test_customer_service_records_a_phone_complaint(world, login):
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    url = reverse("complaints:complaint_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": Kind.COMPLAINT, "channel": Channel.PHONE,
                                 "category": Category.CLEANLINESS, "severity": "normal",
                                 "unit": world.unit.pk, "description": "",
                                 "responsible": world.manager.pk})  # fmt: skip
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "This field is required" in response.content.decode()
    response = client.post(url, {"kind": Kind.COMPLAINT, "channel": Channel.PHONE,
                                 "category": Category.CLEANLINESS, "severity": "high",
                                 "unit": world.unit.pk, "description": "垃圾两天没清",
                                 "contact_phone": world.owner_person.mobile,
                                 "responsible": world.manager.pk})  # fmt: skip
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    assert c.channel == Channel.PHONE and c.responsible == world.manager
    assert c.complainant == world.owner_person  # found by the phone number
    assert c.created_by == world.staff[Role.CUSTOMER_SERVICE]


def test_the_detail_page_offers_the_tables_actions_and_they_work(world, login):
    c = ComplaintFactory(unit=world.unit, complainant=world.owner_person)
    tech = login(world.staff[Role.TECHNICIAN]).get(c.get_absolute_url()).content.decode()
    assert 'data-action="acknowledge"' not in tech and 'data-testid="no-actions"' in tech
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    body = client.get(c.get_absolute_url()).content.decode()
    assert 'data-action="acknowledge"' in body and 'data-action="cancel"' in body
    assert 'data-action="resolve"' not in body
    act = reverse("complaints:complaint_action", kwargs={"complaint_pk": c.pk, "step": "resolve"})
    response = client.post(act, {"version": c.version, "resolution": "x", "cause": "other"})
    assert response.status_code == 302 and Complaint.objects.get(pk=c.pk).status == S.NEW
    act = reverse("complaints:complaint_action",
                  kwargs={"complaint_pk": c.pk, "step": "acknowledge"})  # fmt: skip
    client.post(act, {"version": c.version, "responsible": world.staff[Role.CUSTOMER_SERVICE].pk})
    c.refresh_from_db()
    assert c.status == S.ACKNOWLEDGED
    act = reverse("complaints:complaint_action", kwargs={"complaint_pk": c.pk, "step": "resolve"})
    response = client.post(act, {"version": c.version, "resolution": "", "cause": ""})
    assert response.status_code == 200  # errors next to the fields
    assert "This field is required" in response.content.decode()
    client.post(act, {"version": c.version, "resolution": "已协调", "cause": Cause.NEIGHBOUR})
    c.refresh_from_db()
    assert c.status == S.RESOLVED and c.resolution == "已协调"
    body = client.get(c.get_absolute_url()).content.decode()
    assert 'data-testid="timeline"' in body and "Resolved" in body


def test_open_a_repair_ticket_and_see_its_progress(world, login):
    c = ComplaintFactory(unit=world.unit, status=S.ACKNOWLEDGED, acknowledged_at=timezone.now())
    client = login(world.manager)
    act = reverse("complaints:complaint_action", kwargs={"complaint_pk": c.pk, "step": "repair"})
    client.post(act, {"version": c.version, "category": "plumbing", "description": "楼上渗水"})
    c.refresh_from_db()
    assert c.ticket is not None and c.ticket.description == "楼上渗水"
    body = client.get(c.get_absolute_url()).content.decode()
    assert c.ticket.number in body and 'data-testid="repair-status"' in body


def test_the_owner_files_with_a_photo_follows_and_rates(world, login):
    client = login(world.owner)
    url = reverse("portal_complaints:file_complaint")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": Kind.COMPLAINT, "unit": world.unit.pk,
                                 "category": Category.NOISE, "description": "楼上半夜装修",
                                 "anonymous": "on", "photos": [png()]})  # fmt: skip
    c = Complaint.objects.get()
    detail = reverse("portal_complaints:complaint_detail", kwargs={"complaint_pk": c.pk})
    assert response.status_code == 302 and response["Location"] == detail
    assert c.anonymous and c.complainant == world.owner_person and c.photos.count() == 1
    assert login(world.other_owner).get(detail).status_code == 404
    client = login(world.owner)
    assert "楼上半夜装修" in client.get(reverse("portal_complaints:my_complaints")).content.decode()
    Complaint.objects.filter(pk=c.pk).update(status=S.RESOLVED, resolution="已沟通",
                                             resolved_at=timezone.now())  # fmt: skip
    body = client.get(detail).content.decode()
    assert 'data-action="confirm"' in body and "已沟通" in body
    step = reverse("portal_complaints:complaint_step",
                   kwargs={"complaint_pk": c.pk, "owner_step": "confirm"})  # fmt: skip
    client.post(step, {"version": c.version, "rating": "4", "comment": "谢谢"})
    c.refresh_from_db()
    assert c.status == S.CLOSED and c.rating == 4


def test_the_owner_reopens_with_a_reason(world, login):
    c = ComplaintFactory(unit=world.unit, complainant=world.owner_person, status=S.RESOLVED)
    client = login(world.owner)
    step = reverse("portal_complaints:complaint_step",
                   kwargs={"complaint_pk": c.pk, "owner_step": "reopen"})  # fmt: skip
    client.post(step, {"version": c.version, "reason": ""})
    assert Complaint.objects.get(pk=c.pk).status == S.RESOLVED
    client.post(step, {"version": c.version, "reason": "还是很吵"})
    c.refresh_from_db()
    assert c.status == S.REOPENED and c.reopen_reason == "还是很吵"


def test_repairs_that_went_badly_become_complaints_in_one_click(world, login):
    from maintenance.models import Ticket

    now = timezone.now()
    ticket = Ticket.objects.create(
        estate=world.estate, unit=world.unit, category="plumbing", channel="portal",
        description="漏水", reporter=world.owner_person, reported_at=now, response_due=now,
        onsite_due=now, completion_due=now, number="JXY-9", rating=1,
    )  # fmt: skip
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    page = reverse("complaints:repairs_to_review")
    assert "JXY-9" in client.get(page).content.decode()
    client.post(reverse("complaints:complaint_from_ticket", kwargs={"ticket_pk": ticket.pk}))
    c = Complaint.objects.get()
    assert c.ticket == ticket and c.channel == Channel.REPAIR
    assert "JXY-9" not in client.get(page).content.decode()


def test_case_summary_page_pdf_and_prevention_actions(world, login):
    now = timezone.now()
    ComplaintFactory(unit=world.unit, status=S.CLOSED, cause=Cause.NEIGHBOUR, closed_at=now,
                     typical=True, lesson="装修前张贴告示")  # fmt: skip
    ComplaintFactory(unit=world.unit, category=Category.PARKING)
    # One acknowledged in time, one late: 50 %.
    ComplaintFactory(unit=world.unit, acknowledged_at=now - timedelta(hours=3),
                     filed_at=now - timedelta(hours=4))  # fmt: skip
    ComplaintFactory(unit=world.unit, acknowledged_at=now - timedelta(hours=1),
                     filed_at=now - timedelta(hours=4))  # fmt: skip
    world.manager.language = "zh-hans"
    world.manager.save(update_fields=["language"])
    client = login(world.manager)
    body = client.get(reverse("complaints:case_summary")).content.decode()
    assert "装修前张贴告示" in body and 'data-testid="by-cause"' in body
    assert '<div class="fs-4 value" data-kpi="acknowledged">50.0%</div>' in body
    response = client.post(reverse("complaints:prevention_add"), {
        "category": Category.NOISE, "description": "装修管理规定上墙",
        "owner": world.staff[Role.CUSTOMER_SERVICE].pk,
        "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    action = PreventionAction.objects.get()
    assert action.owner == world.staff[Role.CUSTOMER_SERVICE] and action.estate == world.estate
    response = client.get(reverse("complaints:case_summary_pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "投诉案例总结" in text and "锦绣园" in text
    assert "装修前张贴告示" in text and "装修管理规定上墙" in text and "邻里之间" in text
    assert "按时受理" in text and "50.0%" in text
    client.post(reverse("complaints:prevention_done", kwargs={"prevention_pk": action.pk}))
    action.refresh_from_db()
    assert action.done_at is not None


def test_deadline_settings_change_new_complaints(world, login):
    client = login(world.manager)
    url = reverse("complaints:deadline_settings")
    form = {f"{c}_{k}": v for c in Category.values for k, v in (("hours", 8), ("days", 5))}
    form["noise_hours"], form["noise_days"] = 1, 3
    assert client.post(url, form).status_code == 302
    form["noise_hours"] = 0
    assert client.post(url, form).status_code == 200
    from complaints import deadlines

    assert deadlines.rule_for(world.estate, Category.NOISE) == deadlines.Rule(1, 3)
    assert login(world.staff[Role.CUSTOMER_SERVICE]).get(url).status_code == 403


def test_the_admin_shows_complaints_read_only_without_the_complainant(world, login):
    c = ComplaintFactory(unit=world.unit, complainant=world.owner_person, anonymous=True,
                         contact_name="王小明")  # fmt: skip
    client = login(world.admin)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    assert client.get(reverse("admin:complaints_complaint_changelist")).status_code == 200
    response = client.get(reverse("admin:complaints_complaint_change", args=[c.pk]))
    assert response.status_code == 200 and "王小明" not in response.content.decode()
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403


def test_board_queries_do_not_grow_with_its_rows(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.staff[Role.CUSTOMER_SERVICE])
    ComplaintFactory(unit=world.unit, complainant=world.owner_person)
    client.get(BOARD)
    with CaptureQueriesContext(connection) as one:
        client.get(BOARD)
    for _ in range(30):
        ComplaintFactory(unit=world.unit, complainant=world.owner_person, anonymous=True)
    with CaptureQueriesContext(connection) as many:
        body = client.get(BOARD).content.decode()
    assert body.count("data-complaint=") == 31
    assert len(many.captured_queries) == len(one.captured_queries)
