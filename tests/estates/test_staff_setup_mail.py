"""A new staff login gets its "choose a password" e-mail through the outbox after the commit
(it used to be sent inside the request, and Django's reset form skips logins without a
usable password, so it never went out)."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import OutboxMessage, User
from core.outbox import drain
from core.tasks import password_setup_email_send
from estates.choices import Role

pytestmark = pytest.mark.django_db


def add_staff(client, django_capture_on_commit_callbacks, **extra):
    data = {
        "username": "jxy-new-tech",
        "display_name": "新技工",
        "email": "tech@example.com",
        "role": Role.TECHNICIAN,
        **extra,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("staff:membership_create"), data)


def test_new_staff_login_gets_a_link_to_choose_a_password(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = add_staff(login(world.manager), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(username="jxy-new-tech")
    assert not user.has_usable_password()
    assert OutboxMessage.objects.get().sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["tech@example.com"]
    assert "/password/reset/" in mail.outbox[0].body and "jxy-new-tech" in mail.outbox[0].body
    # Once the password is chosen, a repeated delivery sends nothing.
    user.set_password("A-new-pass-2026!")
    user.save()
    assert password_setup_email_send.run(user.pk) is False
    assert len(mail.outbox) == 1


def test_broker_down_still_saves_the_staff_member_and_the_drain_mails_later(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch.object(
        password_setup_email_send, "apply_async", side_effect=OperationalError("refused")
    ):
        response = add_staff(login(world.manager), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert User.objects.filter(username="jxy-new-tech").exists()
    assert mail.outbox == []
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert drain() == 1
    assert len(mail.outbox) == 1
