"""Staff repair pages: the board (filters, counts, query count), recording a report for an
owner, the ticket page (allowed actions per role, suggestions, stale forms, errors next to
fields), the technician's phone page and the estate's deadlines."""

import base64
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import AuditEvent
from estates.choices import Role, ServiceLevel
from maintenance import services, sla
from maintenance.choices import Category, Channel, PhotoKind, Priority, Status
from maintenance.models import SlaPolicy, Ticket
from maintenance.selectors import suggest_technicians

from ..factories import BuildingFactory, MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def png_bytes(color=(40, 120, 200), size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def fake_png(name="fake.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/png")


def cs(world):
    return world.staff[Role.CUSTOMER_SERVICE]


def tech(world):
    return world.staff[Role.TECHNICIAN]


def report(world, *, unit=None, category=Category.PLUMBING, priority=Priority.NORMAL, **kw):
    data = services.ReportData(
        category=category,
        description=kw.pop("description", "厨房水管漏水"),
        unit=unit if unit is not None else world.unit,
        priority=priority,
        **kw,
    )
    return services.ticket_report_by_staff(
        actor=cs(world), estate=world.estate, data=data, channel=Channel.PHONE
    )


def dispatched(world, technician=None, **kw):
    ticket = report(world, **kw)
    services.ticket_register(ticket_id=ticket.pk, actor=cs(world))
    return services.ticket_dispatch(
        ticket_id=ticket.pk, actor=cs(world), technician=technician or tech(world)
    )


def in_repair(world):
    ticket = dispatched(world)
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_start_repair):
        step(ticket_id=ticket.pk, actor=tech(world))
    return Ticket.objects.get(pk=ticket.pk)


def action_url(ticket, action):
    return reverse("maintenance:ticket_action", kwargs={"ticket_pk": ticket.pk, "action": action})


def detail(client, ticket):
    return client.get(ticket.get_absolute_url())


