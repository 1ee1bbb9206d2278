"""The role × URL matrix: every URL pattern of the project, asked by every kind of user,
answers what the permission it declares says: 200 (or a redirect for actions), 302 to the
login page, 403 or 404.

The URL patterns come from the resolver; each needs an entry in RULES (the permission it
needs and where that permission is checked), so a new URL without one fails here. The
expected answer of each cell is derived from its rule and from the roles (ROLE_PERMISSIONS),
never written by hand:

- staff pages about an object check the permission in that object's estate: outside the
  user's estates a 404, in them without the role a 403 — asked for an object of estate A
  and one of estate B;
- staff lists check it "in some estate" (the user's rows follow), create pages in the
  chosen estate (a user with several estates and none chosen gets the estate chooser);
- owner pages: another owner's object is a 404, staff get a 403;
- anonymous users go to the login page (except PUBLIC URLs).

Users: anonymous, an owner in A and one in B, every role of estate A, a user who is finance
in A and technician in B, the manager of B only, and a company administrator. The world is
built once for the module and every request runs in a savepoint that is rolled back, so an
action tried by one user leaves nothing behind for the next.
"""

import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.notifications import notify
from estates import permissions as EP
from estates.choices import Role
from estates.models import ImportBatch
from estates.permissions import role_has
from maintenance import permissions as MP
from maintenance.transitions import STAFF_ACTIONS
from portal.models import OwnerInvitation, hash_secret

