"""Places on estates' pages where the apps above add their own part, so that estates needs
to import none of them (layers point one way). An app registers a panel from its
AppConfig.ready(); the page includes each panel's template with the panel's context.

A panel is a function (request, obj, **page) -> dict | None: None shows nothing, a dict
needs "template" and may carry anything that template reads (under `panel`)."""

from collections.abc import Callable

_PERSON_PANELS: list[Callable] = []


def register_person_panel(panel: Callable) -> Callable:
    if panel not in _PERSON_PANELS:
        _PERSON_PANELS.append(panel)
    return panel


def person_panels(request, person, **page) -> list[dict]:
    """The panels other apps add to a person's staff page (the owner portal's account and
    invitation, for instance)."""
    panels = (panel(request, person, **page) for panel in _PERSON_PANELS)
    return [p for p in panels if p]
