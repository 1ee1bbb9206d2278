"""Notices to an estate or some buildings, read by owners, readers seen by staff; the
communication log on a person's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import ContactLog, Notice, NoticeRead
from estates.choices import Role
from tests.factories import BuildingFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def publish(world, **kw):
    values = {
        "actor": world.staff[Role.CUSTOMER_SERVICE],
        "estate": world.estate,
        "title": "停水通知",
        "body": "明天9点至12点停水",
        "publish_at": timezone.now() - timedelta(minutes=1),
    }
    return services.notice_publish(**{**values, **kw})


def test_owners_see_the_notices_of_their_estate_and_building_while_published(world, login):
    whole = publish(world)
    mine = publish(world, title="3栋电梯检修", buildings=[world.building])
    other_building = BuildingFactory(estate=world.estate, name="9栋")
    publish(world, title="9栋通知", buildings=[other_building])
    publish(world, title="以后的通知", publish_at=timezone.now() + timedelta(days=1))
    publish(world, title="过期通知", publish_at=timezone.now() - timedelta(days=3),
            expires_at=timezone.now() - timedelta(days=1))  # fmt: skip
    assert set(Notice.objects.for_owner(world.owner)) == {whole, mine}
    assert not Notice.objects.for_owner(world.other_owner).exists()
    client = login(world.owner)
    body = client.get(reverse("portal_complaints:my_notices")).content.decode()
    assert "停水通知" in body and "3栋电梯检修" in body and "9栋通知" not in body
    url = reverse("portal_complaints:my_notice", kwargs={"notice_pk": whole.pk})
    assert "明天9点至12点停水" in client.get(url).content.decode()
    client.get(url)
    assert NoticeRead.objects.filter(notice=whole).count() == 1  # once, however often
    assert login(world.other_owner).get(url).status_code == 404


def test_staff_see_who_has_read_a_notice(world, login):
    notice = publish(world)
    services.notice_read(notice=notice, actor=world.owner)
    url = notice.get_absolute_url()
    body = login(world.staff[Role.CUSTOMER_SERVICE]).get(url).content.decode()
    assert "王小明" in body and "Read by 1 person" in body
    # A role that may not see people reads the count only.
    body = login(world.staff[Role.TECHNICIAN]).get(url).content.decode()
    assert "王小明" not in body and "Read by 1 person" in body


def test_publishing_checks_dates_and_the_role(world, login):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        publish(world, expires_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        publish(world, actor=world.staff[Role.TECHNICIAN])
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    response = client.post(reverse("complaints:notice_create"), {
        "title": "消防演练", "body": "周五下午消防演练", "buildings": [world.building.pk],
        "publish_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    notice = Notice.objects.get(title="消防演练")
    assert response.status_code == 302 and list(notice.buildings.all()) == [world.building]
    client.post(reverse("complaints:notice_expire", kwargs={"notice_pk": notice.pk}))
    notice.refresh_from_db()
    assert notice.expires_at is not None and not Notice.objects.for_owner(world.owner).exists()


def test_the_communication_log_on_the_person_page(world, login):
    anonymous = ComplaintFactory(unit=world.unit, complainant=world.owner_person, anonymous=True)
    named = ComplaintFactory(unit=world.unit, complainant=world.owner_person)
    person_url = world.owner_person.get_absolute_url()
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    body = client.get(person_url).content.decode()
    assert 'data-testid="communication-panel"' in body
    assert named.number in body and anonymous.number not in body  # the name stays hidden
    add = reverse("complaints:contact_add", kwargs={"person_pk": world.owner_person.pk})
    assert client.post(add, {"kind": "call", "summary": "来电询问停车费"}).status_code == 302
    entry = ContactLog.objects.get()
    assert entry.estate == world.estate and entry.by == world.staff[Role.CUSTOMER_SERVICE]
    assert "来电询问停车费" in client.get(person_url).content.decode()
    body = login(world.manager).get(person_url).content.decode()
    assert anonymous.number in body and "来电询问停车费" in body
    assert (
        login(world.staff[Role.SECURITY]).post(add, {"kind": "call", "summary": "x"}).status_code
        == 403
    )
    assert login(world.other_manager).post(add, {"kind": "call", "summary": "x"}).status_code == 404


def test_a_notice_to_some_owners_by_mobile_number(world, login):
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    form = {
        "title": "物业费提醒",
        "body": "您的物业费尚未缴纳",
        "mobiles": f"{world.owner_person.mobile}\n13999999999",
        "publish_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(reverse("complaints:notice_create"), form)
    assert response.status_code == 200 and "13999999999" in response.content.decode()
    form["mobiles"] = world.owner_person.mobile
    assert client.post(reverse("complaints:notice_create"), form).status_code == 302
    notice = Notice.objects.get()
    assert list(notice.people.all()) == [world.owner_person]
    neighbour = world.owner_person.__class__.objects.create(
        name="邻居", mobile="13700001234", registered_estate=world.estate
    )
    from tests.factories import OccupancyFactory

    OccupancyFactory(person=neighbour, unit=world.unit, role="tenant")
    neighbour.user = world.staff[Role.FINANCE].__class__.objects.create(username="13700001234")
    neighbour.save()
    assert list(Notice.objects.for_owner(world.owner)) == [notice]
    assert not Notice.objects.for_owner(neighbour.user).exists()


def test_owners_of_the_audience_are_told_once_the_notice_is_published(world):
    from complaints.announce import notices_announce
    from complaints.tasks import notice_announce
    from config.celery import BEAT_SCHEDULE
    from core.models import Notification

    assert BEAT_SCHEDULE["complaints-notice-announce"]["task"] == notice_announce.name

    later = publish(world, title="下周停电", publish_at=timezone.now() + timedelta(hours=1))
    to_building = publish(world, title="3栋通知", buildings=[world.building])
    elsewhere = publish(world, title="9栋通知", buildings=[BuildingFactory(estate=world.estate)])
    assert notices_announce() == {"notices": 2, "notifications": 1}
    assert notices_announce() == {"notices": 0, "notifications": 0}
    (note,) = Notification.objects.filter(recipient=world.owner)
    assert str(note.title) == "Notice: 3栋通知"
    assert note.url == reverse("portal_complaints:my_notice", kwargs={"notice_pk": to_building.pk})
    elsewhere.refresh_from_db()
    assert elsewhere.announced_at is not None  # announced to nobody, but done
    assert notices_announce(timezone.now() + timedelta(hours=2))["notifications"] == 1
    later.refresh_from_db()
    assert later.announced_at is not None
    assert not Notification.objects.filter(recipient=world.other_owner).exists()