from .factories import (
    BuildingFactory,
    EquipmentFactory,
    EstateFactory,
    MembershipFactory,
    OccupancyFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from .url_rules import A, B, Owner, Public, Recipient, Scan, SignedIn, Staff

# --- The rules: what each URL needs ------------------------------------------------------

RULES = {
    # Public and any signed-in user
    "healthz": Public(),
    "set_language": Public(),
    "login": Public(),
    "logout": Public(),
    "password_reset": Public(),
    "password_reset_done": Public(),
    "password_reset_confirm": Public(),
    "password_reset_complete": Public(),
    "portal:activate": Public(),
    "portal:activate_code": Public(),
    "portal:activate_password": Public(),
    "home": SignedIn(),
    "password_change": SignedIn(),
    "password_change_done": SignedIn(),
    "notifications_read_all": SignedIn(),
    "notification_open": Recipient(),
    # Staff: estates
    "staff:dashboard": Staff(None, "any"),
    "staff:estate_switch": Staff(None, "any"),
    "staff:inbox": Staff(None, "any"),
    "staff:estate_list": Staff(None, "any"),
    "staff:estate_create": Staff(None, "admin"),
    "staff:estate_detail": Staff(EP.VIEW),
    "staff:estate_edit": Staff(EP.MANAGE_ESTATE),
    "staff:building_create": Staff(EP.MANAGE_ESTATE),
    "staff:building_detail": Staff(EP.VIEW),
    "staff:building_edit": Staff(EP.MANAGE_ESTATE),
    "staff:building_label": Staff(EP.VIEW_EQUIPMENT),
    "staff:building_register_pdf": Staff(EP.VIEW_PEOPLE),
    "staff:unit_list": Staff(EP.VIEW, "any"),
    "staff:unit_export": Staff(EP.EXPORT, "any"),
    "staff:unit_create": Staff(EP.MANAGE_UNITS, "current"),
    "staff:unit_detail": Staff(EP.VIEW),
    "staff:unit_edit": Staff(EP.MANAGE_UNITS),
    "staff:person_list": Staff(EP.VIEW_PEOPLE, "any"),
    "staff:person_export": Staff(EP.EXPORT, "any"),
    "staff:person_create": Staff(EP.MANAGE_PEOPLE, "current"),
    "staff:person_detail": Staff(EP.VIEW_PEOPLE),
    "staff:person_edit": Staff(EP.MANAGE_PEOPLE),
    "invitations:person_invite": Staff(EP.MANAGE_PEOPLE),
    "staff:occupancy_create": Staff(EP.MANAGE_PEOPLE, "current"),
    "staff:occupancy_end": Staff(EP.MANAGE_PEOPLE),
    "staff:membership_list": Staff(EP.MANAGE_STAFF, "any"),
    "staff:membership_create": Staff(EP.MANAGE_STAFF, "current"),
    "staff:membership_detail": Staff(EP.MANAGE_STAFF),
    "staff:membership_edit": Staff(EP.MANAGE_STAFF),
    "staff:equipment_list": Staff(EP.VIEW_EQUIPMENT, "any"),
    "staff:equipment_export": Staff(EP.EXPORT, "any"),
    "staff:equipment_create": Staff(EP.MANAGE_EQUIPMENT, "current"),
    "staff:equipment_detail": Staff(EP.VIEW_EQUIPMENT),
    "staff:equipment_edit": Staff(EP.MANAGE_EQUIPMENT),
    "staff:equipment_labels": Staff(EP.VIEW_EQUIPMENT, "any"),
    "staff:equipment_label": Staff(EP.VIEW_EQUIPMENT),
    "staff:equipment_qr": Staff(EP.VIEW_EQUIPMENT),
    "staff:import_list": Staff(EP.IMPORT, "any"),
    "staff:import_upload": Staff(EP.IMPORT, "any"),
    "staff:import_detail": Staff(EP.IMPORT),
    "staff:import_apply": Staff(EP.IMPORT),
    "staff:import_template": Staff(None, "any"),
    # Staff: repairs
    "maintenance:ticket_board": Staff(MP.VIEW, "any"),
    "maintenance:ticket_create": Staff(MP.CREATE, "current"),
    "maintenance:ticket_export": Staff(EP.EXPORT, "any"),
    "maintenance:my_jobs": Staff(MP.WORK, "any"),
    "maintenance:sla_settings": Staff(MP.CONFIGURE, "current"),
    "maintenance:monthly_report_pdf": Staff(MP.REPORT, "current", unchosen="redirect"),
    "maintenance:ticket_detail": Staff(MP.VIEW),
    # action=register here; every other action: test_every_ticket_action_... below.
    "maintenance:ticket_action": Staff(MP.REGISTER),
    "maintenance:ticket_photo": Staff(MP.VIEW),
    "maintenance:work_order_pdf": Staff(MP.VIEW),
    "maintenance:scan_equipment": Scan(MP.CREATE),
    "maintenance:scan_building": Scan(MP.CREATE),
    # Owner pages
    "portal:home": Owner(),
    "portal:unit_detail": Owner(),
    "portal:profile": Owner(),
    "portal:inbox": Owner(),
    "repairs:my_tickets": Owner(),
    "repairs:report": Owner(),
    "repairs:ticket_detail": Owner(),
    "repairs:ticket_photo": Owner(),
    "repairs:rate": Owner(),
    "repairs:urge": Owner(),
    "repairs:cancel": Owner(),
    "repairs:verify": Owner(),
}


def _app_matrices():
    """tests/<app>/matrix.py of each app that has one (see tests/url_rules.py)."""
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*/matrix.py")):
        yield importlib.import_module(f"tests.{path.parent.name}.matrix")


APP_MATRICES = list(_app_matrices())
for _matrix in APP_MATRICES:
    RULES.update(_matrix.RULES)

# Django's admin has its own login and permission screens (tests/core/test_admin.py).
SKIP_NAMESPACES = {"admin"}
# Pages whose job is to send you elsewhere (a 302 that is not to the login page is their 200).
REDIRECTORS = {"home", "maintenance:scan_equipment", "maintenance:scan_building"}
# kwarg -> a value that is nobody's object (the same for everyone).
PLAIN_KWARGS = {"kind": "units", "action": "register", "year": 2026, "month": 11}
for _matrix in APP_MATRICES:
    PLAIN_KWARGS.update(getattr(_matrix, "PLAIN_KWARGS", {}))
    REDIRECTORS.update(getattr(_matrix, "REDIRECTORS", set()))


# --- The URL patterns --------------------------------------------------------------------


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
            converters = getattr(entry.pattern, "converters", {})
            yield Pattern(name=name, route=prefix + str(entry.pattern), kwargs=tuple(converters))


PATTERNS = sorted(
    {p.name: p for p in discover() if p.name.split(":")[0] not in SKIP_NAMESPACES}.values(),
    key=lambda p: p.name,
)


# --- The world: two estates, their people and staff, built once --------------------------


@dataclass
class Actor:
    name: str
    user: object = None  # None: anonymous
    roles: dict = None  # side -> role
    lives_in: str | None = None  # the side of an owner's unit
    admin: bool = False

    @property
    def is_staff(self):
        return self.admin or bool(self.roles)


class World:
    """Objects of estate A and estate B (side -> object), the actors and their clients."""

    def __init__(self):
        self.estate, self.building, self.unit, self.equipment = {}, {}, {}, {}
        self.person, self.occupancy, self.membership, self.batch = {}, {}, {}, {}
        self.notification, self.ticket, self.photo = {}, {}, {}
        self.extra: dict[str, dict] = {}  # kwarg -> side -> object, from tests/<app>/matrix.py
        self.actors: dict[str, Actor] = {}
        self.clients: dict[str, Client] = {}

    def objects(self, kwarg, side):
        if kwarg in self.extra:
            return self.extra[kwarg][side]
        return {
            "estate_pk": self.estate,
            "building_pk": self.building,
            "unit_pk": self.unit,
            "person_pk": self.person,
            "equipment_pk": self.equipment,
            "membership_pk": self.membership,
            "occupancy_pk": self.occupancy,
            "import_pk": self.batch,
            "notification_pk": self.notification,
            "ticket_pk": self.ticket,
            "photo_pk": self.photo,
        }[kwarg][side]


def _ticket(unit, reporter):
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


def _photo(ticket):
    from maintenance.models import TicketPhoto

    return TicketPhoto.objects.create(
        ticket=ticket,
        kind="report",
        content_type="image/png",
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png"),
    )


def _build(world: World):
    managers = {}
    for side, (name, code) in {A: ("锦绣园", "jxy"), B: ("翠湖苑", "chy")}.items():
        estate = world.estate[side] = EstateFactory(name=name, code=code)
        building = world.building[side] = BuildingFactory(estate=estate)
        unit = world.unit[side] = UnitFactory(building=building)
        world.equipment[side] = EquipmentFactory(estate=estate, building=building)
        owner = UserFactory(username=f"owner-{code}")
        person = world.person[side] = PersonFactory(registered_estate=estate, user=owner)
        world.occupancy[side] = OccupancyFactory(person=person, unit=unit)
        world.actors["owner" if side == A else "other_owner"] = Actor(
            "owner" if side == A else "other_owner", owner, {}, lives_in=side
        )
        world.ticket[side] = _ticket(unit, person)
        world.photo[side] = _photo(world.ticket[side])
        managers[side] = UserFactory(username=f"{code}-manager")
    for role in Role.values:
        user = managers[A] if role == Role.MANAGER else UserFactory(username=f"jxy-{role}")
        membership = MembershipFactory(user=user, estate=world.estate[A], role=role)
        world.actors[f"A {role}"] = Actor(f"A {role}", user, {A: role})
        if role == Role.MANAGER:
            world.membership[A] = membership
    world.membership[B] = MembershipFactory(
        user=managers[B], estate=world.estate[B], role=Role.MANAGER
    )
    world.actors["B manager"] = Actor("B manager", managers[B], {B: Role.MANAGER})
    dual = UserFactory(username="finance-a-technician-b")
    MembershipFactory(user=dual, estate=world.estate[A], role=Role.FINANCE)
    MembershipFactory(user=dual, estate=world.estate[B], role=Role.TECHNICIAN, skills=["plumbing"])
    world.actors["A finance + B technician"] = Actor(
        "A finance + B technician", dual, {A: Role.FINANCE, B: Role.TECHNICIAN}
    )
    admin = UserFactory(username="admin", is_company_admin=True)
    world.actors["company admin"] = Actor("company admin", admin, {}, admin=True)
    world.actors["anonymous"] = Actor("anonymous")
    for side in (A, B):
        world.batch[side] = ImportBatch.objects.create(
            estate=world.estate[side],
            kind="units",
            file="imports/x.csv",
            original_name="x.csv",
            created_by=managers[side],
        )
        world.notification[side] = notify(
            recipients=[managers[side]], title="测试通知", email=False
        )[0]
    world.recipient = {A: "A manager", B: "B manager"}
    for matrix in APP_MATRICES:
        if hasattr(matrix, "build"):
            matrix.build(world)
    for name, actor in world.actors.items():
        client = Client()
        if actor.user is not None:
            client.force_login(actor.user)
        world.clients[name] = client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once in an outer transaction that is rolled back when the module is done."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        world = World()
        world.media = media
        _build(world)
        yield world
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _matrix_settings(settings, world, monkeypatch):
    settings.MEDIA_ROOT = world.media
    # The matrix asks who may open a PDF, not what it looks like (tests/*/test_pdfs.py do):
    # the template still renders, the slow PDF engine is skipped.
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **k: b"%PDF-1.7 matrix")


