"""/healthz asks the broker through one kept connection per process (not one per request),
and still answers 503 while the broker or the database is down."""

from unittest import mock

import pytest
from django.db.utils import OperationalError as DatabaseOperationalError

from config.celery import app as celery_app
from tests.celery_worker import DOWN_URL, REDIS_URL, needs_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def connections_made(celery_conf):
    made = []
    real = celery_app.connection_for_write

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(celery_app, "connection_for_write", counting):
        yield made


def test_healthz_keeps_one_broker_connection_between_requests(client, connections_made):
    for _ in range(5):
        response = client.get("/healthz")
        assert response.status_code == 200 and response.json()["broker"] == "ok"
    assert len(connections_made) <= 1  # none if an earlier test opened it already


def test_healthz_503_while_the_broker_is_down_and_200_once_it_is_back(
    client, celery_conf, connections_made
):
    working = celery_conf.broker_url
    celery_conf.broker_url = DOWN_URL
    for _ in range(2):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["broker"].startswith("error")
    celery_conf.broker_url = working
    assert client.get("/healthz").status_code == 200


def test_healthz_503_when_the_database_is_down(client):
    with mock.patch(
        "core.views.connection.cursor", side_effect=DatabaseOperationalError("db down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@needs_redis
def test_healthz_pings_the_real_redis_on_its_kept_connection(client, celery_conf):
    import redis

    from core import health

    assert celery_conf.broker_url == REDIS_URL
    client.get("/healthz")
    kept = health._connection.default_channel.client
    first_id = kept.client_id()
    server = redis.Redis.from_url(REDIS_URL)
    pings_before = server.info("commandstats").get("cmdstat_ping", {}).get("calls", 0)
    for _ in range(10):
        assert client.get("/healthz").json()["broker"] == "ok"
    pings = server.info("commandstats").get("cmdstat_ping", {}).get("calls", 0)
    server.close()
    assert pings - pings_before >= 10  # a real round trip each time
    assert health._connection.default_channel.client.client_id() == first_id  # same socket
