"""A `next` is followed only when it is a path of this site; anything else is ignored (never a
500, never another host)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.redirects import is_site_path, safe_next

pytestmark = pytest.mark.django_db

HOSTILE = [
    "env",  # relative: would be reversed as a view name by redirect() -> 500
    "home",  # a view name is not a path either
    "//evil.example",
    "//evil.example/portal/",
    "/\\evil.example",
    "https://evil.example/",
    "http://testserver/portal/",  # an absolute URL is not a path, even to this host
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_is_not_a_site_path(target):
    request = RequestFactory().post("/", {"next": target})
    assert not is_site_path(request, target)
    assert safe_next(request, "/fallback/") == "/fallback/"


def test_a_path_with_a_query_is_kept():
    request = RequestFactory().post("/", {"next": "/portal/?unread=1"})
    assert safe_next(request) == "/portal/?unread=1"


def test_the_default_may_be_a_view_name():
    request = RequestFactory().get("/", {"next": "env"})
    assert safe_next(request, "home") == reverse("home")


@pytest.mark.parametrize("target", HOSTILE)
def test_read_all_ignores_a_hostile_next(world, login, target):
    response = login(world.owner).post(reverse("notifications_read_all"), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("target", HOSTILE)
def test_notification_open_ignores_a_hostile_next(world, login, target):
    from core.notifications import notify

    (note,) = notify(recipients=[world.owner], title="t", body="b", url="")
    response = login(world.owner).post(
        reverse("notification_open", args=[note.pk]), {"next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_read_all_follows_a_site_path(world, login):
    response = login(world.owner).post(reverse("notifications_read_all"), {"next": "/portal/"})
    assert response.url == "/portal/"


@pytest.mark.parametrize("target", ["env", "//evil.example", "https://evil.example/"])
def test_estate_switch_ignores_a_hostile_next(world, login, target):
    response = login(world.manager).post(
        reverse("staff:estate_switch"), {"estate": world.estate.pk, "next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("staff:dashboard")


@pytest.mark.parametrize("target", ["env", "//evil.example", "https://evil.example/"])
def test_language_switch_ignores_a_hostile_next(anon_client, target):
    response = anon_client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("target", ["env", "//evil.example", "https://evil.example/"])
def test_login_ignores_a_hostile_next(world, anon_client, target):
    page = anon_client.get(reverse("login"), {"next": target})
    assert f'value="{target}"' not in page.content.decode()
    response = anon_client.post(
        reverse("login") + "?next=" + target,
        {"username": world.admin.username, "password": "pw-Anju-2026!", "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_follows_a_site_path(world, anon_client):
    response = anon_client.post(
        reverse("login"),
        {"username": world.admin.username, "password": "pw-Anju-2026!", "next": "/staff/"},
    )
    assert response.url == "/staff/"


@pytest.mark.parametrize("target", ["env", "//evil.example", "https://evil.example/"])
def test_logout_ignores_a_hostile_next(world, login, target):
    response = login(world.owner).post(reverse("logout"), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("login")


@pytest.fixture
def anon_client(client):
    return client
