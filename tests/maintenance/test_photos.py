"""Ticket photos through core.attachments: a disguised HTML page uploaded as x.html is
refused or comes back as a harmless image; photos are served only by the scoped views, with
the stored type, nosniff, a Content-Disposition and a sandbox CSP; /media/ answers 404 to
everyone, with DEBUG too; photos stored before move to random names."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from PIL import Image

from estates.choices import Role
from maintenance import services
from maintenance.choices import Category, Channel, PhotoKind
from maintenance.models import Ticket, TicketPhoto

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>fetch('/staff/').then(r=>r.text()).then(alert)</script></body></html>"


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def owner_report(client, unit, photos):
    return client.post(
        reverse("repairs:report"),
        {
            "where": str(unit.pk),
            "category": Category.PLUMBING,
            "description": "漏水",
            "photos": photos,
        },
    )


def photo_urls(photo):
    kwargs = {"ticket_pk": photo.ticket_id, "photo_pk": photo.pk}
    return reverse("maintenance:ticket_photo", kwargs=kwargs), reverse(
        "repairs:ticket_photo", kwargs=kwargs
    )


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_png_signature_carrying_html_named_x_html_is_refused(world, login):
    client = login(world.owner)
    disguised = SimpleUploadedFile("x.html", b"\x89PNG\r\n\x1a\n" + HTML, content_type="image/png")
    response = owner_report(client, world.unit, [disguised])
    assert response.status_code == 200
    html = response.content.decode()
    assert "x.html: This is not a readable image." in html
    assert "Accepted: JPEG, PNG or WebP photos, at most 10.0\xa0MB each." in html
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists()


def test_a_real_png_carrying_html_named_x_html_is_served_as_a_harmless_image(world, login):
    client = login(world.owner)
    polyglot = SimpleUploadedFile("x.html", png_bytes() + HTML, content_type="text/html")
    response = owner_report(client, world.unit, [polyglot])
    assert response.status_code == 302
    photo = TicketPhoto.objects.get()
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[\w-]{24}\.png", photo.file.name)
    assert photo.original_name == "x.html" and photo.content_type == "image/png"
    assert photo.size == photo.file.size and photo.uploaded_by == world.owner
    staff_url, owner_url = photo_urls(photo)
    for user, url in ((world.owner, owner_url), (world.manager, staff_url)):
        served = login(user).get(url)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/png"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Security-Policy"].startswith("sandbox")
        assert served["Content-Disposition"] == 'inline; filename="x.png"'
        assert served["Cache-Control"] == "private, max-age=3600"
        content = body(served)
        assert b"<script" not in content and Image.open(io.BytesIO(content)).format == "PNG"


def test_a_photo_of_another_estates_ticket_is_404(world, login):
    response = owner_report(
        login(world.other_owner), world.other_unit, [SimpleUploadedFile("a.png", png_bytes())]
    )
    assert response.status_code == 302
    photo = TicketPhoto.objects.get()
    staff_url, owner_url = photo_urls(photo)
    assert login(world.manager).get(staff_url).status_code == 404
    assert login(world.staff[Role.TECHNICIAN]).get(staff_url).status_code == 404
    assert login(world.owner).get(owner_url).status_code == 404
    assert login(world.other_owner).get(owner_url).status_code == 200
    assert login(world.other_manager).get(staff_url).status_code == 200
    # A photo id of another ticket under a ticket I may see is 404 too.
    mine = owner_report(login(world.owner), world.unit, [SimpleUploadedFile("b.png", png_bytes())])
    assert mine.status_code == 302
    my_ticket = Ticket.objects.get(unit=world.unit)
    url = reverse("repairs:ticket_photo", kwargs={"ticket_pk": my_ticket.pk, "photo_pk": photo.pk})
    assert login(world.owner).get(url).status_code == 404


def test_a_document_is_a_download_never_inline(world, login, settings):
    from pypdf import PdfWriter

    from core.attachments import store_upload

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=100, height=100)
    writer.write(buffer)
    owner_report(login(world.owner), world.unit, [])
    ticket = Ticket.objects.get()
    pdf = store_upload(
        TicketPhoto,
        SimpleUploadedFile("报告.pdf", buffer.getvalue()),
        documents=True,
        ticket=ticket,
        kind=PhotoKind.REPORT,
    )
    assert pdf.file.name.endswith(".pdf")
    served = login(world.manager).get(photo_urls(pdf)[0])
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf" in served["Content-Disposition"]
    # Handed to the proxy instead of streamed, when configured so.
    settings.ANJU_ATTACHMENT_SERVE = "x-accel-redirect"
    served = login(world.manager).get(photo_urls(pdf)[0])
    assert served["X-Accel-Redirect"] == f"/protected-media/{pdf.file.name}"
    assert served.content == b"" and served["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def stored_files(world, login):
    """A new-style photo and a file under an uploader's name, both really on disk."""
    owner_report(login(world.owner), world.unit, [SimpleUploadedFile("a.png", png_bytes())])
    legacy = default_storage.save("tickets/2026/01/x.html", ContentFile(HTML))
    return [TicketPhoto.objects.get().file.name, legacy]


