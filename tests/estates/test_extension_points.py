"""The places where apps above estates add their part: menu entries and page panels. An
entry shows only to users who hold its permission somewhere; a panel decides per object."""

import pytest
from django.urls import reverse

from estates import nav, panels
from estates import permissions as EP
from estates.choices import Role


@pytest.fixture
def entries(monkeypatch):
    monkeypatch.setattr(nav, "_STAFF", [])
    monkeypatch.setattr(nav, "_OWNER", [])
    nav.register_staff_nav(
        nav.NavEntry(label="People entry", url_name="staff:person_list", perm=EP.VIEW_PEOPLE)
    )
    nav.register_staff_nav(
        nav.NavEntry(label="First entry", url_name="staff:unit_list", perm=None, order=1)
    )
    nav.register_owner_nav(nav.NavEntry(label="Owner entry", url_name="portal:profile"))


@pytest.mark.django_db
def test_a_staff_entry_shows_only_to_holders_of_its_permission(world, login, entries):
    page = login(world.staff[Role.CUSTOMER_SERVICE]).get(reverse("staff:dashboard"))
    html = page.content.decode()
    assert "People entry" in html and "First entry" in html
    assert html.index("First entry") < html.index("People entry")  # by order
    html = login(world.staff[Role.ENVIRONMENT]).get(reverse("staff:dashboard")).content.decode()
    assert "First entry" in html and "People entry" not in html
    assert "Owner entry" not in html


@pytest.mark.django_db
def test_an_owner_entry_shows_in_the_portal(world, login, entries):
    html = login(world.owner).get(reverse("portal:home")).content.decode()
    assert "Owner entry" in html and reverse("portal:profile") in html


OBJECTS = {  # page -> (world attribute of estate A's object, of B's, URL name, its kwarg)
    "unit": ("unit", "other_unit", "staff:unit_detail", "unit_pk"),
    "equipment": ("equipment", "other_equipment", "staff:equipment_detail", "equipment_pk"),
    "estate": ("estate", "other_estate", "staff:estate_detail", "estate_pk"),
    "building": ("building", "other_building", "staff:building_detail", "building_pk"),
}


def _estate_id(obj):
    return obj.pk if obj.__class__.__name__ == "Estate" else obj.estate_id


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(OBJECTS))
def test_a_registered_panel_renders_on_its_page_when_it_says_so(
    page, world, login, monkeypatch, tmp_path, settings
):
    (tmp_path / "panel.html").write_text("<p>panel on {{ panel.name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    monkeypatch.setattr(panels, "_PANELS", {p: [] for p in panels.PAGES})
    estate_a = world.estate.pk

    def panel(request, obj, **ctx):  # shown for estate A's objects only
        if _estate_id(obj) != estate_a:
            return None
        return {"template": "panel.html", "name": str(obj)}

    panels.register_panel(page, panel)
    mine, other, url_name, kwarg = OBJECTS[page]
    admin = login(world.admin)
    mine, other = getattr(world, mine), getattr(world, other)
    html = admin.get(reverse(url_name, kwargs={kwarg: mine.pk})).content.decode()
    assert f"panel on {mine}" in html
    html = admin.get(reverse(url_name, kwargs={kwarg: other.pk})).content.decode()
    assert "panel on" not in html


def test_a_panel_on_an_unknown_page_is_refused():
    with pytest.raises(ValueError):
        panels.register_panel("ticket", lambda request, obj: None)
