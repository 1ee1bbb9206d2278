"""PDF rendering with WeasyPrint. Print templates live in templates/pdf/ and extend pdf/base.html,
whose font stack names the CJK fonts the setup installs (Noto Sans CJK SC, WenQuanYi)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML  # imported lazily: it loads Pango at import time
    from weasyprint.urls import URLFetcher

    # Only local files and data: URIs: a PDF must never make the server fetch over HTTP
    # (with one gunicorn worker that would wait on itself). Fonts come from the system.
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, timeout=5)
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
