"""Walk every URL pattern of the project and check who gets what.

The patterns come from the URL resolver, so a URL added later is covered without editing
this file; a URL with a new kind of parameter fails here until it gets an entry in
OBJECT_KWARGS or PLAIN_KWARGS below. For each URL:

- anonymous users are sent to the login page (unless the URL is in PUBLIC);
- staff pages: an owner gets 403, a manager of another estate gets 404 for estate A's
  objects (and their own scope for lists), the right user gets a page;
- owner pages: staff without an owner record get 403, another owner gets 404 for the
  owner's objects, the owner gets a page.

A URL that only accepts POST (405 on GET for the right user) is checked with POST.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.notifications import notify
from estates.models import ImportBatch, Occupancy
from portal.models import OwnerInvitation, hash_secret

# Reachable without signing in (answers must still not be server errors).
PUBLIC = {
    "healthz",
    "set_language",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "portal:activate",
    "portal:activate_code",
    "portal:activate_password",
}
# Django's admin has its own login and permission screens; checked separately below.
SKIP_NAMESPACES = {"admin"}
# Pages only a company administrator may open (estate managers get 403).
ADMIN_ONLY = {"staff:estate_create"}
# Pages whose job is to send you elsewhere.
REDIRECTORS = {"home", "maintenance:scan_equipment", "maintenance:scan_building"}
# URLs under /staff/ that serve both faces: a QR label is scanned by staff and owners alike
# (staff go to the staff report form, owners of the estate to the portal's).
BOTH_FACES = {"maintenance:scan_equipment", "maintenance:scan_building"}


@dataclass
class Pattern:
    name: str
    route: str
    kwargs: tuple[str, ...]

    def __str__(self):
        return self.name


def discover(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from discover(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            converters = entry.pattern.converters if hasattr(entry.pattern, "converters") else {}
            kwargs = tuple(sorted(converters))
            yield Pattern(name=name, route=prefix + str(entry.pattern), kwargs=kwargs)


PATTERNS = sorted(
    {p.name: p for p in discover() if p.name.split(":")[0] not in SKIP_NAMESPACES}.values(),
    key=lambda p: p.name,
)


def _notification(world, user):
    return notify(recipients=[user], title="测试通知", email=False)[0]


def _import_batch(world, estate, user):
    return ImportBatch.objects.create(
        estate=estate, kind="units", file="imports/x.csv", original_name="x.csv", created_by=user
    )


# kwarg -> (object for the right user, object the outsider must not reach), built from world.
OBJECT_KWARGS = {
    "estate_pk": lambda w: (w.estate, w.other_estate),
    "building_pk": lambda w: (w.building, w.other_building),
    "unit_pk": lambda w: (w.unit, w.other_unit),
    "person_pk": lambda w: (w.owner_person, w.other_person),
    "equipment_pk": lambda w: (w.equipment, w.other_equipment),
    "membership_pk": lambda w: (w.manager.memberships.get(), w.other_manager.memberships.get()),
    "occupancy_pk": lambda w: (
        Occupancy.objects.get(unit=w.unit),
        Occupancy.objects.get(unit=w.other_unit),
    ),
    "import_pk": lambda w: (
        _import_batch(w, w.estate, w.manager),
        _import_batch(w, w.other_estate, w.other_manager),
    ),
    "notification_pk": lambda w: (_notification(w, w.manager), _notification(w, w.other_manager)),
    "ticket_pk": lambda w: _tickets(w),
    "photo_pk": lambda w: tuple(_photo(t) for t in _tickets(w)),
}
# kwarg -> a value that is not an object of anyone's (same answer for everyone in scope).
PLAIN_KWARGS = {"kind": "units", "action": "register", "year": 2026, "month": 11}


def _tickets(world):
    """One ticket of ours and one of the other estate/owner, made once per test."""
    if not hasattr(world, "_tickets"):
        world._tickets = (
            _ticket(world.unit, world.owner_person),
            _ticket(world.other_unit, world.other_person),
        )
    return world._tickets


def _photo(ticket):
    from django.core.files.base import ContentFile

    from maintenance.models import TicketPhoto

    return TicketPhoto.objects.create(
        ticket=ticket, kind="report", image=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png")
    )


def _ticket(unit, reporter):
    from django.utils import timezone

    from maintenance.models import Ticket

    now = timezone.now()
    ticket = Ticket.objects.create(
        estate=unit.estate,
        unit=unit,
        building=unit.building,
        category="plumbing",
        channel="portal",
        description="厨房漏水",
        reporter=reporter,
        reported_at=now,
        response_due=now,
        onsite_due=now,
        completion_due=now,
    )
    ticket.number = f"T-{ticket.pk}"
    ticket.save(update_fields=["number"])
    return ticket


def _public_kwargs(world, pattern):
    """Real values for the public URLs that take parameters."""
    if pattern.name == "password_reset_confirm":
        user = world.manager
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    if pattern.name == "portal:activate":
        token, code = OwnerInvitation.new_secrets()
        OwnerInvitation.objects.create(
            person=world.owner_person,
            token_hash=hash_secret(token),
            code_hash=hash_secret(code),
            expires_at=OwnerInvitation.default_expiry(),
        )
        return {"token": token}
    return {}


def _face(pattern) -> str:
    """Which interface a URL belongs to, from where it lives: /staff/... or /portal/..."""
    if pattern.name in BOTH_FACES:
        return "shared"
    if pattern.route.startswith("staff/"):
        return "staff"
    if pattern.route.startswith("portal/"):
        return "owner"
    return "shared"


def _urls(world, pattern):
    """(url for the right user's object, url for the other estate's/owner's object)."""
    own, other = {}, {}
    for kwarg in pattern.kwargs:
        if kwarg in PLAIN_KWARGS:
            own[kwarg] = other[kwarg] = PLAIN_KWARGS[kwarg]
        elif kwarg in OBJECT_KWARGS:
            mine, theirs = OBJECT_KWARGS[kwarg](world)
            if _face(pattern) == "owner" and kwarg == "unit_pk":
                mine, theirs = world.unit, world.other_unit
            own[kwarg], other[kwarg] = mine.pk, theirs.pk
        else:
            pytest.fail(
                f"{pattern.name}: add the URL parameter {kwarg!r} to OBJECT_KWARGS "
                "or PLAIN_KWARGS in tests/test_url_scoping.py"
            )
    return reverse(pattern.name, kwargs=own), reverse(pattern.name, kwargs=other)


def _method(client, user, url):
    """GET, unless the right user's GET says 405 (a POST-only action)."""
    client.force_login(user)
    response = client.get(url)
    client.logout()
    return "post" if response.status_code == 405 else "get"


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_url_answers_by_actor(pattern, world, client):
    if pattern.name in PUBLIC:
        url = reverse(pattern.name, kwargs=_public_kwargs(world, pattern))
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        return

    own_url, other_url = _urls(world, pattern)
    has_objects = any(k in OBJECT_KWARGS for k in pattern.kwargs)
    face = _face(pattern)
    if face == "owner":
        right, outsider, wrong_face = world.owner, world.other_owner, world.manager
    else:
        right = world.admin if pattern.name in ADMIN_ONLY else world.manager
        outsider, wrong_face = world.other_manager, world.owner
        if face != "staff":
            wrong_face = None  # shared pages (inbox actions) serve every signed-in user
    method = _method(client, right, own_url)
    send = getattr(client, method)

    # Anonymous: to the login page.
    response = send(own_url)
    assert _is_login_redirect(response), f"anonymous {method} {own_url}: {response.status_code}"

    # The other face (an owner on staff pages, staff on owner pages): 403.
    if wrong_face is not None:
        client.force_login(wrong_face)
        response = send(own_url)
        assert response.status_code == 403, (
            f"{wrong_face} {method} {own_url}: {response.status_code}"
        )
        client.logout()

    # Someone from another estate (or another owner): 404 for our objects.
    client.force_login(outsider)
    response = send(own_url)
    if has_objects:
        assert response.status_code == 404, f"outsider {method} {own_url}: {response.status_code}"
        # ...while their own object answers (they are not simply locked out).
        response = send(other_url)
        assert response.status_code in (200, 302), (
            f"outsider own {other_url}: {response.status_code}"
        )
    elif pattern.name in ADMIN_ONLY:
        assert response.status_code == 403, f"outsider {own_url}: {response.status_code}"
    else:
        assert response.status_code in (200, 302), f"outsider {own_url}: {response.status_code}"
    client.logout()

    # The right user: the page (or, for an action, a redirect that is not to the login).
    client.force_login(right)
    response = send(own_url)
    assert response.status_code in (200, 302), f"{right} {method} {own_url}: {response.status_code}"
    assert not _is_login_redirect(response)
    if method == "get" and response.status_code == 302 and pattern.name not in REDIRECTORS:
        pytest.fail(f"{own_url} redirected {right} on GET to {response['Location']}")


def test_every_url_is_walked():
    """The walk above found the pages of every face (guards against an empty discovery)."""
    names = {p.name for p in PATTERNS}
    assert {"staff:unit_detail", "staff:person_detail", "portal:unit_detail"} <= names
    assert len(PATTERNS) >= 40


def test_admin_requires_staff_login(world, client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(world.owner)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
