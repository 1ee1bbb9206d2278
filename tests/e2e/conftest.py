"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Fixtures: `browser` (one Chromium per session), `new_context` (a fresh, English-speaking
browser context against the live server, closed after the test), `page` (desktop) and
`phone_page` (360 × 740, for field and owner pages). Every page still open when a test ends
is photographed into var/e2e/ (gitignored). A test fails when one of its pages logged a
Content-Security-Policy violation (a script or style the policy blocked).
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread for as long
# as the browser lives, and Django refuses ORM calls from a thread with a running loop
# (SynchronousOnlyOperation). The session-scoped browser outlives the e2e tests, so this is
# set for the whole run.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(e2e tests never download a browser)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs most of a second per password here; the live server runs in this
    process, so the cheap hasher applies to its sign-ins and activations too."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _ratelimit_reset():
    """The one-time-code rate limit lives in the cache (Redis when REDIS_URL is set), which
    outlives the test database: start every browser test with a clean counter."""
    from django.core.cache import cache

    for ip in ("127.0.0.1", "::1"):
        cache.delete(f"ratelimit:activate:{ip}")


@pytest.fixture
def new_context(browser, live_server, request, _ratelimit_reset):
    """new_context(**options) -> a fresh browser context (its own cookies) on the live
    server, English by default. Its pages are photographed and it is closed at teardown."""
    contexts = []

    def _new(**options):
        options = {
            "base_url": live_server.url,
            "locale": "en-US",
            "viewport": DESKTOP,
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.bad_responses = []
        context.csp_violations = []
        context.on("response", lambda r: _note_bad_response(context, r))
        context.on("console", lambda m: _note_csp_violation(context, m))
        contexts.append(context)
        return context

    yield _new

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w.-]+", "_", request.node.name)
    for i, context in enumerate(contexts, start=1):
        for j, pg in enumerate(context.pages, start=1):
            # A failed photo must not hide the test's real error.
            with contextlib.suppress(Exception):
                pg.screenshot(path=str(SCREENSHOTS / f"{slug}-{i}-{j}.png"), full_page=True)
        context.close()
    violations = [v for context in contexts for v in context.csp_violations]
    assert violations == [], "Content-Security-Policy violations in the browser"


def _note_csp_violation(context, message):
    if "Content Security Policy" in message.text:
        context.csp_violations.append(f"{message.location.get('url', '')}: {message.text}")


def _note_bad_response(context, response):
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        context.bad_responses.append(f"{response.status} {response.url}")


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context):
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
