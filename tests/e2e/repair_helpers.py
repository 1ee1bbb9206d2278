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


def bad_responses(page) -> list[str]:
    """Failed requests of the page's context (photos are served by scoped views, never
    /media/, so none is left out)."""
    return list(page.context.bad_responses)
