"""The Django admin is no back door: domain records are read-only there (priority,
deadlines, labour, ratings, prices, policies change only through audited services); users
stay editable for company administrators, and every change is on the user's timeline."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.audit import timeline_for
from core.models import User
from maintenance.models import SlaPolicy, Ticket

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True, is_company_admin=True)


def test_every_model_but_the_user_is_read_only_in_the_admin(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    editable = []
    root = Path(__file__).resolve().parents[2]
    # every app of the project, not Django's groups nor axes' logs
    ours = {app.label for app in apps.get_app_configs() if Path(app.path).resolve().parent == root}
    assert {"core", "estates", "maintenance", "portal", "inspections"} <= ours
    for model, model_admin in admin.site._registry.items():
        if model is User or model._meta.app_label not in ours:
            continue
        for inline in [model_admin, *model_admin.get_inline_instances(request)]:
            if (
                inline.has_add_permission(request, None)
                if hasattr(inline, "parent_model")
                else inline.has_add_permission(request)
            ):
                editable.append(f"{model.__name__}: add")
            if inline.has_change_permission(request) or inline.has_delete_permission(request):
                editable.append(f"{model.__name__}: change/delete")
    assert editable == []
    assert Ticket in admin.site._registry and SlaPolicy in admin.site._registry


def test_a_ticket_can_be_looked_at_but_not_changed_in_the_admin(world, client, superuser):
    from maintenance.models import Ticket

    now = timezone.now()
    ticket = Ticket.objects.create(
        estate=world.estate,
        unit=world.unit,
        category="plumbing",
        channel="phone",
        description="漏水",
        priority="normal",
        reported_at=now,
        response_due=now,
        onsite_due=now,
        completion_due=now,
    )
    client.force_login(superuser)
    url = reverse("admin:maintenance_ticket_change", args=[ticket.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="priority"' not in response.content.decode()  # shown, not an input
    response = client.post(url, {"priority": "emergency", "response_overdue": "on"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == "normal" and not ticket.response_overdue
    assert client.get(reverse("admin:maintenance_slapolicy_add")).status_code == 403


def test_a_user_changed_in_the_admin_is_on_their_timeline(client, superuser):
    user = UserFactory(username="jxy-cs", display_name="客服小张")
    client.force_login(superuser)
    url = reverse("admin:core_user_change", args=[user.pk])
    response = client.post(
        url,
        {
            "username": user.username,
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "display_name": "客服小王",
            "mobile": "",
            "language": "",
            "is_company_admin": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = timeline_for(user)[0]
    assert event.verb == "admin_changed" and event.actor == superuser
    assert event.changes["display_name"] == ["客服小张", "客服小王"]
    assert event.changes["is_company_admin"] == [False, True]

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Another-pw-2026!", "password2": "Another-pw-2026!"},
    )
    assert response.status_code == 302
    event = timeline_for(user)[0]
    assert event.verb == "admin_password_set" and event.changes == {}
    assert "Another" not in str(event.changes) + event.note


def test_users_are_deactivated_not_deleted_in_the_admin(client, superuser):
    user = UserFactory(username="leaver")
    client.force_login(superuser)
    response = client.get(reverse("admin:core_user_delete", args=[user.pk]))
    assert response.status_code == 403


def test_admin_requires_staff_login(world, client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(world.owner)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
