"""Language details: the language menu, one unambiguous date format per language on pages
and in PDFs, full-width punctuation in Chinese."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from estates.choices import OccupancyRole
from tests.core.test_pdf import pdf_text
from tests.factories import OccupancyFactory, PersonFactory

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 12, 2, 8, 48, tzinfo=dt.UTC)  # 16:48 in Shanghai


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_language_menu_names_each_language_in_itself(client, world, language):
    world.manager.language = language
    world.manager.save()
    client.force_login(world.manager)
    page = client.get(reverse("staff:dashboard")).content.decode()
    menu = page[page.index('data-testid="language-switch"') :]
    assert re.search(r'<option value="en" lang="en"[^>]*>English</option>', menu)
    assert re.search(r'<option value="zh-hans" lang="zh-hans"[^>]*>简体中文</option>', menu)


@pytest.mark.parametrize(
    ("language", "date", "moment"),
    [("en", "2 Dec 2026", "2 Dec 2026 16:48"), ("zh-hans", "2026年12月2日", "2026年12月2日 16:48")],
)
def test_one_date_format_per_language_short_and_long_alike(language, date, moment):
    with translation.override(language):
        local = timezone.localtime(MOMENT)
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(local, name) == date
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(local, name) == moment


def test_an_english_page_shows_dates_that_read_one_way_only(client, world):
    person = PersonFactory(registered_estate=world.estate, name="赵六")
    OccupancyFactory(
        person=person, unit=world.unit, role=OccupancyRole.TENANT, start_date=dt.date(2026, 2, 12)
    )
    world.manager.language = "en"
    world.manager.save()
    client.force_login(world.manager)

    page = client.get(world.unit.get_absolute_url()).content.decode()

    assert "12 Feb 2026" in page
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", page)  # no 12/02/2026
    assert not re.search(r"\d\s?[ap]\.m\.", page)  # no 8:48 a.m.


def test_the_pdf_prints_dates_as_the_pages_do(client, world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    world.manager.language = "en"
    world.manager.save()
    client.force_login(world.manager)
    url = reverse("staff:building_register_pdf", kwargs={"building_pk": world.building.pk})

    text = pdf_text(client.get(url).content)

    assert "2 Dec 2026 16:48" in text


# --- Full-width punctuation in Chinese ------------------------------------------------------------

ASCII_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff][:,;?!]|[\u4e00-\u9fff] ?\((?!\d)")


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", "", html)  # attributes (URLs, data) are not read
    return re.sub(r"[ \t]+", " ", html)


def test_chinese_pages_use_full_width_punctuation(client, world):
    from decimal import Decimal

    from core.notifications import notify
    from estates import services
    from estates.choices import UnitStatus

    services.unit_update(
        unit_id=world.unit.pk, actor=world.manager, data={"status": UnitStatus.RENOVATING}
    )
    services.unit_update(unit_id=world.unit.pk, actor=world.manager, data={"area": Decimal("91")})
    notify(recipients=[world.owner, world.manager], title="停水通知", email=False)
    for user in (world.manager, world.owner):
        user.language = "zh-hans"
        user.save()
    client.force_login(world.manager)
    staff_pages = [
        reverse("staff:dashboard"),
        world.unit.get_absolute_url(),
        world.owner_person.get_absolute_url(),
        world.building.get_absolute_url(),
        world.equipment.get_absolute_url(),
        reverse("staff:inbox"),
    ]
    texts = {url: _visible_text(client.get(url).content.decode()) for url in staff_pages}
    client.force_login(world.owner)
    for url in (reverse("portal:home"), reverse("portal:inbox")):
        texts[url] = _visible_text(client.get(url).content.decode())

    assert "状态：" in texts[world.unit.get_absolute_url()]  # the timeline's change
    found = {url: ASCII_AFTER_CHINESE.findall(text) for url, text in texts.items()}
    assert not any(found.values()), {url: hits for url, hits in found.items() if hits}
