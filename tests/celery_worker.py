"""Helpers for tests that run real Celery workers against a real Redis broker (REDIS_URL):
an in-thread worker (fixture `worker`), worker subprocesses that can be killed, and a broker
that is "down" (a closed port) for the code under test.

tests/conftest.py makes the fixtures available to every test."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, connections

from config.celery import app as celery_app

REDIS_URL = os.environ.get("REDIS_URL", "")
REPO_ROOT = Path(__file__).resolve().parent.parent
DOWN_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="needs a real Redis broker: set REDIS_URL (CI does)"
)

CONF_KEYS = (
    "task_always_eager",
    "task_default_queue",
    "worker_hijack_root_logger",
    "broker_url",
)


def wait_for(predicate, *, what: str, timeout: float = 30.0, interval: float = 0.05):
    """Poll until predicate() is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def _reset_producer_pools():
    """The app keeps a connection pool for the URL it first used: drop it (kombu keeps one
    pool per URL, so going back to the real URL finds its healthy pool again)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_down():
    """Publishing from this process goes to a closed port (as when Redis is down)."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = DOWN_URL
    _reset_producer_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        _reset_producer_pools()


@pytest.fixture
def celery_conf():
    """Restore the Celery app's configuration after the test changes it."""
    saved = {key: celery_app.conf[key] for key in CONF_KEYS}
    yield celery_app.conf
    celery_app.conf.update(saved)
    _reset_producer_pools()


def _drop_queue(queue: str):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


@pytest.fixture
def test_queue(celery_conf):
    """A queue of this test's own: .delay() and the outbox publish there, not eagerly."""
    queue = f"anju-test-{uuid.uuid4().hex[:12]}"
    celery_conf.task_always_eager = False
    celery_conf.task_default_queue = queue
    celery_conf.worker_hijack_root_logger = False
    yield queue
    _drop_queue(queue)


@pytest.fixture
def worker(settings, test_queue):
    """A real worker in a thread of this process, consuming the test's queue."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    finished: dict[str, SimpleNamespace] = {}

    def on_postrun(sender=None, task_id=None, args=None, retval=None, **kwargs):
        finished[task_id] = SimpleNamespace(name=sender.name, args=args, retval=retval)
        connections.close_all()  # the worker thread's own connections, so teardown can drop the DB

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            queues=[test_queue],
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as w:
            yield SimpleNamespace(queue=test_queue, finished=finished, controller=w)
    finally:
        task_postrun.disconnect(on_postrun)


def finished_named(worker, name: str) -> list[SimpleNamespace]:
    return [t for t in list(worker.finished.values()) if t.name == name]


# --- Worker subprocesses -----------------------------------------------------------------------


def test_database_url() -> str:
    """The URL of the test database this process uses (PostgreSQL), for a subprocess."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


class WorkerProcess:
    """`celery -A config worker --pool=solo` in a subprocess of this repository, on the test
    database and the test's queue; killable like a real one."""

    def __init__(self, name: str, queue: str, log_dir: Path, env: dict[str, str]):
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"{name}-{uuid.uuid4().hex[:6]}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL: no clean shutdown, no chance to give its message back."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self._log.close()
