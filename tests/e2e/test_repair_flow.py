"""A repair end to end in real browsers: an owner reports a leak with a photo from the portal;
customer service registers it and dispatches it to 王师傅; the technician, on a phone,
accepts, arrives, repairs and completes with an after-photo; the owner rates 5 stars; the
staff ticket page, read in Chinese, shows every step on its timeline."""

import io
import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from estates.choices import Role
from maintenance.choices import PhotoKind, Status
from maintenance.models import Ticket

from ..factories import MembershipFactory, UserFactory
from .conftest import PHONE
from .helpers import choose_and_wait, wider_than_viewport, zh_catalogue_compiled
from .repair_helpers import bad_responses, html_lang, png_file, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OWNER_PASSWORD = "Wang-Xiaoming-2026!"
STAFF_PASSWORD = "Staff-Anju-2026!"
LANGUAGE_SELECT = "[data-testid=language-switch] select"
DESCRIPTION = "厨房漏水，水槽下面的水管接头一直滴水"
WORK_DONE = "更换厨房水管接头和密封圈，试水半小时无渗漏"

# The steps the ticket goes through, in order; each one is an event on its timeline.
STEPS = [
    "ticket_reported",
    "ticket_registered",
    "ticket_dispatched",
    "ticket_accepted",
    "ticket_arrived",
    "ticket_repair_started",
    "ticket_completed",
    "ticket_rated",
]


def fits_the_phone(page):
    wide = [w for w in wider_than_viewport(page) if not w["in_navbar"]]
    assert not wide, f"{page.url}: {wide}"


