"""Every page carries a Content-Security-Policy that allows no inline script, handler or
style attribute, plus Referrer-Policy and Permissions-Policy; no template stands in the way
of that policy (a guard for every module to come)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Rendered to PDF by WeasyPrint, never shown by a browser: the CSP does not apply.
NOT_BROWSER_PAGES = ("pdf/",)


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("who", ["anonymous", "owner", "manager"])
def test_pages_carry_the_csp_and_the_other_policies(world, login, who):
    user = {"anonymous": None, "owner": world.owner, "manager": world.manager}[who]
    url = {
        "anonymous": reverse("login"),
        "owner": reverse("repairs:report"),
        "manager": reverse("maintenance:ticket_board"),
    }[who]
    response = login(user).get(url)
    assert response.status_code == 200
    policy = csp_directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no nonce unless a page asks for one
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in v for values in policy.values() for v in values)
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "camera=(self)" in permissions and "geolocation=()" in permissions
    assert "microphone=()" in permissions


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client):
    html = client.get(reverse("login")).content.decode()
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html


def _templates():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR) and ".venv" not in app.path
    ]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            relative = path.relative_to(root).as_posix()
            if not relative.startswith(NOT_BROWSER_PAGES):
                text = path.read_text(encoding="utf-8")
                # Comments go, their line breaks stay (line numbers in the report hold).
                yield relative, TEMPLATE_COMMENT.sub(lambda m: "\n" * m[0].count("\n"), text)


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)
INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\b(?:src|nonce)=)[^>]*>", re.S)
INLINE_STYLE_BLOCK = re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>", re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_no_template_has_inline_handlers_scripts_or_styles():
    templates = dict(_templates())
    assert "base.html" in templates and len(templates) > 30
    problems = []
    for name, text in templates.items():
        for label, pattern in (
            ("inline on…= handler", INLINE_HANDLER),
            ("inline <script> without src or nonce", INLINE_SCRIPT),
            ("<style> block without nonce", INLINE_STYLE_BLOCK),
            ("style attribute (use a class in static/anju/app.css)", STYLE_ATTRIBUTE),
            ("javascript: URL", JS_URL),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{name}:{line}: {label}")
    # application/json data blocks would be fine, but none is needed yet.
    assert problems == []


def test_no_html_written_in_python_has_inline_handlers_scripts_or_styles():
    """Some HTML is written in Python (the board's rows, format_html in helpers): the same
    rules hold there."""
    problems = []
    for app in ("config", "core", "estates", "maintenance", "portal"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), start=1):
                for label, pattern in (
                    ("inline on…= handler", INLINE_HANDLER),
                    ("inline <script>", INLINE_SCRIPT),
                    ("style attribute", STYLE_ATTRIBUTE),
                ):
                    if pattern.search(line):
                        problems.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {label}")
    assert problems == []


def test_the_guard_sees_what_it_should():
    assert INLINE_HANDLER.search('<select class="x" onchange="this.form.submit()">')
    assert INLINE_HANDLER.search('<button\n  onclick="go()">')
    assert not INLINE_HANDLER.search('<a data-confirm="on=1" class="option">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script nonce="{{ request.csp_nonce }}">')
    assert STYLE_ATTRIBUTE.search('<div class="a" style="width:1px">')
    assert INLINE_STYLE_BLOCK.search("<style>.a{}</style>")