# --- Expected answers ----------------------------------------------------------------------

OK, LOGIN, ELSEWHERE = "ok", "login", "elsewhere"


def _has(actor, perm, side=None) -> bool:
    """Does the actor hold `perm` (None: any role) on `side` (None: on some side)?"""
    if actor.admin:
        return True
    sides = [side] if side else list(actor.roles)
    return any(s in actor.roles and (perm is None or role_has(actor.roles[s], perm)) for s in sides)


def _staff(rule: Staff, actor, side):
    if not actor.is_staff:
        return 403
    if rule.scope == "admin":
        return OK if actor.admin else 403
    if rule.scope == "object":
        if not actor.admin and side not in actor.roles:
            return 404
        return OK if _has(actor, rule.perm, side) else 403
    if rule.scope == "current":
        several = actor.admin or len(actor.roles) > 1
        if several:  # nothing chosen: the estate chooser (or back to a list)
            return OK if rule.unchosen == "ok" else ELSEWHERE
        return OK if _has(actor, rule.perm) else 403
    return OK if _has(actor, rule.perm) else 403  # "any"


def _owner(actor, side):
    if actor.lives_in is None:
        return 403
    if side is None:
        return OK
    return OK if actor.lives_in == side else 404


def expected(rule, actor, side, world):
    """The answer the rule promises to `actor` for the object of `side` (None: no object)."""
    if actor.user is None:
        return LOGIN
    if isinstance(rule, SignedIn):
        return OK
    if isinstance(rule, Recipient):
        return OK if world.recipient[side] == actor.name else 404
    if isinstance(rule, Staff):
        return _staff(rule, actor, side)
    if isinstance(rule, Owner):
        return _owner(actor, side)
    if isinstance(rule, Scan):
        if actor.is_staff:
            return _staff(Staff(rule.perm), actor, side)
        return _owner(actor, side)
    raise AssertionError(rule)


