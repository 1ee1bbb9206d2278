"""Chinese repair pages use full-width punctuation next to Chinese text (a label's colon,
a remark in brackets), as the estate pages do (tests/core/test_language.py)."""

import re

import pytest
from django.urls import reverse

from estates.choices import Role
from tests.core.test_language import _visible_text

from .test_services import S, ticket_in

pytestmark = pytest.mark.django_db

ASCII_NEXT_TO_CHINESE = re.compile(r"[\u4e00-\u9fff]\s*[:;,?!()]|[:,?!()]\s*[\u4e00-\u9fff]")


def test_chinese_repair_pages_use_full_width_punctuation(client, world):
    paused, done = ticket_in(world, S.PAUSED), ticket_in(world, S.COMPLETED)
    technician = world.staff[Role.TECHNICIAN]
    for user in (world.manager, technician, world.owner):
        user.language = "zh-hans"
        user.save()
    pages = {
        world.manager: [
            reverse("maintenance:ticket_board"),
            reverse("maintenance:sla_settings"),
            *(
                reverse("maintenance:ticket_detail", kwargs={"ticket_pk": t.pk})
                for t in (paused, done)
            ),
        ],
        technician: [reverse("maintenance:my_jobs")],
        world.owner: [
            reverse("repairs:my_tickets"),
            *(reverse("repairs:ticket_detail", kwargs={"ticket_pk": t.pk}) for t in (paused, done)),
        ],
    }
    texts = {}
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            texts[url] = _visible_text(client.get(url).content.decode())
    assert "（15 分钟）" in texts[reverse("maintenance:sla_settings")]
    found = {url: ASCII_NEXT_TO_CHINESE.findall(text) for url, text in texts.items()}
    assert not any(found.values()), {url: hits for url, hits in found.items() if hits}
