"""Import files are checked by what they contain (magic bytes), not by their name, and by
size. Photos and documents kept as attachments go through core.attachments instead."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
}


def check_size(upload, max_bytes: int | None = None):
    limit = max_bytes or settings.ANJU_UPLOAD_MAX_BYTES
    if upload.size > limit:
        # Lazy with params (not formatted here): an import stores the message as a key and
        # its reader sees it in their own language.
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def sniff_mime(upload) -> str | None:
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(upload, *, allowed: set[str], max_bytes: int | None = None) -> str:
    """Validate size and content type; return the detected MIME type."""
    check_size(upload, max_bytes)
    mime = sniff_mime(upload)
    if mime not in allowed:
        raise ValidationError(_("This file's content is not an accepted type."), code="bad_content")
    return mime


def check_text_upload(upload, *, max_bytes: int | None = None) -> str:
    """A CSV must be text: decode as UTF-8 (with or without BOM), else GB18030 (Excel in China)."""
    check_size(upload, max_bytes)
    raw = upload.read()
    upload.seek(0)
    if b"\x00" in raw[:8192]:
        raise ValidationError(_("This file's content is not text."), code="bad_content")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not UTF-8 or GB18030 text."), code="bad_encoding")
