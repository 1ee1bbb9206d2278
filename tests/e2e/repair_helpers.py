"""Helpers of the repair-ticket browser tests."""

import io
from pathlib import Path

from PIL import Image


def sign_in(page, username: str, password: str, next_path: str = "/"):
    """Open the login page (going on to next_path) and sign in through the form."""
    page.goto(f"/accounts/login/?next={next_path}")
    form = page.get_by_test_id("login-form")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    with page.expect_navigation():
        form.locator("button").click()


def png_file(tmp_path: Path, name: str, color=(30, 110, 200), size=(320, 240)) -> Path:
    """A small PNG on disk, for set_input_files (a camera photo stand-in)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def bad_responses(page, *, ignore_media: bool = True) -> list[str]:
    """Failed requests of the page's context. Uploaded photos (/media/) are not served by
    the live test server (only DEBUG serves them), so they may be left out."""
    return [
        r for r in page.context.bad_responses if not (ignore_media and "/media/" in r.split()[-1])
    ]
