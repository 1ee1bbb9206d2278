"""On a phone, a refused upload is visible: the form comes back with an error summary at
the top, the focus on it, naming the accepted types and the size limit. The photo that is
accepted is shown through the scoped view, and the pages log no CSP violation (checked by
the new_context fixture)."""

import re

import pytest
from playwright.sync_api import expect

from maintenance.models import Ticket

from .conftest import PHONE
from .repair_helpers import bad_responses, png_file, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Wang-Xiaoming-2026!"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def loaded_width(page, image) -> int:
    """The image's natural width once the browser has loaded it (it may still be loading,
    or wait for scrolling when lazy, right after the page arrived)."""
    image.scroll_into_view_if_needed()
    handle = image.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    return handle.evaluate("img => img.naturalWidth")


def test_a_refused_photo_is_summarised_and_focused_on_a_phone(world, new_context, tmp_path):
    world.owner.set_password(PASSWORD)
    world.owner.save()
    disguised = tmp_path / "x.html"
    disguised.write_bytes(b"\x89PNG\r\n\x1a\n" + HTML)

    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, world.owner.username, PASSWORD, "/portal/repairs/new/")
    form = page.get_by_test_id("report-form")
    form.locator("#id_category").select_option("plumbing")
    form.locator("#id_description").fill("阳台漏水")
    form.locator("#id_photos").set_input_files([str(png_file(tmp_path, "ok.png")), str(disguised)])
    form.get_by_role("button", name="Send the request").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("x.html: This is not a readable image.")
    expect(summary).to_contain_text("Accepted: JPEG, PNG or WebP photos, at most 10.0 MB each.")
    # The summary links to the field, which shows the same error.
    summary.get_by_role("link", name="Photos").click()
    expect(page).to_have_url(re.compile(r"#id_photos$"))
    assert not Ticket.objects.exists()

    # Sent again with only the real photo: received, and the photo shows.
    form = page.get_by_test_id("report-form")
    form.locator("#id_photos").set_input_files(str(png_file(tmp_path, "ok.png")))
    form.get_by_role("button", name="Send the request").click()
    # (the browser keeps the #id_photos fragment across the redirect)
    expect(page).to_have_url(re.compile(r"/portal/repairs/\d+/(#id_photos)?$"))
    image = page.get_by_test_id("report-photos").locator("img")
    expect(image).to_have_count(1)
    assert loaded_width(page, image) == 320
    # Opened on its own (the link opens it in a new tab): shown as an image in a sandboxed
    # document, without a CSP violation.
    photo_url = page.get_by_test_id("report-photos").locator("a").get_attribute("href")
    response = page.goto(photo_url)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert loaded_width(page, page.locator("img")) == 320
    assert bad_responses(page) == []
