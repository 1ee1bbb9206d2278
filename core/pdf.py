"""PDF rendering with WeasyPrint. Print templates live in templates/pdf/ and extend pdf/base.html,
whose font stack names the CJK fonts the setup installs (Noto Sans CJK SC, WenQuanYi)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML  # imported lazily: it loads Pango at import time

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
