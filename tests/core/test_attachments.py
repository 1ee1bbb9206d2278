"""core.attachments: uploads are checked by content, images re-encoded (no metadata, capped,
bomb-safe), PDFs only where documents are asked for, refusals name what is accepted."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.ExifTags import IFD

from core.attachments import prepare_upload


def image_file(name="photo.jpg", fmt="JPEG", size=(64, 48), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 0).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue())


def pdf_file(name="report.pdf"):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def opened(prepared):
    return Image.open(io.BytesIO(prepared.content))


def test_png_signature_carrying_html_is_refused_whatever_its_name():
    disguised = SimpleUploadedFile(
        "x.html", b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"
    )
    with pytest.raises(ValidationError) as exc:
        prepare_upload(disguised)
    message = exc.value.messages[0]
    assert message.startswith("x.html: This is not a readable image.")
    assert "Accepted: JPEG, PNG or WebP photos, at most 10.0\xa0MB each." in message


def test_a_real_png_with_html_appended_comes_out_as_a_clean_png():
    polyglot = image_file("x.html", fmt="PNG").read() + b"<html><script>alert(1)</script>"
    prepared = prepare_upload(SimpleUploadedFile("x.html", polyglot))
    assert prepared.content_type == "image/png"
    assert prepared.original_name == "x.html"
    assert b"<script" not in prepared.content and b"<html" not in prepared.content
    assert opened(prepared).format == "PNG"


def test_exif_and_gps_are_stripped_and_the_photo_turned_upright():
    exif = Image.Exif()
    exif[0x010F] = "SpyPhone"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)
    upload = image_file("IMG_0001.JPG", size=(80, 40), exif=exif.tobytes())
    assert b"SpyPhone" in upload.read() and not upload.seek(0)
    prepared = prepare_upload(upload)
    image = opened(prepared)
    assert prepared.content_type == "image/jpeg"
    assert b"SpyPhone" not in prepared.content and b"Exif" not in prepared.content
    assert dict(image.getexif()) == {} and image.getexif().get_ifd(IFD.GPSInfo) == {}
    assert image.size == (40, 80)


def test_the_longest_side_is_capped(settings):
    settings.ANJU_IMAGE_MAX_SIDE = 500
    prepared = prepare_upload(image_file(size=(2000, 1000)))
    assert opened(prepared).size == (500, 250)


def test_a_decompression_bomb_is_refused_before_decoding():
    # 8000 × 8000 one-bit pixels compress to a few kilobytes: 64 million pixels to decode.
    bomb = image_file("bomb.png", fmt="PNG", size=(8000, 8000), mode="1")
    assert bomb.size < 100_000
    with pytest.raises(ValidationError) as exc:
        prepare_upload(bomb)
    assert exc.value.code == "too_many_pixels"
    assert "bomb.png: The image has too many pixels." in exc.value.messages[0]


def test_too_large_is_refused_with_the_types_and_the_limit(settings):
    settings.ANJU_IMAGE_MAX_BYTES = 2048
    big = image_file("big.png", fmt="PNG", size=(400, 400), mode="RGB")
    big = SimpleUploadedFile("big.png", big.read() + b"\0" * 4096)
    with pytest.raises(ValidationError) as exc:
        prepare_upload(big)
    assert exc.value.code == "too_large"
    message = exc.value.messages[0]
    assert "big.png: The file is too large" in message
    assert "Accepted: JPEG, PNG or WebP photos, at most 2.0\xa0KB each." in message


def test_transparency_is_kept_as_png_and_webp_becomes_jpeg():
    signature = prepare_upload(image_file("sig.png", fmt="PNG", mode="RGBA"))
    assert signature.content_type == "image/png" and opened(signature).mode == "RGBA"
    webp = prepare_upload(image_file("photo.webp", fmt="WEBP"))
    assert webp.content_type == "image/jpeg"


def test_gif_and_other_types_are_refused():
    for upload in (
        image_file("anim.gif", fmt="GIF", mode="L"),
        SimpleUploadedFile("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\0" * 100),
    ):
        with pytest.raises(ValidationError) as exc:
            prepare_upload(upload)
        assert exc.value.code == "bad_content"


def test_pdf_only_where_documents_are_asked_for_and_checked_by_content(settings):
    with pytest.raises(ValidationError) as exc:
        prepare_upload(pdf_file())
    assert exc.value.code == "bad_content"
    prepared = prepare_upload(pdf_file(), documents=True)
    assert prepared.content_type == "application/pdf" and prepared.kind == "document"
    broken = SimpleUploadedFile("r.pdf", b"%PDF-1.7\n<html><script>alert(1)</script>")
    with pytest.raises(ValidationError) as exc:
        prepare_upload(broken, documents=True)
    assert exc.value.code == "bad_document"
    assert "PDF documents, at most 20.0\xa0MB each" in exc.value.messages[0]
    settings.ANJU_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        prepare_upload(pdf_file(), documents=True)
    assert exc.value.code == "too_large"


def test_the_original_name_is_cut_to_its_last_part():
    prepared = prepare_upload(image_file("../../etc/pass\x00wd.jpg"))
    assert prepared.original_name == "passwd.jpg"
    prepared = prepare_upload(image_file("C:\\Users\\me\\photo.jpg"))
    assert prepared.original_name == "photo.jpg"


def test_object_storage_by_configuration_with_private_objects(tmp_path):
    """S3_BUCKET switches the default storage (every upload) to django-storages' S3 backend,
    private objects and short-lived signed URLs; without it, files stay under MEDIA_ROOT."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ANJU_VAR_DIR": str(tmp_path),
        "S3_BUCKET": "anju-media",
        "S3_ENDPOINT_URL": "https://oss-cn-hangzhou.aliyuncs.com",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    storage = json.loads(out.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "anju-media" and options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["file_overwrite"] is False
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
