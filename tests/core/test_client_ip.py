"""The client's address: X-Forwarded-For and X-Forwarded-Proto count only from TRUSTED_PROXIES."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.client_ip import client_ip, parse_networks


def request(remote="203.0.113.7", xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.ANJU_TRUSTED_PROXIES = []
    assert client_ip(request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


def test_a_client_that_is_not_the_proxy_cannot_claim_an_address(settings):
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_the_proxy_the_forwarded_client_is_used(settings):
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_what_the_client_put_in_front_of_the_proxys_entry_is_ignored(settings):
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1"]
    # The client sent "X-Forwarded-For: 10.9.9.9"; the proxy appended the real address.
    assert client_ip(request("127.0.0.1", "10.9.9.9, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(request("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.5")) == "198.51.100.1"


def test_garbage_in_the_header_falls_back_to_the_last_trusted_hop(settings):
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    assert client_ip(request("127.0.0.1", "")) == "127.0.0.1"


def test_ipv6_proxies_and_clients(settings):
    settings.ANJU_TRUSTED_PROXIES = ["::1", "fd00::/8"]
    assert client_ip(request("::1", "2001:db8::7, fd00::2")) == "2001:db8::7"


def test_bad_trusted_proxy_entries_are_refused():
    assert [str(n) for n in parse_networks("127.0.0.1, 10.0.0.0/8")] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
    ]
    with pytest.raises(ValueError):
        parse_networks("proxy.example")


@pytest.mark.django_db
def test_forwarded_proto_counts_only_from_a_trusted_proxy(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.ANJU_TRUSTED_PROXIES = ["10.0.0.1"]
    url = reverse("login")
    # A client reaching the app directly cannot claim HTTPS: it is sent to https.
    direct = client.get(url, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.7")
    assert direct.status_code == 301
    assert direct.url.startswith("https://")
    # The proxy's word is taken.
    proxied = client.get(url, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.1")
    assert proxied.status_code == 200
