"""Attachments every module shares: uploads that cannot attack anyone.

- `AttachmentBase`: the abstract row a module's own attachment table inherits (so scoping
  stays a plain foreign key, e.g. TicketPhoto(ticket, kind)). The file lives in the default
  storage (a private directory, or a private S3 bucket by configuration) under
  `attachments/YYYY/MM/<random>.<extension of the detected type>`; the name the user gave
  is only kept on the row.
- `prepare_upload()`: checks an upload by content and size. Images are decoded and
  re-encoded with Pillow (EXIF/GPS and every other metadata dropped, longest side capped,
  decompression bombs refused); PDFs only where the caller asks for documents, parsed.
  Form fields call it, so a refusal is shown next to the field.
- `store_upload()`: the one way a service saves an attachment row.
- `attachment_response()`: the one way a view serves one, after its own scope check.
"""

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

IMAGE = "image"
DOCUMENT = "document"

# Detected type -> what Pillow may decode it as. Nothing else is ever decoded.
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
DOCUMENT_TYPES = {"application/pdf"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# A stored file whose content could not be made safe (only rows older than this module).
OPAQUE_TYPE = "application/octet-stream"

# The sandbox makes an attachment opened on its own a document of an opaque origin: even
# content a browser decided to render could run no script and reach no cookie.
ATTACHMENT_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def limits() -> dict[str, int]:
    return {IMAGE: settings.ANJU_IMAGE_MAX_BYTES, DOCUMENT: settings.ANJU_DOCUMENT_MAX_BYTES}


def accepted_description(*, documents: bool = False) -> str:
    """What may be uploaded, for help texts and error messages: types and size limit."""
    images = _("JPEG, PNG or WebP photos, at most %(limit)s each") % {
        "limit": filesizeformat(settings.ANJU_IMAGE_MAX_BYTES)
    }
    if not documents:
        return images
    return _("%(images)s; PDF documents, at most %(limit)s each") % {
        "images": images,
        "limit": filesizeformat(settings.ANJU_DOCUMENT_MAX_BYTES),
    }


def attachment_upload_to(instance, filename):
    """A random name in a month folder, with the extension of the type we detected (never
    the user's: a file named x.html is stored as <random>.jpg once it is a JPEG)."""
    extension = EXTENSIONS.get(instance.content_type, "bin")
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}.{extension}"


