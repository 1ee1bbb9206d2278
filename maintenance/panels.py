"""Places on a repair ticket's pages where the apps above add their own part (the
complaint made from a repair, for instance), so that maintenance imports none of them.
Like estates/panels.py: register from AppConfig.ready(); a panel is a function
(request, ticket) -> dict | None, a dict with "template" (read under `panel`); each panel
checks its own permission in the ticket's estate (or, on the owner's page, that the
ticket is the owner's: it always is there) and returns None when the user may not see it.

Staff ticket page: register_ticket_panel. Owner's ticket page: register_owner_ticket_panel."""

from collections.abc import Callable

_TICKET_PANELS: list[Callable] = []
_OWNER_TICKET_PANELS: list[Callable] = []


def register_ticket_panel(panel: Callable) -> Callable:
    if panel not in _TICKET_PANELS:
        _TICKET_PANELS.append(panel)
    return panel


def ticket_panels(request, ticket) -> list[dict]:
    """The panels other apps add to `ticket`'s staff page, in registration order."""
    panels = (panel(request, ticket) for panel in _TICKET_PANELS)
    return [p for p in panels if p]


def register_owner_ticket_panel(panel: Callable) -> Callable:
    if panel not in _OWNER_TICKET_PANELS:
        _OWNER_TICKET_PANELS.append(panel)
    return panel


def owner_ticket_panels(request, ticket) -> list[dict]:
    """The panels other apps add to the owner's page of `ticket`, in registration order."""
    panels = (panel(request, ticket) for panel in _OWNER_TICKET_PANELS)
    return [p for p in panels if p]
