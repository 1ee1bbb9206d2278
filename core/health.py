"""The broker probe behind /healthz: one connection per process, reused between requests.

A load balancer asks every few seconds; opening a new broker connection each time would
churn connections on Redis. The connection is made on first use and kept; each probe does a
real round trip (PING on Redis) so a broker that went away is noticed, and a failed
connection is dropped so the next probe connects afresh."""

import threading

_lock = threading.Lock()
_connection = None
_url = None


def _app():
    from celery import current_app  # config's app: core imports no project module

    return current_app


def broker_ping(timeout: float = 2.0) -> None:
    """Raise if the Celery broker does not answer within `timeout` seconds."""
    global _connection, _url
    app = _app()
    with _lock:
        url = app.conf.broker_url
        if _connection is None or _url != url:
            if _connection is not None:
                _connection.release()
            _connection, _url = app.connection_for_write(), url
        try:
            _connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
            client = getattr(_connection.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis: a real round trip on the kept connection
        except Exception:
            _connection.collect()  # drop the broken socket; the next probe reconnects
            raise
