"""A complaint end to end in real browsers: an owner, on a phone, files a noise complaint;
it passes its acknowledgement deadline and the sweep (run with the clock moved on) escalates
it to the manager; the manager acknowledges and resolves it; the owner confirms and rates
it. The staff page shows every step on its timeline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.choices import Status
from complaints.models import Complaint
from complaints.sweep import deadline_sweep
from core.audit import timeline_for
from core.models import Notification

from .conftest import PHONE
from .helpers import wider_than_viewport
from .repair_helpers import bad_responses, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Anju-Complaint-2026!"
NOISE = "楼上每天晚上十一点以后还在装修，电钻声音很大"


def test_noise_complaint_escalated_resolved_and_rated(world, new_context):
    for user in (world.owner, world.manager):
        user.set_password(PASSWORD)
        user.save()

    # --- 1. The owner, on a phone, files a noise complaint.
    owner = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(owner, world.owner.username, PASSWORD, "/portal/complaints/new/")
    expect(owner).to_have_url(re.compile(r"/portal/complaints/new/$"))
    form = owner.get_by_test_id("complaint-form")
    form.locator("#id_category").select_option("noise")
    form.locator("#id_description").fill(NOISE)
    wide = [w for w in wider_than_viewport(owner) if not w["in_navbar"]]
    assert not wide, wide
    form.get_by_role("button", name="Send").click()
    expect(owner).to_have_url(re.compile(r"/portal/complaints/\d+/$"))
    complaint = Complaint.objects.get(complainant=world.owner_person)
    expect(owner.get_by_test_id("status")).to_have_text("New")
    assert complaint.category == "noise" and complaint.status == Status.NEW

    # --- 2. Nobody acknowledges it in time: the sweep, three hours on, escalates it.
    counts = deadline_sweep(timezone.now() + timedelta(hours=3))
    assert counts["escalations"] == 1
    assert deadline_sweep(timezone.now() + timedelta(hours=3))["escalations"] == 0
    assert Notification.objects.filter(
        recipient=world.manager, url=complaint.get_absolute_url()
    ).exists()

    # --- 3. The manager opens it from the escalation, acknowledges and resolves it.
    staff = new_context().new_page()
    path = f"/staff/complaints/{complaint.pk}/"
    sign_in(staff, world.manager.username, PASSWORD, path)
    expect(staff).to_have_url(re.compile(rf"{path}$"))
    expect(staff.get_by_test_id("description")).to_have_text(NOISE)
    expect(staff.get_by_test_id("timeline")).to_contain_text("escalated to the manager")
    ack = staff.locator("[data-action=acknowledge]")
    ack.locator("summary").click()
    ack.locator("form button").click()
    expect(staff.get_by_text(f"{complaint.number} acknowledged.")).to_be_visible()
    expect(staff.get_by_test_id("status")).to_have_text("Acknowledged")
    resolve = staff.locator("[data-action=resolve]")
    resolve.locator("summary").click()
    resolve.locator("#id_resolve_resolution").fill("已与楼上业主沟通，装修改为早八点至晚六点")
    resolve.locator("#id_resolve_cause").select_option("neighbour")
    resolve.locator("form button").click()
    expect(staff.get_by_test_id("status")).to_have_text("Resolved")
    assert bad_responses(staff) == []

    # --- 4. The owner confirms and rates it.
    owner.reload()
    expect(owner.get_by_test_id("resolution")).to_contain_text("早八点至晚六点")
    confirm = owner.locator("[data-action=confirm]")
    confirm.locator("input[name=rating][value='4']").check()
    confirm.get_by_test_id("confirm").click()
    expect(owner.get_by_text(f"Thank you for rating {complaint.number}.")).to_be_visible()
    expect(owner.get_by_test_id("status")).to_have_text("Closed")
    expect(owner.get_by_test_id("rating")).to_contain_text("★★★★☆")
    assert bad_responses(owner) == []

    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating) == (Status.CLOSED, 4)
    verbs = [e.verb for e in reversed(list(timeline_for(complaint)))]
    assert verbs == [
        "complaint_filed",
        "complaint_acknowledge_escalated",
        "complaint_acknowledged",
        "complaint_resolved",
        "complaint_confirmed",
    ]
