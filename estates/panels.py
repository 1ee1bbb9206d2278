"""Places on estates' pages where the apps above add their own part, so that estates needs
to import none of them (layers point one way). An app registers a panel from its
AppConfig.ready(); the page includes each panel's template with the panel's context.

A panel is a function (request, obj, **page) -> dict | None: None shows nothing, a dict
needs "template" and may carry anything that template reads (under `panel`). Each panel
checks its own permission in the object's estate (a user who may see the unit may still
not see its bills) and returns None when the user may not see it.

Pages: "person", "unit", "equipment", "estate", "building" (the staff detail pages)."""

from collections.abc import Callable

PAGES = ("person", "unit", "equipment", "estate", "building")
_PANELS: dict[str, list[Callable]] = {page: [] for page in PAGES}


def register_panel(page: str, panel: Callable) -> Callable:
    if page not in _PANELS:
        raise ValueError(f"no panels on {page!r}: one of {PAGES}")
    if panel not in _PANELS[page]:
        _PANELS[page].append(panel)
    return panel


def panels_for(page: str, request, obj, **context) -> list[dict]:
    """The panels other apps add to `obj`'s staff page, in registration order."""
    panels = (panel(request, obj, **context) for panel in _PANELS[page])
    return [p for p in panels if p]


def register_person_panel(panel: Callable) -> Callable:
    return register_panel("person", panel)


def person_panels(request, person, **page) -> list[dict]:
    """The panels other apps add to a person's staff page (the owner portal's account and
    invitation, for instance)."""
    return panels_for("person", request, person, **page)