# --- Asking --------------------------------------------------------------------------------


def _url(world, pattern, side):
    kwargs = {}
    for kwarg in pattern.kwargs:
        if kwarg in PLAIN_KWARGS:
            kwargs[kwarg] = PLAIN_KWARGS[kwarg]
        else:
            try:
                kwargs[kwarg] = world.objects(kwarg, side).pk
            except KeyError:
                pytest.fail(
                    f"{pattern.name}: add the URL parameter {kwarg!r} to World.objects "
                    "or PLAIN_KWARGS in tests/test_url_scoping.py"
                )
    return reverse(pattern.name, kwargs=kwargs)


def _ask(client, method, url):
    """One request in a savepoint that is rolled back: it changes nothing for the next."""
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def _outcome(response, method, name):
    status = response.status_code
    if status == 302:
        if response["Location"].startswith(reverse("login")):
            return LOGIN
        if method == "post" or name in REDIRECTORS:
            return OK
        return ELSEWHERE
    return OK if status == 200 else status


def _method(world, pattern, rule, sides):
    """GET, unless a user the rule lets in gets 405 (a POST-only action)."""
    for name, actor in world.actors.items():
        if expected(rule, actor, sides[0], world) == OK:
            response = _ask(world.clients[name], "get", _url(world, pattern, sides[0]))
            return "post" if response.status_code == 405 else "get"
    pytest.fail(f"{pattern.name}: nobody may open it")


