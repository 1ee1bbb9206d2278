"""Redis down (broker and cache on a closed port): inviting an owner still shows the link
and code, its e-mail waits in the outbox and reaches the owner once Redis is back; the
owner's activation page and sessions keep working without the cache.

The first tests need no Redis (the broker is made to fail, the cache points at a closed
port); the last one runs a real worker against the real Redis (REDIS_URL)."""

import re
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from core.models import OutboxMessage
from core.tasks import outbox_drain
from estates.choices import OccupancyRole
from portal.models import OwnerInvitation
from portal.services import owner_invite
from portal.tasks import invitation_email_send
from tests.celery_worker import DOWN_URL, broker_down, finished_named, needs_redis, wait_for

from ..factories import OccupancyFactory, PersonFactory

PASSWORD = "Qing-Shan-2026!"
CACHE_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DOWN_URL}
}


@pytest.fixture
def invitee(world):
    person = PersonFactory(
        name="赵六", registered_estate=world.estate, mobile="13655556666", email="zhao@example.com"
    )
    OccupancyFactory(person=person, unit=world.unit, role=OccupancyRole.FAMILY)
    return person


@pytest.fixture
def cache_down(settings):
    settings.CACHES = CACHE_DOWN


def shown_secrets(response) -> tuple[str, str]:
    html = response.content.decode()
    link = re.search(r'data-testid="activation-link">([^<]+)<', html).group(1)
    link = urlsplit(link).path  # the page and the e-mail may name the host differently
    code = re.search(r'data-testid="activation-code">(\d+)<', html).group(1)
    return link, code


def invite_page(client, person):
    return client.post(reverse("invitations:person_invite", kwargs={"person_pk": person.pk}))


@pytest.mark.django_db
def test_invite_with_the_broker_down_shows_the_secrets_and_the_drain_mails_them_later(
    world, login, invitee, settings, cache_down, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = login(world.manager)
    with (
        mock.patch.object(
            invitation_email_send, "apply_async", side_effect=OperationalError("refused")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = invite_page(client, invitee)
    assert response.status_code == 200
    link, code = shown_secrets(response)
    message = OutboxMessage.objects.get(task=invitation_email_send.name)
    assert message.sent_at is None and "refused" in message.last_error
    assert mail.outbox == []

    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_drain() == 1  # the broker is back (tests run tasks eagerly)
    assert outbox_drain() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhao@example.com"]
    assert code in mail.outbox[0].body and link in mail.outbox[0].body
    message.refresh_from_db()
    assert message.args == []  # the clear token and code do not stay in the database


@pytest.mark.django_db
def test_mail_server_down_leaves_the_invitation_unsent_for_the_retry(world, invitee, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invitation, token, code = owner_invite(person_id=invitee.pk, actor=world.manager)
    with (
        mock.patch("portal.tasks.send_mail", side_effect=ConnectionRefusedError("smtp down")),
        pytest.raises(ConnectionRefusedError),
    ):
        invitation_email_send.run(invitation.pk, token, code)
    invitation.refresh_from_db()
    assert invitation.emailed_at is None and invitation.email_claimed_until is None
    assert invitation_email_send.run(invitation.pk, token, code) is True  # the retry
    assert invitation_email_send.run(invitation.pk, token, code) is False
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None


@pytest.mark.django_db
def test_activation_by_code_works_with_the_cache_down(world, invitee, cache_down, caplog):
    _, _, code = owner_invite(person_id=invitee.pk, actor=world.manager)
    anon = Client()
    assert anon.get(reverse("portal:activate_code")).status_code == 200
    response = anon.post(
        reverse("portal:activate_code"), {"mobile": "13900000000", "code": "00000000"}
    )
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert "cache unavailable" in caplog.text
    response = anon.post(reverse("portal:activate_code"), {"mobile": invitee.mobile, "code": code})
    assert response.status_code == 302 and response.url == reverse("portal:activate_password")
    response = anon.post(
        reverse("portal:activate_password"), {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302  # signed in: the session lives in the database
    assert anon.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_rate_limit_still_counts_in_the_process_with_the_cache_down(world, invitee, cache_down):
    anon = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(10):
        anon.post(reverse("portal:activate_code"), {"mobile": "13900000000", "code": "00000000"})
    response = anon.post(
        reverse("portal:activate_code"), {"mobile": "13900000000", "code": "00000000"}
    )
    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_signing_in_and_pages_work_with_the_cache_down(world, cache_down):
    client = Client()
    response = client.post(
        reverse("login"), {"username": world.manager.username, "password": "pw-Anju-2026!"}
    )
    assert response.status_code == 302
    assert client.get(response.url, follow=True).status_code == 200
    response = client.get(reverse("staff:person_list"))
    assert response.status_code == 200 and response.wsgi_request.user == world.manager


@needs_redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_invitation_made_while_redis_is_down_reaches_the_owner_once_it_is_back(
    world, login, invitee, worker, settings
):
    assert celery_app.conf.broker_url.startswith("redis://")
    client = login(world.manager)
    with broker_down():
        settings.CACHES = CACHE_DOWN
        response = invite_page(client, invitee)
        assert response.status_code == 200
        link, code = shown_secrets(response)
        message = OutboxMessage.objects.get(task=invitation_email_send.name)
        assert message.sent_at is None and message.attempts == 1 and message.last_error
        # The owner's activation page answers too, and the health check says what is down.
        assert Client().get(reverse("portal:activate_code")).status_code == 200
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["broker"].startswith("error")
        # Beat's tick while Redis is still down: nothing is lost, nothing is marked sent.
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert outbox_drain() == 0
        assert OutboxMessage.objects.get().sent_at is None
    assert worker.finished == {} and mail.outbox == []

    # Redis is back: the next tick of beat runs the drain on the worker, which publishes
    # the e-mail task; the worker sends it.
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    outbox_drain.delay()
    wait_for(
        lambda: OwnerInvitation.objects.filter(
            pk=message.args[0], emailed_at__isnull=False
        ).exists(),
        what="the worker to e-mail the invitation",
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["zhao@example.com"]
    assert code in sent.body and link in sent.body

    # Later ticks and a duplicated delivery send nothing more.
    again = [outbox_drain.delay().id, invitation_email_send.delay(message.args[0], "x", "y").id]
    wait_for(lambda: all(t in worker.finished for t in again), what="the repeated tasks")
    assert [worker.finished[t].retval for t in again] == [0, False]
    assert len(finished_named(worker, invitation_email_send.name)) == 2
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.args == []