class AttachmentBase(models.Model):
    """One stored upload. Inherit it and add the foreign key that scopes it."""

    file = models.FileField(gettext_lazy("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(gettext_lazy("original file name"), max_length=255, blank=True)
    content_type = models.CharField(gettext_lazy("content type"), max_length=100)
    size = models.PositiveBigIntegerField(gettext_lazy("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_image(self) -> bool:
        # Only re-encoded images are ever stored with an image type.
        return self.content_type in EXTENSIONS and self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The user's name with the extension of what the file really is."""
        stem = PurePath(self.original_name or "file").stem[:100] or "file"
        return f"{stem}.{EXTENSIONS.get(self.content_type, 'bin')}"


@dataclass(frozen=True)
class PreparedUpload:
    """An upload that passed the checks: safe bytes, their type and the user's file name."""

    content: bytes
    content_type: str
    original_name: str

    @property
    def kind(self) -> str:
        return IMAGE if self.content_type.startswith("image/") else DOCUMENT


def _clean_name(name) -> str:
    # Only the last path part, printable, bounded: it is shown and sent back in a header.
    base = PurePath(str(name or "").replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable())[:255]


def _refuse(name: str, message: str, *, documents: bool, code: str):
    raise ValidationError(
        _("%(name)s: %(problem)s Accepted: %(accepted)s.")
        % {
            "name": name or _("file"),
            "problem": message,
            "accepted": accepted_description(documents=documents),
        },
        code=code,
    )


def prepare_upload(upload, *, documents: bool = False) -> PreparedUpload:
    """Check an upload by content and size; return safe bytes or raise ValidationError
    naming the accepted types and the size limit."""
    if isinstance(upload, PreparedUpload):
        return upload
    name = _clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    biggest = max(limits().values()) if documents else limits()[IMAGE]
    if size is not None and size > biggest:
        _refuse(
            name,
            _("The file is too large (%(size)s).") % {"size": filesizeformat(size)},
            documents=documents,
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(biggest + 1)
    upload.seek(0)
    mime = filetype.guess_mime(data[:8192])
    if mime in IMAGE_FORMATS:
        kind = IMAGE
    elif documents and mime in DOCUMENT_TYPES:
        kind = DOCUMENT
    else:
        _refuse(
            name,
            _("This content is not an accepted type."),
            documents=documents,
            code="bad_content",
        )
    if len(data) > limits()[kind]:
        _refuse(
            name,
            _("The file is too large (%(size)s).") % {"size": filesizeformat(len(data))},
            documents=documents,
            code="too_large",
        )
    if kind == IMAGE:
        content, content_type = _reencode_image(data, IMAGE_FORMATS[mime], name, documents)
    else:
        _check_pdf(data, name)
        content, content_type = data, mime
    return PreparedUpload(content=content, content_type=content_type, original_name=name)


def _reencode_image(data: bytes, fmt: str, name: str, documents: bool) -> tuple[bytes, str]:
    unreadable = _("This is not a readable image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            # The header gives the size before any pixel is decoded: refuse bombs here.
            if image.width * image.height > settings.ANJU_IMAGE_MAX_PIXELS:
                _refuse(
                    name,
                    _("The image has too many pixels."),
                    documents=documents,
                    code="too_many_pixels",
                )
            side = settings.ANJU_IMAGE_MAX_SIDE
            if fmt == "JPEG":
                image.draft("RGB", (side, side))  # decode a big JPEG at a reduced scale
            image.load()
            image = ImageOps.exif_transpose(image)  # turn it upright before EXIF goes
            keep_alpha = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info
            )
            image = image.convert("RGBA" if keep_alpha else "RGB")
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # Saved without exif=, icc_profile= or pnginfo=: no metadata survives.
            if keep_alpha or fmt == "PNG":
                image.save(out, format="PNG")
                return out.getvalue(), "image/png"
            image.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg"
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(
            name, _("The image has too many pixels."), documents=documents, code="too_many_pixels"
        )
    except Exception:  # noqa: BLE001 — whatever a decoder raises on hostile input, we refuse
        _refuse(name, unreadable, documents=documents, code="bad_image")


def _check_pdf(data: bytes, name: str):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted or len(reader.pages) < 1:
            raise ValueError("encrypted or empty")
    except Exception:  # noqa: BLE001 — whatever the parser raises on hostile input, we refuse
        _refuse(
            name, _("This is not a readable PDF document."), documents=True, code="bad_document"
        )


def store_upload(model, upload, *, documents: bool = False, uploaded_by=None, **fields):
    """Check (unless already prepared), then save one attachment row of `model` (a subclass
    of AttachmentBase) with `fields` (its scoping foreign key and the like)."""
    prepared = prepare_upload(upload, documents=documents)
    row = model(
        original_name=prepared.original_name,
        content_type=prepared.content_type,
        size=len(prepared.content),
        uploaded_by=uploaded_by,
        **fields,
    )
    # The name given here is thrown away by attachment_upload_to.
    row.file.save("upload", ContentFile(prepared.content), save=False)
    row.save()
    return row


def attachment_response(attachment):
    """Serve an attachment the caller has already found in the user's scope."""
    inline = attachment.is_image
    mode = settings.ANJU_ATTACHMENT_SERVE
    if mode == "x-accel-redirect":
        # nginx: `location /protected-media/ { internal; alias <MEDIA_ROOT>/; }`
        response = HttpResponse(content_type=attachment.content_type)
        response["X-Accel-Redirect"] = settings.ANJU_ATTACHMENT_ACCEL_PREFIX + attachment.file.name
    elif mode == "x-sendfile":
        # Apache mod_xsendfile (XSendFilePath <MEDIA_ROOT>): a path on the shared volume.
        response = HttpResponse(content_type=attachment.content_type)
        response["X-Sendfile"] = attachment.file.path
    else:
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        not inline, attachment.download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    response["Vary"] = "Cookie"
    return response
