"""The owner's repair pages: reporting (own unit, common area, QR scan, photos, emergency),
my tickets, one ticket with its actions (cancel, urge, verify, rate), and the QR scan
redirects for staff, owners, anonymous visitors and outsiders."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import Notification
from estates.choices import Role
from maintenance import services
from maintenance.choices import Category, Channel, PhotoKind, Priority, Status
from maintenance.models import Ticket, TicketPhoto

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def png(name="leak.png", colour="blue"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_image(name="leak.png"):
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is not a picture", content_type="image/png")


def report_url(**params):
    url = reverse("repairs:report")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def detail_url(ticket):
    return reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk})


def action_url(name, ticket):
    return reverse(f"repairs:{name}", kwargs={"ticket_pk": ticket.pk})


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def new_ticket(world, *, owner=None, unit=None, description="厨房水管漏水", **extra):
    owner = owner or world.owner
    data = services.ReportData(
        category=Category.PLUMBING, description=description, unit=unit or world.unit, **extra
    )
    return services.ticket_report_by_owner(actor=owner, data=data)


def to_completed(world, ticket):
    """Drive a ticket through the staff services up to COMPLETED (with an after photo)."""
    desk, tech = world.staff[Role.CUSTOMER_SERVICE], world.staff[Role.TECHNICIAN]
    services.ticket_register(ticket_id=ticket.pk, actor=desk)
    services.ticket_dispatch(ticket_id=ticket.pk, actor=desk, technician=tech)
    services.ticket_accept(ticket_id=ticket.pk, actor=tech)
    services.ticket_arrive(ticket_id=ticket.pk, actor=tech)
    services.ticket_start_repair(ticket_id=ticket.pk, actor=tech)
    services.ticket_complete(
        ticket_id=ticket.pk,
        actor=tech,
        work_done="更换水龙头阀芯",
        after_photos=[png("after.png", "green")],
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.COMPLETED
    return ticket


# --- Reporting -----------------------------------------------------------------------------


def test_report_page_offers_my_units_and_a_phone_camera_input(world, login):
    response = login(world.owner).get(report_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{world.unit.pk}"' in html
    assert f'value="{world.other_unit.pk}"' not in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'capture="environment"' in html and "multiple" in html
    assert 'type="datetime-local"' in html
    assert "people trapped in a lift" in html  # the emergency checkbox explains itself
    # The building list offers only the buildings of my estate.
    assert world.building.name in html and world.other_building.name not in html


def test_report_for_my_unit_with_a_photo(world, login):
    client = login(world.owner)
    response = client.post(
        report_url(),
        {
            "where": str(world.unit.pk),
            "category": Category.PLUMBING,
            "description": "厨房水槽下面漏水",
            "preferred_from": "2026-12-01T09:00",
            "preferred_to": "2026-12-01T12:00",
            "photos": [png()],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(ticket)
    assert ticket.status == Status.REPORTED
    assert ticket.channel == Channel.PORTAL
    assert ticket.priority == Priority.NORMAL
    assert ticket.unit == world.unit and ticket.reporter == world.owner_person
    assert timezone.localtime(ticket.preferred_from).hour == 9
    photo = TicketPhoto.objects.get(ticket=ticket)
    assert photo.kind == PhotoKind.REPORT and photo.file.name.endswith(".png")
    desk = world.staff[Role.CUSTOMER_SERVICE]
    assert Notification.objects.filter(recipient=desk, title__contains=ticket.number).exists()
    assert any(ticket.number in text for text in texts(response))
    # The owner's page then shows the report and its photo.
    page = client.get(detail_url(ticket)).content.decode()
    photo_url = reverse(
        "repairs:ticket_photo", kwargs={"ticket_pk": ticket.pk, "photo_pk": photo.pk}
    )
    assert "厨房水槽下面漏水" in page and photo_url in page and photo.file.name not in page
    served = client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_report_for_a_unit_that_is_not_mine_is_404_and_saves_nothing(world, login):
    response = login(world.owner).post(
        report_url(),
        {
            "where": str(world.other_unit.pk),
            "category": Category.PLUMBING,
            "description": "不是我的房子",
        },
    )
    assert response.status_code in (403, 404)
    assert not Ticket.objects.exists()


def test_report_in_a_building_of_another_estate_is_404(world, login):
    response = login(world.owner).post(
        report_url(),
        {
            "where": "common",
            "building": str(world.other_building.pk),
            "location": "大堂",
            "category": Category.PUBLIC_FACILITY,
            "description": "灯坏了",
        },
    )
    assert response.status_code == 404
    assert not Ticket.objects.exists()


def test_a_fake_image_is_refused_next_to_the_photo_field(world, login):
    response = login(world.owner).post(
        report_url(),
        {
            "where": str(world.unit.pk),
            "category": Category.PLUMBING,
            "description": "漏水",
            "photos": [png(), fake_image("virus.png")],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["photos"]
    assert "virus.png" in form.errors["photos"][0]
    html = response.content.decode()
    refusal = (
        "virus.png: This content is not an accepted type. "
        "Accepted: JPEG, PNG or WebP photos, at most 10.0\xa0MB each."
    )
    assert refusal in html
    # Also in the error summary at the top of the form, which app.js focuses.
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert refusal in summary
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists()


def test_at_most_six_photos(world, login):
    response = login(world.owner).post(
        report_url(),
        {
            "where": str(world.unit.pk),
            "category": Category.PLUMBING,
            "description": "漏水",
            "photos": [png(f"p{i}.png") for i in range(7)],
        },
    )
    assert response.status_code == 200
    assert "At most 6 photos" in response.context["form"].errors["photos"][0]
    assert not Ticket.objects.exists()


def test_a_window_that_ends_before_it_starts_is_refused(world, login):
    response = login(world.owner).post(
        report_url(),
        {
            "where": str(world.unit.pk),
            "category": Category.PLUMBING,
            "description": "漏水",
            "preferred_from": "2026-12-01T12:00",
            "preferred_to": "2026-12-01T09:00",
        },
    )
    assert response.status_code == 200
    assert "preferred_to" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_common_area_needs_a_place(world, login):
    response = login(world.owner).post(
        report_url(),
        {"where": "common", "category": Category.PUBLIC_FACILITY, "description": "灯坏了"},
    )
    assert response.status_code == 200
    assert "location" in response.context["form"].errors
    response = login(world.owner).post(
        report_url(),
        {
            "where": "common",
            "building": str(world.building.pk),
            "location": "一楼大堂",
            "category": Category.PUBLIC_FACILITY,
            "description": "灯坏了",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.unit is None and ticket.building == world.building
    assert ticket.location == "一楼大堂" and ticket.estate == world.estate


def test_an_emergency_calls_the_technician_on_duty_and_the_manager(world, login):
    tech = world.staff[Role.TECHNICIAN]
    tech.memberships.update(on_duty=True)
    response = login(world.owner).post(
        report_url(),
        {
            "where": str(world.unit.pk),
            "category": Category.PLUMBING,
            "description": "水管爆裂，水漫到客厅",
            "emergency": "on",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.priority == Priority.EMERGENCY
    told = set(
        Notification.objects.filter(title__contains=ticket.number).values_list(
            "recipient", flat=True
        )
    )
    assert {tech.pk, world.manager.pk} <= told
    assert any("technician on duty" in text for text in texts(response))


# --- QR codes --------------------------------------------------------------------------------


def scan_url(kind, obj):
    return reverse(f"maintenance:scan_{kind}", kwargs={f"{kind}_pk": obj.pk})


@pytest.mark.parametrize("kind", ["equipment", "building"])
def test_scan_sends_staff_to_the_staff_form(world, login, kind):
    obj = getattr(world, kind)
    response = login(world.staff[Role.TECHNICIAN]).get(scan_url(kind, obj))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('maintenance:ticket_create')}?{kind}={obj.pk}"
    # Staff of another estate: the object is outside their scope.
    assert login(world.other_manager).get(scan_url(kind, obj)).status_code == 404


@pytest.mark.parametrize("kind", ["equipment", "building"])
def test_scan_sends_an_owner_to_the_portal_form(world, login, kind):
    obj = getattr(world, kind)
    response = login(world.owner).get(scan_url(kind, obj))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('repairs:report')}?{kind}={obj.pk}"
    # An owner of another estate may not report there.
    assert login(world.other_owner).get(scan_url(kind, obj)).status_code == 404


@pytest.mark.parametrize("kind", ["equipment", "building"])
def test_scan_anonymous_signs_in_first_and_outsiders_get_403(world, client, login, kind):
    url = scan_url(kind, getattr(world, kind))
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login") and url in response["Location"]
    nobody = UserFactory(username="passer-by")
    assert login(nobody).get(url).status_code == 403


def test_a_report_from_an_equipment_scan_is_filled_in_and_kept_as_qr(world, login):
    client = login(world.owner)
    page = client.get(report_url(equipment=world.equipment.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert world.equipment.name in html and world.equipment.code in html
    form = page.context["form"]
    assert form.initial["where"] == "common"
    assert form.initial["category"] == Category.ELEVATOR
    response = client.post(
        report_url(equipment=world.equipment.pk),
        {
            "where": "common",
            "category": Category.ELEVATOR,
            "description": "电梯门关不上",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.QR
    assert ticket.equipment == world.equipment and ticket.estate == world.estate
    assert ticket.building == world.equipment.building


def test_a_report_naming_equipment_of_another_estate_is_404(world, login):
    client = login(world.owner)
    assert client.get(report_url(equipment=world.other_equipment.pk)).status_code == 404
    assert client.get(report_url(building=world.other_building.pk)).status_code == 404
    assert client.get(report_url(equipment="x")).status_code == 404


# --- My tickets and one ticket ---------------------------------------------------------------


def test_my_tickets_shows_only_mine(world, login):
    mine = new_ticket(world, description="我的工单")
    theirs = new_ticket(
        world, owner=world.other_owner, unit=world.other_unit, description="别人的工单"
    )
    response = login(world.owner).get(reverse("repairs:my_tickets"))
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.number in html and "我的工单" in html
    assert theirs.number not in html and "别人的工单" not in html


def test_my_tickets_empty_state_offers_to_report(world, login):
    response = login(world.owner).get(reverse("repairs:my_tickets"))
    html = response.content.decode()
    assert 'data-testid="empty-state"' in html and reverse("repairs:report") in html


def test_my_tickets_pages_newest_first(world, login):
    tickets = [new_ticket(world, description=f"问题{i}") for i in range(25)]
    client = login(world.owner)
    first = client.get(reverse("repairs:my_tickets"))
    rows = first.context["page"].rows
    assert [t.pk for t in rows] == [t.pk for t in reversed(tickets)][:20]
    assert first.context["page"].has_next
    second = client.get(
        reverse("repairs:my_tickets") + "?after=" + first.context["page"].next_cursor
    )
    assert [t.pk for t in second.context["page"].rows] == [t.pk for t in tickets[:5]][::-1]


def test_another_owners_ticket_is_404_on_every_page_and_action(world, login):
    ticket = new_ticket(world)
    client = login(world.other_owner)
    assert client.get(detail_url(ticket)).status_code == 404
    for name, data in [
        ("cancel", {}),
        ("urge", {}),
        ("verify", {"passed": "yes"}),
        ("rate", {"rating": "5"}),
    ]:
        assert client.post(action_url(name, ticket), data).status_code == 404, name
    ticket.refresh_from_db()
    assert ticket.status == Status.REPORTED and ticket.urge_count == 0


def test_actions_are_post_only(world, login):
    ticket = new_ticket(world)
    client = login(world.owner)
    for name in ("cancel", "urge", "verify", "rate"):
        assert client.get(action_url(name, ticket)).status_code == 405


def test_ticket_page_shows_promises_actions_and_timeline(world, login):
    ticket = new_ticket(world)
    html = login(world.owner).get(detail_url(ticket)).content.decode()
    assert "We will answer your request by" in html
    assert "We will be there by" in html
    assert action_url("cancel", ticket) in html and action_url("urge", ticket) in html
    assert action_url("rate", ticket) not in html
    assert "Problem reported" in html


def test_the_technician_is_named_once_dispatched_and_staff_notes_stay_inside(world, login):
    ticket = new_ticket(world)
    desk = world.staff[Role.CUSTOMER_SERVICE]
    tech = world.staff[Role.TECHNICIAN]
    tech.display_name = "王师傅"
    tech.save()
    second = UserFactory(username="tech2", display_name="李师傅")
    world.estate.memberships.create(user=second, role=Role.TECHNICIAN)
    client = login(world.owner)
    assert 'data-testid="technician"' not in client.get(detail_url(ticket)).content.decode()
    services.ticket_register(ticket_id=ticket.pk, actor=desk)
    services.ticket_dispatch(ticket_id=ticket.pk, actor=desk, technician=tech)
    services.ticket_dispatch(
        ticket_id=ticket.pk, actor=desk, technician=second, reason="王师傅太慢，内部调整"
    )
    html = client.get(detail_url(ticket)).content.decode()
    assert "李师傅" in html
    assert "Another technician assigned" in html
    assert "内部调整" not in html  # the reassignment reason is for staff


def test_a_rejected_report_shows_the_reason(world, login):
    ticket = new_ticket(world)
    services.ticket_reject(
        ticket_id=ticket.pk, actor=world.staff[Role.CUSTOMER_SERVICE], reason="属于业主自行维修范围"
    )
    html = login(world.owner).get(detail_url(ticket)).content.decode()
    assert 'data-testid="reject-reason"' in html and "属于业主自行维修范围" in html


# --- Actions --------------------------------------------------------------------------------


def test_urge_twice_within_the_interval_is_refused_the_second_time(world, login):
    ticket = new_ticket(world)
    client = login(world.owner)
    first = client.post(action_url("urge", ticket))
    assert first.status_code == 302 and first["Location"] == detail_url(ticket)
    assert any("reminded" in text for text in texts(first))
    second = client.post(action_url("urge", ticket))
    assert any("you can urge again in" in text for text in texts(second))
    ticket.refresh_from_db()
    assert ticket.urge_count == 1
    assert "You can urge again after" in client.get(detail_url(ticket)).content.decode()
    # Once the interval has passed, urging works again.
    Ticket.objects.filter(pk=ticket.pk).update(
        last_urged_at=timezone.now() - services.urge_interval(ticket.estate) - timedelta(minutes=1)
    )
    client.post(action_url("urge", ticket))
    ticket.refresh_from_db()
    assert ticket.urge_count == 2


def test_cancel_before_dispatch(world, login):
    ticket = new_ticket(world)
    services.ticket_register(ticket_id=ticket.pk, actor=world.staff[Role.CUSTOMER_SERVICE])
    ticket.refresh_from_db()
    response = login(world.owner).post(
        action_url("cancel", ticket), {"version": ticket.version, "reason": "自己修好了"}
    )
    assert response.status_code == 302
    assert any("cancelled" in text for text in texts(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED


def test_cancel_after_dispatch_is_refused(world, login):
    ticket = new_ticket(world)
    desk = world.staff[Role.CUSTOMER_SERVICE]
    services.ticket_register(ticket_id=ticket.pk, actor=desk)
    services.ticket_dispatch(
        ticket_id=ticket.pk, actor=desk, technician=world.staff[Role.TECHNICIAN]
    )
    ticket.refresh_from_db()
    client = login(world.owner)
    assert action_url("cancel", ticket) not in client.get(detail_url(ticket)).content.decode()
    response = client.post(action_url("cancel", ticket), {"version": ticket.version})
    assert response.status_code == 302
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert messages and messages[0][0] == "error" and "Dispatched" in messages[0][1]
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_an_action_on_a_page_that_is_out_of_date_changes_nothing(world, login):
    ticket = new_ticket(world)
    shown = ticket.version
    services.ticket_register(ticket_id=ticket.pk, actor=world.staff[Role.CUSTOMER_SERVICE])
    response = login(world.owner).post(action_url("cancel", ticket), {"version": shown})
    assert any("Someone else changed this ticket" in text for text in texts(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def test_rating_after_completion_follows_the_ticket_up(world, login):
    ticket = to_completed(world, new_ticket(world))
    client = login(world.owner)
    html = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="after-photos"' in html and "更换水龙头阀芯" in html
    assert action_url("rate", ticket) in html and action_url("verify", ticket) in html
    response = client.post(
        action_url("rate", ticket),
        {"version": ticket.version, "rating": "5", "comment": "师傅很专业"},
    )
    assert response.status_code == 302
    assert any("Thank you for rating" in text for text in texts(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.FOLLOWED_UP
    assert ticket.rating == 5 and ticket.rating_comment == "师傅很专业"
    html = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="rating"' in html and action_url("rate", ticket) not in html


def test_a_rating_out_of_range_is_refused(world, login):
    ticket = to_completed(world, new_ticket(world))
    response = login(world.owner).post(
        action_url("rate", ticket), {"version": ticket.version, "rating": "9"}
    )
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    ticket.refresh_from_db()
    assert ticket.status == Status.COMPLETED


def test_the_owner_confirms_the_repair(world, login):
    ticket = to_completed(world, new_ticket(world))
    response = login(world.owner).post(
        action_url("verify", ticket), {"version": ticket.version, "passed": "yes"}
    )
    assert any("confirmed" in text for text in texts(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.VERIFIED


def test_still_not_fixed_needs_a_reason_and_sends_it_back(world, login):
    ticket = to_completed(world, new_ticket(world))
    client = login(world.owner)
    response = client.post(
        action_url("verify", ticket), {"version": ticket.version, "passed": "no"}
    )
    assert any("Say what is still wrong" in text for text in texts(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.COMPLETED
    response = client.post(
        action_url("verify", ticket),
        {"version": ticket.version, "passed": "no", "reason": "还在滴水"},
    )
    assert any("goes back to the technician" in text for text in texts(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    html = client.get(detail_url(ticket)).content.decode()
    assert "还在滴水" in html  # the owner's own words stay on their timeline


def test_staff_are_not_owners(world, login):
    ticket = new_ticket(world)
    client = login(world.manager)
    assert client.get(reverse("repairs:my_tickets")).status_code == 403
    assert client.get(detail_url(ticket)).status_code == 403


def test_owner_sees_what_to_pay_for_a_chargeable_repair_only(world, login):
    from decimal import Decimal

    from .test_services import ticket_in

    tech = world.staff[Role.TECHNICIAN]
    paid = ticket_in(world, Status.IN_REPAIR)
    services.ticket_complete(
        ticket_id=paid.pk,
        actor=tech,
        work_done="更换水龙头",
        materials=[services.MaterialLine("水龙头", Decimal("1"), Decimal("1234.5"))],
        labour_amount=Decimal("50"),
        chargeable=True,
        after_photos=[png()],
    )
    client = login(world.owner)
    page = client.get(detail_url(paid)).content.decode()
    assert "To pay (materials and labour)" in page and "¥1,284.50" in page

    free = ticket_in(world, Status.IN_REPAIR)
    services.ticket_complete(
        ticket_id=free.pk,
        actor=tech,
        work_done="楼道灯更换",
        materials=[services.MaterialLine("灯泡", Decimal("2"), Decimal("15"))],
        chargeable=False,
        after_photos=[png()],
    )
    page = client.get(detail_url(free)).content.decode()
    assert "To pay" not in page
    assert Ticket.objects.get(pk=free.pk).amount == Decimal("30.00")  # recorded as cost