def shown_actions(response) -> set[str]:
    return set(re.findall(r'data-action="([\w-]+)"', response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_messages(client, response) -> list[str]:
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


# --- Board -------------------------------------------------------------------------------------


def test_board_across_estates_and_after_choosing_one(world, login):
    """The company admin sees every estate's tickets (with an estate column, counts and
    emergencies of all); choosing an estate in the switcher narrows the board to it."""
    mine = report(world, priority=Priority.EMERGENCY)
    theirs = services.ticket_report_by_staff(
        actor=world.other_manager,
        estate=world.other_estate,
        data=services.ReportData(
            category=Category.PLUMBING,
            description="隔壁小区漏水",
            unit=world.other_unit,
            priority=Priority.EMERGENCY,
        ),
        channel=Channel.PHONE,
    )
    client = login(world.admin)
    url = reverse("maintenance:ticket_board")
    response = client.get(url)
    assert {t.pk for t in response.context["rows"]} == {mine.pk, theirs.pk}
    assert {t.pk for t in response.context["emergencies"]} == {mine.pk, theirs.pk}
    assert response.context["counts"][Status.REPORTED] == 2
    body = response.content.decode()
    assert "<th>Estate</th>" in body and "锦绣园" in body and "翠湖苑" in body

    client.post(reverse("staff:estate_switch"), {"estate": world.other_estate.pk})
    response = client.get(url)
    assert [t.pk for t in response.context["rows"]] == [theirs.pk]
    assert [t.pk for t in response.context["emergencies"]] == [theirs.pk]
    assert response.context["counts"][Status.REPORTED] == 1
    assert "<th>Estate</th>" not in response.content.decode()


def test_board_lists_scoped_tickets_with_filters_and_counts(world, login):
    plumbing = report(world)
    elevator = report(world, category=Category.ELEVATOR, priority=Priority.EMERGENCY, unit=None)
    Ticket.objects.filter(pk=elevator.pk).update(location="1栋电梯")
    done = dispatched(world)
    Ticket.objects.filter(pk=done.pk).update(completion_overdue=True)
    other = services.ticket_report_by_staff(
        actor=world.other_manager,
        estate=world.other_estate,
        data=services.ReportData(
            category=Category.PLUMBING, description="隔壁小区", unit=world.other_unit
        ),
        channel=Channel.PHONE,
    )
    client = login(world.manager)
    url = reverse("maintenance:ticket_board")

    response = client.get(url)
    assert response.status_code == 200
    pks = {t.pk for t in response.context["rows"]}
    assert pks == {plumbing.pk, elevator.pk, done.pk}
    assert other.pk not in pks
    counts = response.context["counts"]
    assert counts[Status.REPORTED] == 2
    assert counts[Status.DISPATCHED] == 1
    assert counts["open"] == 3 and counts["overdue"] == 1
    assert Status.CLOSED not in counts  # ended tickets are not counted
    # Emergencies are pinned above the table.
    assert [t.pk for t in response.context["emergencies"]] == [elevator.pk]
    assert 'data-testid="emergencies"' in response.content.decode()
    assert 'data-testid="new-ticket"' in response.content.decode()

    def rows(**params):
        return {t.pk for t in client.get(url, params).context["rows"]}

    assert rows(status=Status.DISPATCHED) == {done.pk}
    assert rows(status="open") == {plumbing.pk, elevator.pk, done.pk}
    assert rows(category=Category.ELEVATOR) == {elevator.pk}
    assert rows(priority=Priority.EMERGENCY) == {elevator.pk}
    assert rows(technician=tech(world).pk) == {done.pk}
    assert rows(overdue="true") == {done.pk}
    assert rows(overdue="false") == {plumbing.pk, elevator.pk}
    assert rows(q=plumbing.number) == {plumbing.pk}
    assert rows(q="电梯") == set()  # the description, not the place
    today = plumbing.reported_at.astimezone().date().isoformat()
    assert rows(reported_from=today, reported_to=today) == {plumbing.pk, elevator.pk, done.pk}
    assert rows(reported_from="2099-01-01") == set()
    empty = client.get(url, {"category": Category.HVAC})
    assert 'data-testid="empty"' in empty.content.decode()


def test_board_overdue_filter_starts_on_all(world, login):
    client = login(world.manager)
    url = reverse("maintenance:ticket_board")

    def overdue_select(params):
        html = client.get(url, params).content.decode()
        return re.search(r'<select[^>]*name="overdue"[^>]*>(.*?)</select>', html, re.S).group(1)

    first = overdue_select({})
    assert "Unknown" not in first
    assert re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', first) == [
        ("", " selected", "All"),
        ("true", "", "Overdue"),
        ("false", "", "Not overdue"),
    ]
    assert '<option value="true" selected>' in overdue_select({"overdue": "true"})
    assert '<option value="false" selected>' in overdue_select({"overdue": "false"})


def test_board_technician_choices_are_the_estates_technicians(world, login):
    MembershipFactory(
        user=UserFactory(username="chy-tech"), estate=world.other_estate, role="technician"
    )
    response = login(world.manager).get(reverse("maintenance:ticket_board"))
    choices = dict(response.context["filter"].form.fields["technician"].choices)
    assert tech(world).pk in choices
    assert UserFactory(username="chy-tech").pk not in choices


def test_finance_sees_the_board_without_new_ticket(world, login):
    report(world)
    response = login(world.staff[Role.FINANCE]).get(reverse("maintenance:ticket_board"))
    assert response.status_code == 200
    assert 'data-testid="new-ticket"' not in response.content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_board_query_count_does_not_grow_with_rows(world, login):
    buildings = [world.building, BuildingFactory(estate=world.estate, name="5栋")]
    technicians = [tech(world)]
    for n in range(2):
        user = UserFactory(username=f"tech-{n}", display_name=f"师傅{n}")
        MembershipFactory(user=user, estate=world.estate, role=Role.TECHNICIAN)
        technicians.append(user)

    def add(count, start):
        for n in range(start, start + count):
            unit = UnitFactory(building=buildings[n % 2], number=f"9{n:03d}")
            ticket = report(
                world, unit=unit, priority=Priority.EMERGENCY if n % 7 == 0 else "normal"
            )
            if n % 3 == 0:
                services.ticket_register(ticket_id=ticket.pk, actor=cs(world))
                services.ticket_dispatch(
                    ticket_id=ticket.pk, actor=cs(world), technician=technicians[n % 3]
                )

    add(5, 0)
    client = login(world.manager)
    url = reverse("maintenance:ticket_board")
    client.get(url)  # warm caches
    few, shown_few = _count(client, url)
    add(35, 5)
    client.get(url)  # the board's cached figures are computed again after the new tickets
    many, shown_many = _count(client, url)
    assert (shown_few, shown_many) == (5, 40)
    assert many == few


# --- Recording a report for an owner -------------------------------------------------------


def test_customer_service_records_a_phone_report_with_photos(world, login):
    client = login(cs(world))
    url = reverse("maintenance:ticket_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "channel": Channel.WECHAT,
            "building": world.building.pk,
            "unit_number": world.unit.number,
            "category": Category.PLUMBING,
            "priority": Priority.URGENT,
            "description": "卫生间漏水到楼下",
            "reporter_mobile": world.owner_person.mobile,
            "photos": [png("a.png"), png("b.png")],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get()
    assert response["Location"] == ticket.get_absolute_url()
    assert ticket.channel == Channel.WECHAT
    assert ticket.unit == world.unit and ticket.reporter == world.owner_person
    assert ticket.priority == Priority.URGENT and ticket.created_by == cs(world)
    assert ticket.photos.filter(kind=PhotoKind.REPORT).count() == 2
    page = client.get(response["Location"])
    assert "WeChat" in page.content.decode()
    assert f"Ticket {ticket.number} recorded." in [str(m) for m in page.context["messages"]]
    photo = ticket.photos.first()
    photo_url = reverse(
        "maintenance:ticket_photo", kwargs={"ticket_pk": ticket.pk, "photo_pk": photo.pk}
    )
    assert photo_url in page.content.decode()


def test_an_emergency_filed_by_staff_does_not_say_registered_while_reported(world, login):
    """In Chinese the message and the page said 已登记 (registered) for a ticket that is
    still 已报修 (reported): an emergency is recorded; someone registers it afterwards."""
    client = login(cs(world))
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("maintenance:ticket_create"),
        {
            "channel": Channel.PHONE,
            "building": world.building.pk,
            "unit_number": world.unit.number,
            "category": Category.PLUMBING,
            "priority": Priority.EMERGENCY,
            "description": "水管爆裂",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.status == Status.REPORTED and ticket.registered_at is None
    html = response.content.decode()
    message = [str(m) for m in response.context["messages"]]
    assert message == [f"紧急报修 {ticket.number} 已录入，尚待登记；已通知值班维修技工和项目经理。"]
    status = re.search(r'data-testid="status">([^<]*)<', html).group(1)
    channel = re.search(r'data-testid="channel">(.*?)</dd>', html, re.S).group(1)
    assert status == "已报修"
    assert "录入" in channel and "登记" not in channel


def test_fake_photo_is_refused_next_to_the_field(world, login):
    client = login(cs(world))
    response = client.post(
        reverse("maintenance:ticket_create"),
        {
            "channel": Channel.PHONE,
            "location": "2栋大堂",
            "building": world.building.pk,
            "category": Category.CIVIL,
            "priority": Priority.NORMAL,
            "description": "墙面开裂",
            "photos": [fake_png()],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "photos" in errors and "fake.png" in errors["photos"][0]
    assert "not an accepted type" in response.content.decode()
    assert not Ticket.objects.exists()


def test_create_needs_a_place_and_a_real_unit(world, login):
    client = login(cs(world))
    url = reverse("maintenance:ticket_create")
    base = {"channel": "phone", "category": "plumbing", "priority": "normal", "description": "x"}
    response = client.post(url, base)
    assert "location" in response.context["form"].errors
    response = client.post(url, {**base, "building": world.building.pk, "unit_number": "9999"})
    assert "unit_number" in response.context["form"].errors
    response = client.post(url, {**base, "location": "大门", "reporter_mobile": "13999999999"})
    assert "reporter_mobile" in response.context["form"].errors
    # Another estate's building is not a choice.
    response = client.post(url, {**base, "building": world.other_building.pk, "location": "x"})
    assert "building" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_scanned_equipment_prefills_the_form(world, login):
    client = login(tech(world))
    response = client.get(reverse("maintenance:ticket_create"), {"equipment": world.equipment.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["equipment"] == world.equipment.pk
    assert form.initial["category"] == Category.ELEVATOR
    assert 'data-testid="scanned"' in response.content.decode()
    # Another estate's equipment: 404.
    response = client.get(
        reverse("maintenance:ticket_create"), {"equipment": world.other_equipment.pk}
    )
    assert response.status_code == 404


def test_duplicate_is_pointed_out_on_the_new_ticket(world, login):
    first = report(world)
    second = report(world)
    assert second.duplicate_of == first
    response = detail(login(cs(world)), second)
    assert 'data-testid="duplicate"' in response.content.decode()
    assert first.number in response.content.decode()


def test_finance_may_not_record_a_report(world, login):
    response = login(world.staff[Role.FINANCE]).get(reverse("maintenance:ticket_create"))
    assert response.status_code == 403


# --- The ticket page ---------------------------------------------------------------------------


def test_actions_shown_per_role_and_state(world, login):
    ticket = report(world)
    assert shown_actions(detail(login(cs(world)), ticket)) == {"register", "reject", "cancel"}
    assert shown_actions(detail(login(tech(world)), ticket)) == set()
    finance = detail(login(world.staff[Role.FINANCE]), ticket)
    assert shown_actions(finance) == set()
    assert 'data-testid="no-actions"' in finance.content.decode()

    services.ticket_register(ticket_id=ticket.pk, actor=cs(world))
    assert shown_actions(detail(login(cs(world)), ticket)) == {"dispatch", "cancel"}
    services.ticket_dispatch(ticket_id=ticket.pk, actor=cs(world), technician=tech(world))
    assert shown_actions(detail(login(tech(world)), ticket)) == {"accept"}
    assert "accept" not in shown_actions(detail(login(cs(world)), ticket))
    assert shown_actions(detail(login(world.staff[Role.FINANCE]), ticket)) == set()

    # Another technician of the estate, not assigned: nothing to do.
    other_tech = UserFactory(username="li.shifu")
    MembershipFactory(user=other_tech, estate=world.estate, role=Role.TECHNICIAN)
    assert shown_actions(detail(login(other_tech), ticket)) == set()


def test_mobile_is_masked_without_view_people(world, login):
    world.owner_person.mobile = "13812345678"
    world.owner_person.save(update_fields=["mobile"])
    ticket = services.ticket_report_by_staff(
        actor=cs(world),
        estate=world.estate,
        data=services.ReportData(category="plumbing", description="漏水", unit=world.unit),
        channel=Channel.PHONE,
        reporter=world.owner_person,
    )
    shown = detail(login(cs(world)), ticket).content.decode()
    assert "13812345678" in shown
    hidden = detail(login(world.staff[Role.ENVIRONMENT]), ticket).content.decode()
    assert "13812345678" not in hidden and "138****5678" in hidden


def test_suggestions_by_skill_then_load(world, login):
    busy_plumber = UserFactory(username="busy", display_name="赵师傅")
    MembershipFactory(
        user=busy_plumber, estate=world.estate, role=Role.TECHNICIAN, skills=["plumbing"]
    )
    electrician = UserFactory(username="elec", display_name="钱师傅")
    MembershipFactory(
        user=electrician, estate=world.estate, role=Role.TECHNICIAN, skills=["electrical"]
    )
    for _n in range(2):
        dispatched(world, technician=busy_plumber, unit=UnitFactory(building=world.building))
    ticket = report(world, unit=UnitFactory(building=world.building))
    services.ticket_register(ticket_id=ticket.pk, actor=cs(world))

    order = [(m.user_id, m.skill_match, m.load) for m in suggest_technicians(ticket)]
    assert order == [
        (tech(world).pk, True, 0),
        (busy_plumber.pk, True, 2),
        (electrician.pk, False, 0),
    ]

    client = login(cs(world))
    page = detail(client, ticket).content.decode()
    positions = [page.index(f'data-technician="{pk}"') for pk, _m, _l in order]
    assert positions == sorted(positions)

    response = client.post(
        action_url(ticket, "dispatch"),
        {"version": Ticket.objects.get(pk=ticket.pk).version, "technician": electrician.pk},
    )
    assert follow_messages(client, response) == [f"Ticket {ticket.number} dispatched to 钱师傅."]
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.technician == electrician

    # Reassigning needs a reason (shown next to the field), then keeps it.
    response = client.post(
        action_url(ticket, "dispatch"), {"version": ticket.version, "technician": busy_plumber.pk}
    )
    assert response.status_code == 200
    assert response.context["open_action"] == "dispatch"
    bound = dict((a.slug, f) for a, f in response.context["actions"])["dispatch"]
    assert "reason" in bound.errors
    response = client.post(
        action_url(ticket, "dispatch"),
        {"version": ticket.version, "technician": busy_plumber.pk, "reason": "钱师傅请假"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.technician == busy_plumber


def test_stale_version_changes_nothing(world, login):
    ticket = report(world)
    shown_version = ticket.version
    services.ticket_register(ticket_id=ticket.pk, actor=world.manager)  # someone else, first
    client = login(cs(world))
    response = client.post(
        action_url(ticket, "register"),
        {"version": shown_version, "priority": "urgent", "category": "plumbing"},
    )
    messages = follow_messages(client, response)
    assert any("Someone else changed this ticket" in m for m in messages)
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.priority == Priority.NORMAL and after.version == shown_version + 1
    # A second dispatch from a page shown before the first one: refused.
    response = client.post(
        action_url(ticket, "dispatch"), {"version": after.version, "technician": tech(world).pk}
    )
    assert response.status_code == 302
    response = client.post(
        action_url(ticket, "dispatch"), {"version": after.version, "technician": tech(world).pk}
    )
    assert any("Someone else changed" in m for m in follow_messages(client, response))
    assert Ticket.objects.get(pk=ticket.pk).version == after.version + 1


def test_another_estates_ticket_is_404_and_missing_role_is_403(world, login):
    theirs = services.ticket_report_by_staff(
        actor=world.other_manager,
        estate=world.other_estate,
        data=services.ReportData(category="plumbing", description="x", unit=world.other_unit),
        channel=Channel.PHONE,
    )
    client = login(world.manager)
    assert detail(client, theirs).status_code == 404
    response = client.post(action_url(theirs, "register"), {"version": theirs.version})
    assert response.status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).status == Status.REPORTED

    mine = report(world)
    client = login(world.staff[Role.FINANCE])
    response = client.post(action_url(mine, "register"), {"version": mine.version})
    assert response.status_code == 403
    client = login(cs(world))
    assert client.post(action_url(mine, "explode"), {"version": 1}).status_code == 404
    assert client.get(action_url(mine, "register")).status_code == 405


def test_reject_needs_a_reason_next_to_the_field(world, login):
    ticket = report(world)
    client = login(cs(world))
    response = client.post(action_url(ticket, "reject"), {"version": ticket.version})
    assert response.status_code == 200
    assert response.context["open_action"] == "reject"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPORTED
    response = client.post(
        action_url(ticket, "reject"), {"version": ticket.version, "reason": "非物业维修范围"}
    )
    assert follow_messages(client, response) == [f"Ticket {ticket.number} rejected."]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REJECTED


def _complete_data(ticket, **extra):
    data = {
        "version": ticket.version,
        "work_done": "更换水管接头",
        "labour_hours": "1.5",
        "labour_amount": "50.00",
        "materials-TOTAL_FORMS": "5",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "30",
        "materials-0-name": "水管接头",
        "materials-0-quantity": "2",
        "materials-0-unit_price": "12.50",
        "materials-1-name": "生料带",
        "materials-1-quantity": "1",
        "materials-1-unit_price": "3.00",
    }
    data.update(extra)
    return data


def test_the_whole_repair_from_the_staff_pages(world, login):
    ticket = dispatched(world)
    client = login(tech(world))
    for action in ("accept", "arrive", "start"):
        version = Ticket.objects.get(pk=ticket.pk).version
        response = client.post(action_url(ticket, action), {"version": version})
        assert response.status_code == 302, action
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_REPAIR
    page = detail(client, ticket)
    assert shown_actions(page) == {"pause", "complete"}
    assert 'capture="environment"' in page.content.decode()

    # Without an after-photo: the error is next to the field, nothing changes.
    response = client.post(action_url(ticket, "complete"), _complete_data(ticket))
    assert response.status_code == 200
    bound = dict((a.slug, f) for a, f in response.context["actions"])["complete"]
    assert "after_photos" in bound.errors
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_REPAIR

    signature = "data:image/png;base64," + base64.b64encode(png_bytes((255, 255, 255))).decode()
    response = client.post(
        action_url(ticket, "complete"),
        _complete_data(ticket, after_photos=[png("after.png")], signature=signature),
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.COMPLETED
    # The amount is the repair's cost; what the owner pays comes from billing's quote.
    assert ticket.amount == Decimal("78.00") and not ticket.chargeable
    assert ticket.materials.count() == 2
    assert set(ticket.photos.values_list("kind", flat=True)) == {
        PhotoKind.AFTER,
        PhotoKind.SIGNATURE,
    }

    client = login(cs(world))
    page = detail(client, ticket)
    body = page.content.decode()
    assert "¥78.00" in body and "水管接头" in body and 'data-photo-kind="signature"' in body
    assert shown_actions(page) == {"verify"}
    response = client.post(
        action_url(ticket, "verify"), {"version": ticket.version, "passed": "no"}
    )
    assert response.status_code == 200  # a failed check needs a reason
    response = client.post(
        action_url(ticket, "verify"),
        {"version": ticket.version, "passed": "no", "reason": "还在滴水"},
    )
    assert follow_messages(client, response) == [
        f"Ticket {ticket.number} sent back to {tech(world)}."
    ]
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED

    # Round two, then verified, followed up and closed.
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_start_repair):
        step(ticket_id=ticket.pk, actor=tech(world))
    services.ticket_complete(
        ticket_id=ticket.pk, actor=tech(world), work_done="重新密封", after_photos=[png()]
    )
    ticket.refresh_from_db()
    response = client.post(
        action_url(ticket, "verify"), {"version": ticket.version, "passed": "yes"}
    )
    assert follow_messages(client, response) == [f"Repair {ticket.number} verified."]
    ticket.refresh_from_db()
    response = client.post(
        action_url(ticket, "follow-up"),
        {"version": ticket.version, "method": "call", "rating": "4", "comment": "满意"},
    )
    assert follow_messages(client, response) == [
        f"Follow-up of {ticket.number} recorded (rating 4)."
    ]
    ticket.refresh_from_db()
    response = client.post(action_url(ticket, "close"), {"version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.rating == 4
    page = detail(client, ticket).content.decode()
    assert "Followed up" in page and "Closed" in page  # the timeline in words


def test_bad_signature_is_refused(world, login):
    ticket = in_repair(world)
    client = login(tech(world))
    response = client.post(
        action_url(ticket, "complete"),
        _complete_data(
            ticket,
            after_photos=[png()],
            signature="data:image/png;base64," + base64.b64encode(b"<svg/>").decode(),
        ),
    )
    assert response.status_code == 200
    bound = dict((a.slug, f) for a, f in response.context["actions"])["complete"]
    assert "signature" in bound.errors
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_REPAIR


def test_material_row_needs_all_its_fields(world, login):
    ticket = in_repair(world)
    client = login(tech(world))
    data = _complete_data(ticket, after_photos=[png()])
    data["materials-2-name"] = "阀门"
    response = client.post(action_url(ticket, "complete"), data)
    assert response.status_code == 200
    bound = dict((a.slug, f) for a, f in response.context["actions"])["complete"]
    assert "quantity" in bound.materials.forms[2].errors


# --- My jobs -----------------------------------------------------------------------------------


def test_my_jobs_shows_only_my_open_tickets_emergencies_first(world, login):
    other_tech = UserFactory(username="li.shifu")
    MembershipFactory(user=other_tech, estate=world.estate, role=Role.TECHNICIAN)
    normal = dispatched(world)
    emergency = dispatched(
        world, priority=Priority.EMERGENCY, unit=UnitFactory(building=world.building)
    )
    not_mine = dispatched(world, technician=other_tech, unit=UnitFactory(building=world.building))
    report(world, unit=UnitFactory(building=world.building))  # not dispatched

    client = login(tech(world))
    response = client.get(reverse("maintenance:my_jobs"))
    assert response.status_code == 200
    assert [t.pk for t in response.context["jobs"]] == [emergency.pk, normal.pk]
    body = response.content.decode()
    assert not_mine.number not in body
    assert 'data-action="accept"' in body
    assert "My jobs" in body  # the link in the staff bar, for technicians

    # Accepting from the phone page comes back to it.
    response = client.post(
        action_url(normal, "accept"),
        {"version": normal.version, "next": reverse("maintenance:my_jobs")},
    )
    assert response["Location"] == reverse("maintenance:my_jobs")
    assert Ticket.objects.get(pk=normal.pk).status == Status.ACCEPTED


@pytest.mark.parametrize("target", ["env", "//evil.example", "https://evil.example/"])
def test_an_action_ignores_a_next_that_is_not_a_path_of_this_site(world, login, target):
    ticket = dispatched(world)
    response = login(tech(world)).post(
        action_url(ticket, "accept"), {"version": ticket.version, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()


def test_my_jobs_is_for_people_who_repair(world, login):
    assert login(world.staff[Role.FINANCE]).get(reverse("maintenance:my_jobs")).status_code == 403
    cs_page = login(cs(world)).get(reverse("maintenance:ticket_board")).content.decode()
    assert "Repairs" in cs_page and reverse("maintenance:my_jobs") not in cs_page.split("</nav>")[0]


# --- Deadlines ---------------------------------------------------------------------------------


def test_sla_settings_forbidden_for_customer_service(world, login):
    assert login(cs(world)).get(reverse("maintenance:sla_settings")).status_code == 403
    response = login(cs(world)).post(reverse("maintenance:sla_settings"), {"apply_preset": "1"})
    assert response.status_code == 403
    assert not SlaPolicy.objects.exists()


def test_manager_applies_the_preset_and_edits_rules(world, login):
    world.estate.service_level = ServiceLevel.LEVEL_1
    world.estate.save(update_fields=["service_level"])
    client = login(world.manager)
    url = reverse("maintenance:sla_settings")
    page = client.get(url)
    assert page.status_code == 200
    assert all(r.from_preset for r in page.context["effective"])

    response = client.post(url, {"apply_preset": "1"})
    assert response.status_code == 302
    rules = {r.priority: r for r in SlaPolicy.objects.filter(estate=world.estate)}
    assert (
        rules[Priority.EMERGENCY].onsite_minutes
        == sla.PRESETS[ServiceLevel.LEVEL_1][Priority.EMERGENCY].onsite
    )
    assert AuditEvent.objects.filter(verb="sla_preset").count() == 1

    page = client.get(url)
    formset = page.context["formset"]
    data = {
        "rules-TOTAL_FORMS": str(len(formset.forms)),
        "rules-INITIAL_FORMS": str(formset.initial_form_count()),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "60",
    }
    for i, form in enumerate(formset.forms):
        for name in (
            "priority",
            "category",
            "response_minutes",
            "onsite_minutes",
            "completion_minutes",
        ):
            value = form.initial.get(name, "")
            data[f"rules-{i}-{name}"] = value
    # A rule for elevators in an emergency: 5 / 15 / 120.
    extra = formset.initial_form_count()
    data.update(
        {
            f"rules-{extra}-priority": "emergency",
            f"rules-{extra}-category": "elevator",
            f"rules-{extra}-response_minutes": "5",
            f"rules-{extra}-onsite_minutes": "15",
            f"rules-{extra}-completion_minutes": "120",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert SlaPolicy.objects.filter(estate=world.estate).count() == 4
    minutes = sla.minutes_for(world.estate, category="elevator", priority="emergency")
    assert (minutes.response, minutes.onsite, minutes.completion) == (5, 15, 120)
    assert AuditEvent.objects.filter(verb="sla_rules_saved").count() == 1

    # A duplicate rule, or deadlines out of order: refused, nothing changes.
    data[f"rules-{extra}-category"] = ""
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["errors"]
    data[f"rules-{extra}-category"] = "hvac"
    data[f"rules-{extra}-onsite_minutes"] = "1"
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["errors"]
    assert SlaPolicy.objects.filter(estate=world.estate, category="elevator").exists()


def test_sla_rules_save_checks_the_actor(world):
    with pytest.raises(PermissionDenied):
        services.sla_rules_save(estate=world.estate, actor=cs(world), rows=[])


def test_manager_sets_the_urge_interval_and_owners_wait_that_long(world, login):
    from core.errors import DomainError

    client = login(world.manager)
    url = reverse("maintenance:sla_settings")
    assert 'name="urge_interval_minutes" ' in client.get(url).content.decode()

    # Out of range or not a number: the error is next to the field, nothing changes.
    for bad in ("5", "2000", "soon"):
        response = client.post(url, {"save_urge": "1", "urge_interval_minutes": bad})
        assert response.status_code == 200
        assert response.context["urge_form"].errors["urge_interval_minutes"]
        assert 'class="invalid-feedback d-block"' in response.content.decode()
    world.estate.refresh_from_db()
    assert world.estate.urge_interval_minutes == 120

    response = client.post(url, {"save_urge": "1", "urge_interval_minutes": "30"})
    assert response.status_code == 302
    world.estate.refresh_from_db()
    assert world.estate.urge_interval_minutes == 30
    event = AuditEvent.objects.get(verb="urge_interval_set")
    assert event.changes == {"urge_interval_minutes": [120, 30]}
    assert "Urge interval changed" in client.get(url).content.decode()
    assert SlaPolicy.objects.count() == 0  # the rules form was not touched

    # The owner's second urge within 30 minutes is refused; after 31 minutes it works.
    ticket = dispatched(world)
    services.ticket_urge(ticket_id=ticket.pk, actor=world.owner)
    with pytest.raises(DomainError, match="urge again in 30 minutes"):
        services.ticket_urge(ticket_id=ticket.pk, actor=world.owner)
    Ticket.objects.filter(pk=ticket.pk).update(last_urged_at=timezone.now() - timedelta(minutes=31))
    services.ticket_urge(ticket_id=ticket.pk, actor=world.owner)
    assert Ticket.objects.get(pk=ticket.pk).urge_count == 2


def test_urge_interval_is_the_managers_to_set(world, login):
    response = login(cs(world)).post(
        reverse("maintenance:sla_settings"), {"save_urge": "1", "urge_interval_minutes": "30"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.urge_interval_save(estate=world.estate, actor=cs(world), minutes=30)
    world.estate.refresh_from_db()
    assert world.estate.urge_interval_minutes == 120
