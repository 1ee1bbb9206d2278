"""The owner portal: invitation and activation (link or code), signing in with the mobile
number, seeing only one's own units, the profile, lockouts and the language switch."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.audit import timeline_for
from core.errors import DomainError
from estates.choices import OccupancyRole, Role
from portal.models import OwnerInvitation
from portal.services import MAX_CODE_ATTEMPTS, owner_activate, owner_invite
from portal.tasks import invitation_email_send

from ..factories import BuildingFactory, OccupancyFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Qing-Shan-2026!"
OWNER_PASSWORD = "pw-Anju-2026!"  # what UserFactory sets


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world fixture hashes a password per user; PBKDF2 would take seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def invitee(world):
    """A family member of world.unit with no login yet."""
    person = PersonFactory(name="赵六", registered_estate=world.estate, mobile="13655556666")
    OccupancyFactory(person=person, unit=world.unit, role=OccupancyRole.FAMILY)
    return person


@pytest.fixture
def invited(world, invitee):
    """(invitation, token, code) for the invitee, opened by the estate manager."""
    return owner_invite(person_id=invitee.pk, actor=world.manager)


@pytest.fixture
def anon(login):
    return login(None)


def set_password(client, password=PASSWORD):
    return client.post(
        reverse("portal:activate_password"), {"password1": password, "password2": password}
    )


def enter_code(client, mobile, code):
    return client.post(reverse("portal:activate_code"), {"mobile": mobile, "code": code})


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**8:08d}"


# --- Invitation ---------------------------------------------------------------------------------


def test_invitation_stores_only_hashes_of_the_secrets(invited):
    invitation, token, code = invited
    assert token not in (invitation.token_hash, invitation.code_hash)
    assert code not in (invitation.token_hash, invitation.code_hash)
    assert invitation.is_open
    assert invitation.expires_at > timezone.now() + timedelta(days=13)


def test_invitation_is_on_the_persons_timeline(world, invitee, invited):
    event = timeline_for(invitee)[0]
    assert (event.verb, event.actor) == ("invited", world.manager)


def test_invitation_is_emailed_once_after_commit(
    world, invitee, django_capture_on_commit_callbacks
):
    invitee.email = "zhao@example.com"
    invitee.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token, code = owner_invite(person_id=invitee.pk, actor=world.manager)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhao@example.com"]
    assert token in mail.outbox[0].body
    assert code in mail.outbox[0].body
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None
    assert invitation_email_send(invitation.pk, token, code) is False  # a retried task
    assert len(mail.outbox) == 1


def test_staff_without_people_rights_cannot_invite(world, invitee):
    with pytest.raises(PermissionDenied):
        owner_invite(person_id=invitee.pk, actor=world.staff[Role.FINANCE])
    assert not OwnerInvitation.objects.filter(person=invitee).exists()


def test_a_person_with_an_account_cannot_be_invited_again(world):
    with pytest.raises(DomainError):
        owner_invite(person_id=world.owner_person.pk, actor=world.manager)


def test_staff_invite_page_shows_the_link_and_code_once(world, login, invitee):
    client = login(world.manager)
    response = client.post(reverse("invitations:person_invite", kwargs={"person_pk": invitee.pk}))
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    link_path = urlsplit(response.context["link"]).path
    assert client.get(link_path).url == reverse("portal:activate_password")
    detail = client.get(invitee.get_absolute_url())
    assert code not in detail.content.decode()


# --- Activation -------------------------------------------------------------------------------


def test_activation_by_link_creates_a_login_and_signs_the_owner_in(anon, invitee, invited):
    invitation, token, _ = invited
    response = anon.get(reverse("portal:activate", kwargs={"token": token}))
    assert response.url == reverse("portal:activate_password")
    response = set_password(anon)
    assert response.url == reverse("portal:home")
    invitee.refresh_from_db()
    invitation.refresh_from_db()
    assert invitee.user is not None
    assert invitee.user.username == invitee.mobile
    assert invitation.accepted_at is not None
    assert signed_in_user_id(anon) == str(invitee.user.pk)
    assert timeline_for(invitee)[0].verb == "activated"


def test_activation_by_code_accepts_a_formatted_mobile_number(anon, invitee, invited):
    _, _, code = invited
    response = enter_code(anon, "+86 136 5555 6666", code)
    assert response.url == reverse("portal:activate_password")
    set_password(anon)
    invitee.refresh_from_db()
    assert invitee.user is not None
    assert invitee.user.check_password(PASSWORD)


def test_activated_owner_signs_in_with_the_mobile_number(anon, invitee, invited):
    _, token, _ = invited
    anon.get(reverse("portal:activate", kwargs={"token": token}))
    set_password(anon)
    anon.logout()
    response = sign_in(anon, "13655556666", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    invitee.refresh_from_db()
    assert signed_in_user_id(anon) == str(invitee.user.pk)
    assert anon.get(reverse("home")).url == reverse("portal:home")


def test_owner_whose_mobile_is_taken_as_a_username_still_signs_in_by_mobile(world, anon):
    # world.owner's *username* is 13800001111; a new person with that mobile gets another one.
    person = PersonFactory(registered_estate=world.estate, mobile="13800001111")
    OccupancyFactory(person=person, unit=world.unit, role=OccupancyRole.TENANT)
    _, token, _ = owner_invite(person_id=person.pk, actor=world.manager)
    anon.get(reverse("portal:activate", kwargs={"token": token}))
    set_password(anon)
    person.refresh_from_db()
    assert person.user.username == f"owner-{person.pk}"
    anon.logout()
    sign_in(anon, "13800001111", PASSWORD)
    assert signed_in_user_id(anon) == str(person.user.pk)


def test_mismatched_passwords_are_shown_and_nothing_is_created(anon, invitee, invited):
    _, token, _ = invited
    anon.get(reverse("portal:activate", kwargs={"token": token}))
    response = anon.post(
        reverse("portal:activate_password"), {"password1": PASSWORD, "password2": "other-2026!"}
    )
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    invitee.refresh_from_db()
    assert invitee.user is None


def test_password_page_without_an_invitation_in_the_session_is_refused(anon):
    response = anon.get(reverse("portal:activate_password"))
    assert response.status_code == 404


def test_an_invitation_cannot_be_used_twice(anon, invitee, invited):
    invitation, token, code = invited
    anon.get(reverse("portal:activate", kwargs={"token": token}))
    set_password(anon)
    anon.logout()
    assert anon.get(reverse("portal:activate", kwargs={"token": token})).status_code == 404
    response = enter_code(anon, invitee.mobile, code)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    with pytest.raises(DomainError):
        owner_activate(invitation_id=invitation.pk, password="Another-Pass-2026!")


def test_reinviting_revokes_the_old_link_and_code(world, anon, invitee, invited):
    old, old_token, old_code = invited
    new, new_token, _ = owner_invite(person_id=invitee.pk, actor=world.manager)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert anon.get(reverse("portal:activate", kwargs={"token": old_token})).status_code == 404
    assert enter_code(anon, invitee.mobile, old_code).status_code == 200
    response = anon.get(reverse("portal:activate", kwargs={"token": new_token}))
    assert response.url == reverse("portal:activate_password")


def test_five_wrong_codes_revoke_the_invitation(anon, invitee, invited):
    invitation, _, code = invited
    for _ in range(MAX_CODE_ATTEMPTS):
        response = enter_code(anon, invitee.mobile, wrong(code))
        assert response.status_code == 200
        assert "code" in response.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.failed_attempts == MAX_CODE_ATTEMPTS
    assert invitation.revoked_at is not None
    response = enter_code(anon, invitee.mobile, code)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_four_wrong_codes_still_leave_the_right_one_working(anon, invitee, invited):
    _, _, code = invited
    for _ in range(MAX_CODE_ATTEMPTS - 1):
        enter_code(anon, invitee.mobile, wrong(code))
    response = enter_code(anon, invitee.mobile, code)
    assert response.url == reverse("portal:activate_password")


def test_code_attempts_are_rate_limited_per_address(anon, invitee, invited):
    _, _, code = invited
    for _ in range(10):  # wrong mobile: no invitation is charged, but the address is
        enter_code(anon, "13900009999", code)
    response = enter_code(anon, invitee.mobile, code)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_an_expired_invitation_is_refused(anon, invitee, invited):
    invitation, token, code = invited
    OwnerInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert anon.get(reverse("portal:activate", kwargs={"token": token})).status_code == 404
    assert "code" in enter_code(anon, invitee.mobile, code).context["form"].errors
    with pytest.raises(DomainError):
        owner_activate(invitation_id=invitation.pk, password=PASSWORD)


def test_invitation_expiring_after_the_link_was_opened_is_refused_at_the_password_step(
    anon, invitee, invited
):
    invitation, token, _ = invited
    anon.get(reverse("portal:activate", kwargs={"token": token}))
    OwnerInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert set_password(anon).status_code == 404
    invitee.refresh_from_db()
    assert invitee.user is None


# --- What an owner sees ------------------------------------------------------------------------


def test_owner_home_lists_only_their_units(world, login):
    response = login(world.owner).get(reverse("portal:home"))
    assert [u.pk for u in response.context["units"]] == [world.unit.pk]


def test_another_owners_unit_is_404(world, login):
    url = reverse("portal:unit_detail", kwargs={"unit_pk": world.other_unit.pk})
    assert login(world.owner).get(url).status_code == 404


def test_a_unit_in_the_same_estate_that_is_not_mine_is_404(world, login):
    neighbour = UnitFactory(building=world.building, number="0302")
    url = reverse("portal:unit_detail", kwargs={"unit_pk": neighbour.pk})
    assert login(world.owner).get(url).status_code == 404


def test_a_unit_moved_out_of_is_no_longer_shown(world, login):
    world.owner_person.occupancies.update(end_date=timezone.localdate() - timedelta(days=1))
    client = login(world.owner)
    assert client.get(reverse("portal:home")).context["units"] == []
    url = reverse("portal:unit_detail", kwargs={"unit_pk": world.unit.pk})
    assert client.get(url).status_code == 404


def test_household_shows_mobile_numbers_masked(world, login, invitee):
    url = reverse("portal:unit_detail", kwargs={"unit_pk": world.unit.pk})
    response = login(world.owner).get(url)
    household = response.content.decode().split('data-testid="household"')[1]
    assert "赵六" in household
    assert "136****6666" in household
    assert "13655556666" not in household
    assert world.owner_person.mobile not in household


def test_household_lists_only_current_residents_of_that_unit(world, login):
    elsewhere = UnitFactory(building=BuildingFactory(estate=world.estate))
    OccupancyFactory(person=PersonFactory(name="外人"), unit=elsewhere)
    url = reverse("portal:unit_detail", kwargs={"unit_pk": world.unit.pk})
    names = [o.person.name for o in login(world.owner).get(url).context["household"]]
    assert names == ["王小明"]


def test_profile_email_change_is_saved_and_audited(world, login):
    person = world.owner_person
    old = person.email
    response = login(world.owner).post(reverse("portal:profile"), {"email": "wang@example.com"})
    assert response.url == reverse("portal:profile")
    person.refresh_from_db()
    world.owner.refresh_from_db()
    assert (person.email, world.owner.email) == ("wang@example.com", "wang@example.com")
    event = timeline_for(person)[0]
    assert (event.verb, event.actor) == ("updated", world.owner)
    assert event.changes == {"email": [old, "wang@example.com"]}


def test_profile_with_an_invalid_email_changes_nothing(world, login):
    response = login(world.owner).post(reverse("portal:profile"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not timeline_for(world.owner_person).exists()


def test_profile_shows_the_id_number_masked(world, login):
    html = login(world.owner).get(reverse("portal:profile")).content.decode()
    assert world.owner_person.id_number_masked in html
    assert world.owner_person.id_number not in html


@pytest.mark.parametrize("name", ["portal:home", "portal:profile", "portal:inbox"])
def test_staff_without_an_owner_record_get_403_on_portal_pages(world, login, name):
    assert login(world.manager).get(reverse(name)).status_code == 403


def test_staff_get_403_on_a_portal_unit_page(world, login):
    url = reverse("portal:unit_detail", kwargs={"unit_pk": world.unit.pk})
    assert login(world.admin).get(url).status_code == 403


def test_anonymous_is_sent_to_login_from_the_portal(anon):
    response = anon.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Sign-in lockout and language -----------------------------------------------------------------


def test_owner_signs_in_with_username_and_password(world, anon):
    response = sign_in(anon, world.owner.username, OWNER_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(anon) == str(world.owner.pk)


def test_wrong_password_is_refused(world, anon):
    response = sign_in(anon, world.owner.username, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert signed_in_user_id(anon) is None


def test_five_failures_lock_the_account_even_for_the_right_password(world, anon):
    for _ in range(5):
        sign_in(anon, world.owner.username, "wrong-password")
    response = sign_in(anon, world.owner.username, OWNER_PASSWORD)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert signed_in_user_id(anon) is None


def test_four_failures_do_not_lock_the_account(world, anon):
    for _ in range(4):
        sign_in(anon, world.owner.username, "wrong-password")
    response = sign_in(anon, world.owner.username, OWNER_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(anon) == str(world.owner.pk)


def test_lockout_of_one_account_leaves_others_alone(world, anon):
    for _ in range(5):
        sign_in(anon, world.owner.username, "wrong-password")
    sign_in(anon, world.other_owner.username, OWNER_PASSWORD)
    assert signed_in_user_id(anon) == str(world.other_owner.pk)


def test_language_switch_sets_the_cookie_and_remembers_it_on_the_user(world, login, settings):
    client = login(world.owner)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/portal/"})
    assert response.status_code == 302
    assert response.url == "/portal/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    world.owner.refresh_from_db()
    assert world.owner.language == "en"


def test_language_switch_ignores_an_unknown_language(world, login, settings):
    client = login(world.owner)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/portal/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    world.owner.refresh_from_db()
    assert world.owner.language == ""


def test_language_switch_works_for_anonymous_visitors(anon, settings):
    response = anon.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