def _public_kwargs(world, pattern):
    if pattern.name == "password_reset_confirm":
        user = world.actors["A manager"].user
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    if pattern.name == "portal:activate":
        token, code = OwnerInvitation.new_secrets()
        OwnerInvitation.objects.create(
            person=world.person[A],
            token_hash=hash_secret(token),
            code_hash=hash_secret(code),
            expires_at=OwnerInvitation.default_expiry(),
        )
        return {"token": token}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_url_answers_each_user_as_its_rule_says(pattern, world):
    rule = RULES.get(pattern.name)
    assert rule is not None, (
        f"{pattern.name} ({pattern.route}) has no entry in RULES of tests/test_url_scoping.py: "
        "say which permission it needs and where it is checked"
    )
    if isinstance(rule, Public):
        url = reverse(pattern.name, kwargs=_public_kwargs(world, pattern))
        response = _ask(world.clients["anonymous"], "get", url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        return

    has_objects = any(k not in PLAIN_KWARGS for k in pattern.kwargs)
    sides = [A, B] if has_objects else [None]
    method = _method(world, pattern, rule, sides)
    wrong = []
    for side in sides:
        url = _url(world, pattern, side or A)
        for name, actor in world.actors.items():
            want = expected(rule, actor, side, world)
            got = _outcome(_ask(world.clients[name], method, url), method, pattern.name)
            if got != want:
                wrong.append(f"{name} {method.upper()} {url} (estate {side}): {got}, not {want}")
    assert not wrong, "\n".join(wrong)


def test_every_rule_names_a_url():
    """No stale rules: each entry of RULES is a URL pattern that exists."""
    assert set(RULES) - {p.name for p in PATTERNS} == set()
    assert len(PATTERNS) >= 70


@pytest.mark.django_db
def test_the_person_of_another_estate_is_403_for_a_role_without_people_there(world):
    """The case the matrix was built for, spelled out: finance in A reads A's people, but
    as a technician in B may not open B's person record (nor see their mobile)."""
    client = world.clients["A finance + B technician"]
    own = reverse("staff:person_detail", kwargs={"person_pk": world.person[A].pk})
    other = reverse("staff:person_detail", kwargs={"person_pk": world.person[B].pk})
    assert _ask(client, "get", own).status_code == 200
    response = _ask(client, "get", other)
    assert response.status_code == 403
    assert world.person[B].mobile not in response.content.decode()


@pytest.mark.django_db
def test_expected_answers_cover_every_kind_of_cell(world):
    """The rules are not vacuous: across the matrix each answer occurs."""
    seen = set()
    for pattern in PATTERNS:
        rule = RULES[pattern.name]
        if isinstance(rule, Public):
            continue
        for side in (A, B) if any(k not in PLAIN_KWARGS for k in pattern.kwargs) else (None,):
            for actor in world.actors.values():
                seen.add(expected(rule, actor, side, world))
    assert {OK, LOGIN, 403, 404, ELSEWHERE} <= seen


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(STAFF_ACTIONS))
def test_every_ticket_action_checks_its_permission_in_the_tickets_estate(slug, world):
    """Each staff action of the transition table, posted by everyone on a ticket of A and
    of B: its permission is checked in the ticket's estate (the state may then refuse it,
    which is a message, not a 403)."""
    rule = Staff(STAFF_ACTIONS[slug].permission)
    wrong = []
    for side in (A, B):
        kwargs = {"ticket_pk": world.ticket[side].pk, "action": slug}
        url = reverse("maintenance:ticket_action", kwargs=kwargs)
        for name, actor in world.actors.items():
            want = expected(rule, actor, side, world)
            got = _outcome(_ask(world.clients[name], "post", url), "post", "")
            if got != want:
                wrong.append(f"{name} POST {url} (estate {side}): {got}, not {want}")
    assert not wrong, "\n".join(wrong)
