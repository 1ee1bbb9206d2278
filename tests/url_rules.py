"""The kinds of rule a URL of the role × URL matrix (tests/test_url_scoping.py) can declare.
Each app's tests may add their URLs' rules and objects in `tests/<app>/matrix.py`:

    RULES = {"billing:bill_detail": Staff(BP.VIEW), ...}
    PLAIN_KWARGS = {"period": "2026-11"}          # optional: values that are nobody's object
    REDIRECTORS = {"billing:pay_return"}          # optional: pages whose 302 is their 200

    def build(world):                              # optional: the app's objects, per side
        world.extra["bill_pk"] = {A: make_bill(world.unit[A]), B: make_bill(world.unit[B])}

`build` runs once, after the estates, people, staff and tickets of both sides exist.
"""

from dataclasses import dataclass

A, B = "A", "B"


@dataclass(frozen=True)
class Staff:
    """A staff page. perm None: any staff member. scope: "object" (the object of the URL,
    in its estate), "any" (held in some estate: lists), "current" (in the chosen estate:
    create pages), "admin" (company administrators only)."""

    perm: str | None
    scope: str = "object"
    unchosen: str = "ok"  # "current" with several estates and none chosen: "ok" or "redirect"


@dataclass(frozen=True)
class Owner:
    """An owner page (object URLs: the owner's own object)."""


@dataclass(frozen=True)
class Scan:
    """A QR label: staff with `perm` in the object's estate, owners living in it."""

    perm: str


@dataclass(frozen=True)
class SignedIn:
    """Any signed-in user."""


@dataclass(frozen=True)
class Recipient:
    """A notification: its recipient only (404 for everyone else)."""


@dataclass(frozen=True)
class Public:
    """Reachable without signing in (must not be a server error)."""
