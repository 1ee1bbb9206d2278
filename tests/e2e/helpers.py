"""Assertions shared by the browser tests."""


def assert_page_healthy(page):
    """The page is styled by Bootstrap, its script loaded, and no request failed."""
    css_var = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--bs-body-font-family')"
    )
    assert css_var.strip(), "Bootstrap CSS did not load (no --bs-body-font-family)"
    assert page.evaluate("typeof window.bootstrap !== 'undefined'"), "Bootstrap JS did not load"
    assert page.context.bad_responses == [], page.context.bad_responses


def choose_and_wait(page, select_selector: str, **option):
    """Pick an option in a <select> that submits its form on change; wait for the new page."""
    with page.expect_navigation():
        page.locator(select_selector).select_option(**option)


def zh_catalogue_compiled() -> bool:
    """Is a compiled Simplified Chinese catalogue (django.mo) on LOCALE_PATHS?"""
    from pathlib import Path

    from django.conf import settings

    return any(
        (Path(p) / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists() for p in settings.LOCALE_PATHS
    )


def wider_than_viewport(page) -> list[dict]:
    """Elements that stick out past the right edge of the viewport (the page would scroll
    sideways), each as {"element": "tag.class", "right": px, "in_navbar": bool}."""
    return page.evaluate(
        """(width) => {
            return [...document.body.querySelectorAll("*")]
                .filter((e) => e.getBoundingClientRect().right > width + 0.5)
                .map((e) => ({
                    element: e.tagName.toLowerCase() + (e.className ? "." +
                        String(e.className).trim().split(/\\s+/).join(".") : ""),
                    right: Math.round(e.getBoundingClientRect().right),
                    in_navbar: e.closest("nav.navbar") !== null,
                }));
        }""",
        page.viewport_size["width"],
    )
