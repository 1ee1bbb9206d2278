"""Stored text: messages keep their keys and parameters and are rendered in the language of
whoever reads them (core.texts), in the inbox, in e-mails and on timelines."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from core import texts
from core.models import Notification
from core.notifications import notify
from estates import services
from estates.choices import OccupancyRole, UnitKind
from tests.factories import UnitFactory


def test_a_message_renders_in_the_active_language_with_choice_and_date_parameters():
    message = texts.gettext(
        "Role: %(role)s, from %(date)s.",
        role=texts.choice(OccupancyRole, OccupancyRole.TENANT),
        date=dt.date(2026, 12, 2),
    )
    stored = json.loads(json.dumps(message.data))  # what a JSON column gives back
    again = texts.Message.from_data(stored)
    with translation.override("en"):
        assert str(again) == "Role: Tenant, from 2 Dec 2026."
    with translation.override("zh-hans"):
        assert str(again) == "身份：租户，自 2026年12月2日 起。"
    assert again == message


def test_members_nested_messages_plurals_and_lazy_strings_are_kept_as_keys():
    nested = texts.gettext("Import failed: %(file)s", file=texts.gettext("Unit"))
    plural = texts.ngettext("%(count)d row imported.", "%(count)d rows imported.", 1)
    lazy = texts.as_message(gettext_lazy("Unit"))
    kind = texts.gettext("%(kind)s", kind=UnitKind.SHOP)
    with translation.override("en"):
        assert str(nested) == "Import failed: Unit"
        assert str(plural) == "1 row imported."
        assert str(kind) == "Shop"
    with translation.override("zh-hans"):
        assert str(nested) == "导入失败：房屋"
        assert str(lazy) == "房屋"
        assert str(kind) == "商铺"
    assert texts.Message.from_data(lazy.data).msgid == "Unit"


def test_user_text_is_a_literal_shown_as_typed_in_every_language():
    message = texts.as_message("明天 9:00 停水。")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert str(message) == "明天 9:00 停水。"
    assert not texts.as_message("")


@pytest.mark.django_db
def test_plain_text_stored_before_messages_reads_back_as_a_literal(world):
    note = notify(recipients=[world.owner], title="x", email=False)[0]
    with connection.cursor() as cursor:  # a row as it was written before this change
        cursor.execute(
            "UPDATE core_notification SET title = %s, body = %s WHERE id = %s",
            ["报修工单已派工", "", note.pk],
        )
    note.refresh_from_db()
    assert note.title == "报修工单已派工"
    assert not note.body
    assert Notification.objects.filter(title__contains="派工").exists()


def _add_shop(world, actor):
    shop = UnitFactory(building=world.building, number="S01")
    services.occupancy_create(
        actor=actor,
        data={
            "person": world.owner_person,
            "unit": shop,
            "role": OccupancyRole.OWNER,
            "start_date": dt.date(2024, 3, 1),
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sender", "reader", "expected", "unexpected"),
    [
        ("zh-hans", "en", ["was added to your account", "Role: Owner, from 1 Mar 2024."], "身份"),
        ("en", "zh-hans", ["已关联到您的账号", "身份：业主，自 2024年3月1日 起。"], "Role"),
    ],
)
def test_an_event_triggered_in_one_language_is_read_in_the_other(
    world,
    client,
    settings,
    django_capture_on_commit_callbacks,
    sender,
    reader,
    expected,
    unexpected,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.manager.language = sender
    world.manager.save()
    world.owner.language = reader
    world.owner.save()
    # The manager's request, in the manager's language.
    with django_capture_on_commit_callbacks(execute=True), translation.override(sender):
        _add_shop(world, world.manager)

    client.force_login(world.owner)
    page = client.get(reverse("portal:inbox")).content.decode()
    for text in expected:
        assert text in page
    assert unexpected not in page

    (email,) = mail.outbox
    for text in expected:
        assert text in f"{email.subject}\n{email.body}"
    assert unexpected not in email.body


def test_a_validation_error_is_kept_as_its_keys_and_parameters():
    from django.core.exceptions import ValidationError

    error = ValidationError(
        gettext_lazy("Line %(line)s of the CSV file cannot be read: %(error)s"),
        params={"line": 7, "error": "NUL"},
    )
    message = texts.Message.from_data(texts.from_validation_error(error).data)
    with translation.override("en"):
        assert str(message) == "Line 7 of the CSV file cannot be read: NUL"
    with translation.override("zh-hans"):
        assert str(message) == "无法读取 CSV 文件第 7 行：NUL"


@pytest.mark.django_db
def test_a_timeline_written_in_chinese_reads_in_english(world, client):
    from decimal import Decimal

    from estates.choices import UnitStatus

    with translation.override("zh-hans"):
        services.unit_update(
            unit_id=world.unit.pk,
            actor=world.manager,
            data={"status": UnitStatus.RENOVATING, "area": Decimal("90.00")},
        )
        _add_shop(world, world.manager)
    world.manager.language = "en"
    world.manager.save()
    client.force_login(world.manager)

    unit_page = client.get(world.unit.get_absolute_url()).content.decode()
    person_page = client.get(world.owner_person.get_absolute_url()).content.decode()

    timeline = unit_page[unit_page.index('data-testid="timeline"') :]
    assert "Renovating" in timeline and "装修" not in timeline
    assert "status: " in timeline.lower()
    timeline = person_page[person_page.index('data-testid="timeline"') :]
    assert "S01 · Owner" in timeline and "业主" not in timeline


def test_a_message_missing_a_parameter_shows_its_text_instead_of_failing():
    stored = texts.Message.from_data({"msgid": "Import failed: %(file)s", "params": {}})
    with translation.override("en"):
        assert str(stored) == "Import failed: %(file)s"


def test_an_upload_check_error_is_kept_as_a_key_and_read_in_the_readers_language():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import check_size

    upload = SimpleUploadedFile("big.csv", b"x" * 2048)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        check_size(upload, max_bytes=1024)  # raised while a Chinese user uploads
    stored = texts.Message.from_data(
        json.loads(json.dumps(texts.from_validation_error(caught.value).data))
    )
    with translation.override("en"):
        assert str(stored).startswith("The file is too large (")
    with translation.override("zh-hans"):
        assert "文件" in str(stored) and "too large" not in str(stored)