def _media_answers(world, login, names):
    for user in (None, world.owner, world.manager, world.admin):
        client = login(user)
        for name in names:
            assert default_storage.exists(name)
            assert client.get(f"/media/{name}").status_code == 404, (user, name)


def test_media_paths_answer_404_for_everyone(world, login, stored_files):
    _media_answers(world, login, stored_files)


@pytest.fixture
def debug_urls(settings):
    """The URLconf as the demo (DEBUG=1) builds it."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_media_paths_answer_404_for_everyone_in_debug_too(world, login, stored_files, debug_urls):
    _media_answers(world, login, stored_files)


def test_photos_stored_before_move_to_random_names(world, django_capture_on_commit_callbacks):
    """The data migration runs old photos through the same checks: a real photo is
    re-encoded under a random .png name; HTML under an image name becomes an opaque
    download; the old files go once the migration commits."""
    migration = importlib.import_module("maintenance.migrations.0006_ticketphoto_storage_names")
    ticket = services.ticket_report_by_staff(
        actor=world.staff[Role.CUSTOMER_SERVICE],
        estate=world.estate,
        data=services.ReportData(category=Category.PLUMBING, description="漏水", unit=world.unit),
        channel=Channel.PHONE,
    )
    old_photo = default_storage.save("tickets/2026/01/kitchen.png", ContentFile(png_bytes()))
    old_html = default_storage.save(
        "tickets/2026/01/x.html", ContentFile(b"\x89PNG\r\n\x1a\n" + HTML)
    )
    photo = TicketPhoto.objects.create(ticket=ticket, kind=PhotoKind.REPORT, file=old_photo)
    html = TicketPhoto.objects.create(ticket=ticket, kind=PhotoKind.REPORT, file=old_html)
    TicketPhoto.objects.filter(pk__in=[photo.pk, html.pk]).update(content_type="")
    with django_capture_on_commit_callbacks(execute=True):
        migration.forwards(apps, None)
    photo.refresh_from_db()
    html.refresh_from_db()
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[\w-]{24}\.png", photo.file.name)
    assert (photo.original_name, photo.content_type) == ("kitchen.png", "image/png")
    assert photo.size == photo.file.size > 0
    assert html.file.name.endswith(".bin") and html.content_type == "application/octet-stream"
    assert html.original_name == "x.html" and not html.is_image
    assert not default_storage.exists(old_photo) and not default_storage.exists(old_html)
    assert default_storage.exists(photo.file.name) and default_storage.exists(html.file.name)


def test_an_opaque_old_file_is_served_as_a_download(world, login):
    owner_report(login(world.owner), world.unit, [])
    ticket = Ticket.objects.get()
    row = TicketPhoto.objects.create(
        ticket=ticket,
        kind=PhotoKind.REPORT,
        content_type="application/octet-stream",
        original_name="x.html",
        file=ContentFile(HTML, name="x.bin"),
    )
    served = login(world.manager).get(photo_urls(row)[0])
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"] == 'attachment; filename="x.bin"'
    assert served["Content-Security-Policy"].startswith("sandbox")


def test_an_oversize_after_photo_is_summarised_at_the_top_of_the_complete_form(
    world, login, settings
):
    from .test_staff_views import _complete_data, action_url, in_repair, tech

    settings.ANJU_IMAGE_MAX_BYTES = 1024
    ticket = in_repair(world)
    big = SimpleUploadedFile("big.png", png_bytes((300, 300)) + b"\0" * 2048)
    response = login(tech(world)).post(
        action_url(ticket, "complete"), _complete_data(ticket, after_photos=[big])
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'tabindex="-1"' in html.split("data-error-summary", 1)[0][-200:]
    assert 'href="#id_complete_after_photos"' in summary
    assert "big.png: The file is too large (2.9\xa0KB)." in summary
    assert "Accepted: JPEG, PNG or WebP photos, at most 1.0\xa0KB each." in summary
    assert not TicketPhoto.objects.exists()


def test_x_sendfile_hands_the_path_to_the_proxy(world, login, settings):
    settings.ANJU_ATTACHMENT_SERVE = "x-sendfile"
    owner_report(login(world.owner), world.unit, [SimpleUploadedFile("a.png", png_bytes())])
    photo = TicketPhoto.objects.get()
    served = login(world.manager).get(photo_urls(photo)[0])
    assert served["X-Sendfile"] == photo.file.path and served.content == b""
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"] == 'inline; filename="a.png"'
    assert served["Content-Security-Policy"].startswith("sandbox")
