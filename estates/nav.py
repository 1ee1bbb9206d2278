"""Menu entries the domain apps add to the staff bar and the owner portal's bar, so that
the base layouts name no module (each app registers its entries from AppConfig.ready()).

A staff entry shows when the user holds its permission in some estate (the page itself
checks it in the object's estate); an owner entry shows to every signed-in owner."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str  # a lazy translation
    url_name: str
    icon: str = ""  # a Bootstrap icon name, without "bi-"
    perm: str | None = None  # staff entries: the permission held in some estate
    order: int = 100


_STAFF: list[NavEntry] = []
_OWNER: list[NavEntry] = []


def register_staff_nav(entry: NavEntry) -> None:
    if entry not in _STAFF:
        _STAFF.append(entry)


def register_owner_nav(entry: NavEntry) -> None:
    if entry not in _OWNER:
        _OWNER.append(entry)


def _links(entries):
    return [
        {"label": e.label, "url": reverse(e.url_name), "icon": e.icon}
        for e in sorted(entries, key=lambda e: e.order)
    ]


def staff_nav(user) -> list[dict]:
    from .permissions import has_perm_somewhere

    return _links(e for e in _STAFF if e.perm is None or has_perm_somewhere(user, e.perm))


def owner_nav() -> list[dict]:
    return _links(_OWNER)