def sign_on_the_pad(page, canvas):
    """Draw a short stroke on the signature canvas (pointer events, as a finger would)."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 18, y + (12 if step % 2 else -12))
    page.mouse.up()
    expect(canvas.locator("xpath=..").locator("input[type=hidden]")).to_have_value(
        re.compile(r"^data:image/png;base64,")
    )


def timeline_verbs(ticket) -> list[str]:
    from core.audit import timeline_for

    return [event.verb for event in reversed(list(timeline_for(ticket)))]


def test_leak_reported_repaired_and_rated(world, new_context, tmp_path):
    owner_user = world.owner
    owner_user.set_password(OWNER_PASSWORD)
    owner_user.save()
    desk = world.staff[Role.CUSTOMER_SERVICE]
    desk.display_name = "客服小李"
    desk.set_password(STAFF_PASSWORD)
    desk.save()
    technician = UserFactory(username="wang.shifu", display_name="王师傅", password=STAFF_PASSWORD)
    MembershipFactory(
        user=technician, estate=world.estate, role=Role.TECHNICIAN, skills=["plumbing"]
    )
    unit_label = f"3栋 {world.unit.label}"

    # --- 1. The owner, on a phone, reports the leak with a photo.
    owner = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(owner, owner_user.username, OWNER_PASSWORD, "/portal/repairs/new/")
    expect(owner).to_have_url(re.compile(r"/portal/repairs/new/$"))
    form = owner.get_by_test_id("report-form")
    expect(form.get_by_label(f"锦绣园 {unit_label}")).to_be_checked()  # their only unit
    form.locator("#id_category").select_option("plumbing")
    form.locator("#id_description").fill(DESCRIPTION)
    form.locator("#id_photos").set_input_files(str(png_file(tmp_path, "leak.png")))
    fits_the_phone(owner)
    form.get_by_role("button", name="Send the request").click()
    expect(owner).to_have_url(re.compile(r"/portal/repairs/\d+/$"))
    ticket = Ticket.objects.get(reporter=world.owner_person)
    expect(owner.get_by_text(f"Your request {ticket.number} was received")).to_be_visible()
    expect(owner.get_by_test_id("status")).to_have_text("Reported")
    expect(owner.get_by_test_id("report-photos").locator("img")).to_have_count(1)
    assert ticket.status == Status.REPORTED
    assert ticket.photos.filter(kind=PhotoKind.REPORT).count() == 1
    assert bad_responses(owner) == []

    # --- 2. Customer service registers it and dispatches it to 王师傅.
    staff = new_context().new_page()
    ticket_path = f"/staff/repairs/{ticket.pk}/"
    sign_in(staff, desk.username, STAFF_PASSWORD, ticket_path)
    expect(staff).to_have_url(re.compile(rf"{ticket_path}$"))
    expect(staff.get_by_test_id("description")).to_have_text(DESCRIPTION)
    expect(staff.get_by_test_id("photos").locator("img")).to_have_count(1)
    expect(staff.get_by_test_id("status")).to_have_text("Reported")
    register = staff.locator("#action-register")
    register.locator("summary").click()
    register.locator("form button").click()
    expect(staff.get_by_text(f"Ticket {ticket.number} registered.")).to_be_visible()
    expect(staff.get_by_test_id("status")).to_have_text("Registered")
    dispatch = staff.locator("#action-dispatch")
    dispatch.locator("summary").click()
    choice = dispatch.locator(f"[data-technician='{technician.pk}']")
    expect(choice).to_contain_text("王师傅")
    choice.locator("input[type=radio]").check()
    dispatch.locator("form button").click()
    expect(staff.get_by_text(f"Ticket {ticket.number} dispatched to 王师傅.")).to_be_visible()
    expect(staff.get_by_test_id("status")).to_have_text("Dispatched")
    expect(staff.get_by_test_id("technician")).to_have_text("王师傅")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.technician) == (Status.DISPATCHED, technician)
    assert bad_responses(staff) == []

    # --- 3. The technician, on a phone: my jobs → accept, arrive, start; then complete on
    # the ticket page with an after-photo and the owner's signature.
    tech = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(tech, technician.username, STAFF_PASSWORD, "/staff/repairs/my-jobs/")
    expect(tech).to_have_url(re.compile(r"/staff/repairs/my-jobs/$"))
    job = tech.locator(f"[data-testid=job][data-ticket='{ticket.pk}']")
    expect(job).to_contain_text(unit_label)
    expect(job).to_contain_text(DESCRIPTION[:10])
    fits_the_phone(tech)
    for action, status in [
        ("accept", Status.ACCEPTED),
        ("arrive", Status.ON_SITE),
        ("start", Status.IN_REPAIR),
    ]:
        button = job.locator(f"[data-action={action}] button")
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 280, (action, box)  # thumb-sized
        button.click()
        expect(tech).to_have_url(re.compile(r"/staff/repairs/my-jobs/$"))
        expect(job).to_contain_text(str(status.label))
        ticket.refresh_from_db()
        assert ticket.status == status, action
        fits_the_phone(tech)
    job.locator("[data-action=complete]").click()
    expect(tech).to_have_url(re.compile(rf"{ticket_path}#action-complete$"))
    tech.wait_for_load_state()
    complete = tech.locator("#action-complete")
    if complete.locator("details").get_attribute("open") is None:  # the link may open it
        complete.locator("summary").click()
    complete.locator("textarea[name=work_done]").fill(WORK_DONE)
    material = complete.get_by_test_id("material-rows").locator("tbody tr").first.locator("input")
    material.nth(0).fill("铜水管接头")
    material.nth(1).fill("2")
    material.nth(2).fill("15.50")
    complete.locator("input[name=labour_amount]").fill("60")
    complete.locator("input[type=file][name=after_photos]").set_input_files(
        str(png_file(tmp_path, "after.png", color=(40, 170, 80)))
    )
    sign_on_the_pad(tech, complete.get_by_test_id("signature-pad").locator("canvas"))
    fits_the_phone(tech)
    complete.locator("form button[class*=btn-success]").last.click()
    expect(tech.get_by_test_id("status")).to_have_text("Completed")
    expect(tech.get_by_text(f"Ticket {ticket.number} completed")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.COMPLETED
    assert ticket.work_done == WORK_DONE
    assert ticket.photos.filter(kind=PhotoKind.AFTER).count() == 1
    assert ticket.photos.filter(kind=PhotoKind.SIGNATURE).count() == 1
    # The repair's cost; an owner's charge comes from billing's accepted quote.
    assert (ticket.chargeable, ticket.amount) == (False, Decimal("91.00"))  # 2 × 15.50 + 60
    fits_the_phone(tech)
    assert bad_responses(tech) == []

    # The work order PDF now carries the recorded work and the owner's signature.
    pdf = tech.request.get(f"{ticket_path}work-order.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "王师傅" in text and WORK_DONE[:8] in text
    assert "铜水管接头" in text and "91.00" in text
    assert [image for p in reader.pages for image in p.images], "no signature in the PDF"

    # --- 4. The owner sees the work and rates it 5 stars.
    owner.reload()
    expect(owner.get_by_test_id("status")).to_have_text("Completed")
    expect(owner.get_by_text(WORK_DONE, exact=True)).to_be_visible()
    expect(owner.get_by_test_id("technician")).to_have_text("王师傅")
    expect(owner.get_by_test_id("after-photos").locator("img")).to_have_count(1)
    owner.locator("label[for=rating-5]").click()
    owner.locator("#rate-comment").fill("师傅很专业，谢谢！")
    owner.get_by_role("button", name="Send my rating").click()
    expect(owner.get_by_text(f"Thank you for rating the repair of {ticket.number}")).to_be_visible()
    expect(owner.get_by_test_id("rating")).to_contain_text("★★★★★")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == (Status.FOLLOWED_UP, 5)
    fits_the_phone(owner)

    # --- 5. The staff ticket page in Chinese: every step on the timeline.
    assert timeline_verbs(ticket) == STEPS
    staff.goto(ticket_path)
    choose_and_wait(staff, LANGUAGE_SELECT, value="zh-hans")
    expect(staff).to_have_url(re.compile(rf"{ticket_path}$"))
    assert html_lang(staff) == "zh-hans"
    entries = staff.get_by_test_id("timeline").locator("li.timeline-item")
    expect(entries).to_have_count(len(STEPS))
    timeline = staff.get_by_test_id("timeline").inner_text()
    assert "王师傅" in timeline
    assert WORK_DONE[:10] in timeline
    from maintenance.views.timeline import VERBS

    with translation.override("zh-hans"):
        labels = [str(VERBS[verb]) for verb in STEPS]
    with translation.override("en"):
        english = [str(VERBS[verb]) for verb in STEPS]
    for verb, label in zip(STEPS, labels, strict=True):
        assert verb not in timeline, f"raw step name {verb!r} on the timeline"
        assert label in timeline, f"{label!r} ({verb}) missing from the timeline"
    # Every step reads in Chinese (scripts/setup compiles the catalogue): no English left.
    assert zh_catalogue_compiled(), "locale/zh_Hans/LC_MESSAGES/django.mo is missing"
    still_english = [en for label, en in zip(labels, english, strict=True) if label == en]
    assert still_english == [], f"steps still in English on the Chinese timeline: {still_english}"
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels
    for en in english:
        assert en not in timeline, f"{en!r} in English on the Chinese timeline"
    assert bad_responses(staff) == []
