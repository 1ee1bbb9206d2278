"""A worker killed (SIGKILL) in the middle of applying an import: the batch must not stay
"importing 73%" for ever, and a second worker must finish it exactly once.

Real pieces: PostgreSQL (the test database, shared with the worker subprocesses), Redis as
broker, `celery -A config worker` subprocesses of this repository. To kill the worker at a
known point inside the import's transaction, the test holds an uncommitted unit with the
same number as a row of the file's third chunk: the worker inserts chunks one and two,
reports 73 %, then waits on that row's unique index, and is killed there."""

import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.urls import reverse

from core.models import AuditEvent, Notification, OutboxMessage, User
from estates.choices import ImportKind, ImportStatus, Role
from estates.imports.services import import_upload
from estates.models import Building, Estate, ImportBatch, StaffMembership, Unit
from tests.celery_worker import REDIS_URL, WorkerProcess, test_database_url, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROWS = 1500  # three chunks of 500 (estates.imports.services.BULK_CHUNK)
BLOCKED_NUMBER = "1200"  # a row in the third chunk
LEASE_SECONDS = 3
VISIBILITY_SECONDS = 4


class UncommittedUnit:
    """A thread with its own connection holding an uncommitted unit until released."""

    def __init__(self, **fields):
        self.fields = fields
        self.ready = threading.Event()
        self.release = threading.Event()
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            with transaction.atomic():
                Unit.objects.create(**self.fields)
                self.ready.set()
                self.release.wait(timeout=300)
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.ready.set()
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(timeout=30) and self.error is None, self.error
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def worker_waits_on_a_lock(pid_hint: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            [f"%{pid_hint}%"],
        )
        return cursor.fetchone()[0] > 0


def other_sessions_busy() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state <> 'idle'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis broker: set REDIS_URL (CI does)")
def test_import_finishes_exactly_once_after_its_worker_is_killed_mid_apply(
    client, settings, test_queue, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocesses share the test database: needs PostgreSQL")
    estate = Estate.objects.create(name="安居苑", code="ajy", address="文一路", service_phone="1")
    building = Building.objects.create(estate=estate, name="3栋")
    manager = User.objects.create_user(username="ajy-manager", password="x-test-pass-123")
    StaffMembership.objects.create(user=manager, estate=estate, role=Role.MANAGER)
    rows = "".join(f"3栋,1,{n:04d},{n // 100 + 1},80\n" for n in range(1, ROWS + 1))
    upload = SimpleUploadedFile(
        "big.csv", ("building,entrance,number,floor,area\n" + rows).encode(), "text/csv"
    )
    batch = import_upload(estate=estate, kind=ImportKind.UNITS, upload=upload, actor=manager)
    assert batch.status == ImportStatus.READY and batch.row_count == ROWS

    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "IMPORT_LEASE_SECONDS": str(LEASE_SECONDS),
        "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    first = second = None
    try:
        with UncommittedUnit(
            estate=estate, building=building, entrance="1", number=BLOCKED_NUMBER, floor=12, area=1
        ):
            # The manager asks for the import: the task goes out through the outbox.
            client.force_login(manager)
            response = client.post(reverse("staff:import_apply", args=[batch.pk]))
            assert response.status_code == 302
            assert OutboxMessage.objects.get().sent_at is not None

            first = WorkerProcess("first", test_queue, tmp_path, env)
            started = time.monotonic()
            wait_for(
                lambda: ImportBatch.objects.filter(
                    pk=batch.pk, status=ImportStatus.APPLYING, progress__gte=73
                ).exists(),
                what="the first worker to insert two chunks",
                timeout=120,
                interval=0.2,
            )
            wait_for(
                lambda: worker_waits_on_a_lock("estates_unit"),
                what="the first worker to wait on the held row",
                timeout=30,
                interval=0.2,
            )
            first.kill()
        # The held row is released: the killed worker's session finishes its INSERT, finds
        # its client gone and rolls the whole import transaction back.
        wait_for(
            lambda: not other_sessions_busy(),
            what="PostgreSQL to end the killed worker's session",
            interval=0.2,
        )

        # The bug this guards against: the batch says "importing 73%" and nothing moves.
        stuck = ImportBatch.objects.get(pk=batch.pk)
        assert (stuck.status, stuck.progress) == (ImportStatus.APPLYING, 73)
        assert Unit.objects.count() == 0  # nothing of the killed attempt was committed
        wait_for(
            lambda: (
                b"import-stalled"
                in client.get(batch.get_absolute_url(), {"partial": "progress"}).content
            ),
            what="the page to say the worker stopped",
            timeout=LEASE_SECONDS + 10,
            interval=0.5,
        )

        # A second worker: the killed one never acknowledged the message (acks late), so
        # the broker delivers it again once its visibility timeout passed; the task takes
        # the stale claim over and applies the file.
        time.sleep(max(0.0, started + VISIBILITY_SECONDS + 1 - time.monotonic()))
        second = WorkerProcess("second", test_queue, tmp_path, env)
        wait_for(
            lambda: (
                ImportBatch.objects.get(pk=batch.pk).status
                not in (ImportStatus.READY, ImportStatus.APPLYING)
            ),
            what="the second worker to finish the import",
            timeout=180,
            interval=0.5,
        )
    except BaseException:
        for proc in (first, second):
            if proc is not None:
                print(f"--- {proc.log_path.name}\n{proc.log()[-4000:]}")
        raise
    finally:
        for proc in (first, second):
            if proc is not None:
                proc.stop()

    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED, batch.errors
    assert (batch.applied_count, batch.progress) == (ROWS, 100)
    assert Unit.objects.count() == ROWS
    numbers = list(Unit.objects.values_list("number", flat=True))
    assert len(set(numbers)) == ROWS and BLOCKED_NUMBER in numbers
    unit_type = ContentType.objects.get_for_model(Unit)
    assert AuditEvent.objects.filter(content_type=unit_type, verb="imported").count() == ROWS
    # The uploader hears of it once.
    assert Notification.objects.filter(recipient=manager).count() == 1
    assert "took over a claim" in second.log()
