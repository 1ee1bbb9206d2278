"""Sign-in lockout counts against the account (username or mobile number alike); password reset
mails are rate limited per address and per client, and the page never tells which applied."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Anju-2026!"
MOBILE = "13812345678"


@pytest.fixture
def wang():
    return UserFactory(username="wang.lei", mobile=MOBILE, email="wang@example.com")


def sign_in(client, identifier, password, ip="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": identifier, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client):
    return client.session.get("_auth_user_id")


def locked(response):
    return response.status_code == 429 and "registration/locked_out.html" in [
        t.name for t in response.templates
    ]


# --- Lockout per account ------------------------------------------------------------------------


def test_the_mobile_number_signs_in(client, wang):
    assert sign_in(client, MOBILE, PASSWORD).status_code == 302
    assert signed_in(client) == str(wang.pk)


def test_failures_by_username_lock_the_mobile_number_too(client, wang):
    for _ in range(4):
        assert not locked(sign_in(client, "wang.lei", "wrong"))
    assert locked(sign_in(client, "wang.lei", "wrong"))  # the fifth failure locks
    response = sign_in(client, MOBILE, PASSWORD)
    assert locked(response)
    assert signed_in(client) is None
    # ...and the refused success cleared nothing: the username is still locked as well.
    assert locked(sign_in(client, "wang.lei", PASSWORD))


def test_failures_by_mobile_number_lock_the_username_too(client, wang):
    for _ in range(5):
        sign_in(client, MOBILE, "wrong")
    assert locked(sign_in(client, "wang.lei", PASSWORD))
    assert locked(sign_in(client, MOBILE, PASSWORD))
    assert signed_in(client) is None


def test_failures_through_both_identifiers_add_up(client, wang):
    for identifier in ["wang.lei", MOBILE, "wang.lei", MOBILE, "wang.lei"]:
        sign_in(client, identifier, "wrong")
    assert locked(sign_in(client, MOBILE, PASSWORD))


def test_the_lock_holds_whatever_address_the_attempts_come_from(client, wang):
    for n in range(5):
        sign_in(client, "wang.lei", "wrong", ip=f"198.51.100.{n + 1}")
    assert locked(sign_in(client, MOBILE, PASSWORD, ip="192.0.2.200"))


def test_four_failures_then_a_success_by_the_other_identifier_reset_the_count(client, wang):
    for _ in range(4):
        sign_in(client, MOBILE, "wrong")
    assert sign_in(client, "wang.lei", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, MOBILE, "wrong")
    assert sign_in(client, MOBILE, PASSWORD).status_code == 302  # 4, not 8: reset by success


def test_a_locked_account_leaves_other_accounts_alone(client, wang):
    other = UserFactory(username="li.na", mobile="13987654321")
    for _ in range(5):
        sign_in(client, MOBILE, "wrong")
    assert sign_in(client, "13987654321", PASSWORD).status_code == 302
    assert signed_in(client) == str(other.pk)


def test_an_identifier_of_no_account_is_counted_as_typed(client, wang):
    for _ in range(5):
        sign_in(client, "nobody", "wrong")
    assert locked(sign_in(client, "nobody", "wrong"))
    assert sign_in(client, "wang.lei", PASSWORD).status_code == 302


# --- Password reset rate limit --------------------------------------------------------------------


def reset(client, email, ip="203.0.113.7", **extra):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, **extra)


def test_an_address_gets_at_most_three_mails_an_hour(client, wang):
    responses = [reset(client, "wang@example.com", ip=f"198.51.100.{n}") for n in range(10)]
    assert len(mail.outbox) == 3
    assert {r.status_code for r in responses} == {302}
    assert {r.url for r in responses} == {reverse("password_reset_done")}


def test_the_address_is_matched_whatever_its_case(client, wang):
    for n in range(5):
        reset(client, "Wang@Example.com" if n % 2 else "wang@example.com", ip=f"198.51.100.{n}")
    assert len(mail.outbox) == 3


def test_an_unknown_address_answers_the_same_way(client, wang):
    response = reset(client, "nobody@example.com")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_one_client_may_ask_for_at_most_ten_addresses(client):
    for n in range(12):
        UserFactory(username=f"u{n}", email=f"u{n}@example.com")
    responses = [reset(client, f"u{n}@example.com") for n in range(12)]
    assert len(mail.outbox) == 10
    assert {r.url for r in responses} == {reverse("password_reset_done")}


def test_behind_the_proxy_clients_are_told_apart(client, settings):
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(12):
        UserFactory(username=f"u{n}", email=f"u{n}@example.com")
    for n in range(11):
        reset(client, f"u{n}@example.com", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert len(mail.outbox) == 10
    reset(client, "u11@example.com", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert len(mail.outbox) == 11


# --- Failed sign-ins per client (password spraying) ---------------------------------------------


def test_one_client_failing_across_many_accounts_is_stopped(client, wang, settings):
    settings.ANJU_SIGN_IN_FAILURES_PER_CLIENT = 3
    for n in range(3):  # one wrong guess at each of three accounts: no account is locked
        UserFactory(username=f"user{n}")
        assert sign_in(client, f"user{n}", "Spring2026!").status_code == 200
    # The fourth attempt is not even tried, with the right password too, and says why.
    response = sign_in(client, "wang.lei", PASSWORD)
    assert response.status_code == 302 and not signed_in(client)
    page = client.get(response["Location"])
    assert "Too many failed sign-ins from your network" in page.content.decode()
    # Another client signs in as usual.
    assert sign_in(client, "wang.lei", PASSWORD, ip="198.51.100.9").status_code == 302
    assert signed_in(client)


def test_successful_sign_ins_do_not_count(client, wang, settings):
    settings.ANJU_SIGN_IN_FAILURES_PER_CLIENT = 2
    for _ in range(4):
        assert sign_in(client, "wang.lei", PASSWORD).status_code == 302
        client.logout()
    assert sign_in(client, "wang.lei", PASSWORD).status_code == 302 and signed_in(client)
