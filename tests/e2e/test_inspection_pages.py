"""Every staff page of inspections in a real browser under the Content-Security-Policy (the
fixture fails on any violation), in Chinese, with no failed request and, for the phone
pages, nothing wider than a 360 px screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from estates.choices import Role

from ..inspections.factories import pump_setup
from .conftest import PHONE
from .helpers import assert_page_healthy, choose_and_wait, wider_than_viewport
from .repair_helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Manager-Anju-2026!"


def test_the_setup_pages_and_the_phone_pages_render_cleanly(world, new_context):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate, require_scan=True)
    manager = world.manager
    manager.set_password(PASSWORD)
    manager.save()
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, manager.username, PASSWORD, "/staff/inspections/")
    choose_and_wait(page, "[data-testid=estate-switch] select", label="锦绣园")
    urls = [
        reverse("inspections:round_list"),
        reverse("inspections:checkpoint_list"),
        reverse("inspections:checkpoint_create"),
        checkpoint.get_absolute_url(),
        reverse("inspections:checkpoint_edit", kwargs={"checkpoint_pk": checkpoint.pk}),
        reverse("inspections:checkpoint_labels"),
        reverse("inspections:route_list"),
        round_.route.get_absolute_url(),
        reverse("inspections:route_edit", kwargs={"route_pk": round_.route.pk}),
        reverse("inspections:plan_list"),
        reverse("inspections:plan_create"),
        round_.plan.get_absolute_url(),
        reverse("inspections:plan_edit", kwargs={"plan_pk": round_.plan.pk}),
        reverse("inspections:holiday_list"),
    ]
    for url in urls:
        page.goto(url)
        assert_page_healthy(page)

    inspector = world.staff[Role.SECURITY]
    inspector.set_password(PASSWORD)
    inspector.save()
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN").new_page()
    sign_in(phone, inspector.username, PASSWORD, round_.get_absolute_url())
    expect(phone.get_by_test_id("scan")).to_be_visible()
    checkpoint_url = reverse(
        "inspections:round_checkpoint",
        kwargs={"round_pk": round_.pk, "checkpoint_pk": checkpoint.pk},
    )
    for url in [reverse("inspections:today"), round_.get_absolute_url(), checkpoint_url]:
        phone.goto(url)
        assert_page_healthy(phone)
        assert [w for w in wider_than_viewport(phone) if not w["in_navbar"]] == [], url
    # Proof by scan: opened from the list, the form stays hidden and says why.
    expect(phone.get_by_test_id("proof-missing")).to_be_visible()
    expect(phone.get_by_test_id("answers-form")).to_be_hidden()
    # A checkpoint without proof by scan: the form, with big OK / abnormal buttons.
    open_checkpoint, pressure2, noise2, open_round = pump_setup(world.estate)
    phone.goto(
        reverse(
            "inspections:round_checkpoint",
            kwargs={"round_pk": open_round.pk, "checkpoint_pk": open_checkpoint.pk},
        )
    )
    form = phone.get_by_test_id("answers-form")
    expect(form).to_be_visible()
    ok_button = form.locator(f"label[for=id_item_{noise2.pk}_0]")
    assert ok_button.bounding_box()["height"] >= 44  # a touch target
    assert [w for w in wider_than_viewport(phone) if not w["in_navbar"]] == []
