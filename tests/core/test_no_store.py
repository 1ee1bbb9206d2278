"""Pages of a signed-in user are not kept by any cache: Cache-Control: private, no-store."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.middleware import PrivatePagesNoStoreMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("url_name", ["home", "portal:home", "portal:inbox", "portal:profile"])
def test_owner_pages_are_private_and_not_stored(world, login, url_name):
    response = login(world.owner).get(reverse(url_name), follow=True)
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_staff_pages_are_private_and_not_stored(world, login):
    response = login(world.manager).get(reverse("staff:dashboard"))
    assert response.status_code == 200
    assert cache_control(response) == {"private", "no-store"}


def test_an_htmx_partial_or_a_redirect_is_not_stored_either(world, login):
    response = login(world.owner).post(reverse("notifications_read_all"), {"next": "/portal/"})
    assert response.status_code == 302
    assert cache_control(response) == {"private", "no-store"}


def test_anonymous_pages_get_no_such_header(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


def run(response, user):
    request = RequestFactory().get("/")
    request.user = user
    return PrivatePagesNoStoreMiddleware(lambda _request: response)(request)


def test_a_files_own_private_policy_is_kept():
    """An attachment view may let the owner's browser keep an image for a while."""
    image = HttpResponse(b"\x89PNG", content_type="image/png")
    image["Cache-Control"] = "private, max-age=3600"
    assert run(image, UserFactory())["Cache-Control"] == "private, max-age=3600"


def test_an_html_page_is_never_stored_even_if_the_view_allowed_it():
    page = HttpResponse("<p>mine</p>", content_type="text/html; charset=utf-8")
    page["Cache-Control"] = "public, max-age=600"
    assert {"private", "no-store"} <= cache_control(run(page, UserFactory()))
    assert "public" not in cache_control(page)


def test_never_cache_is_left_as_it_is():
    page = HttpResponse("x")
    page["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert run(page, UserFactory())["Cache-Control"] == page["Cache-Control"]


def test_nothing_is_added_for_anonymous_visitors():
    assert "Cache-Control" not in run(HttpResponse("x"), AnonymousUser())
