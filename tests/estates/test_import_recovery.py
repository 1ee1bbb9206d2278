"""An import whose worker died does not stay "importing" for ever: its claim has a lease
that progress renews; a stale claim is taken over by the redelivered task or reset and
queued again by the recovery beat; the rows and the APPLIED mark commit together, so the
retry applies the file exactly once. (The real kill: test_import_worker_killed.py.)"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery import BEAT_SCHEDULE
from core.models import Notification, OutboxMessage
from estates.choices import ImportKind, ImportStatus
from estates.imports import services
from estates.imports.services import ImportBusy, import_apply, import_upload
from estates.models import ImportBatch, Unit
from estates.tasks import import_apply_task, import_batches_recover

pytestmark = pytest.mark.django_db

CSV = "building,entrance,number,floor,area\n3栋,1,0101,1,80\n3栋,1,0102,1,90\n"


@pytest.fixture
def batch(world):
    upload = SimpleUploadedFile("units.csv", CSV.encode(), "text/csv")
    batch = import_upload(
        estate=world.estate, kind=ImportKind.UNITS, upload=upload, actor=world.manager
    )
    assert batch.status == ImportStatus.READY
    return batch


def claimed(batch, *, lease_from_now: timedelta, requested_by=None, progress=17):
    """The batch as a worker left it: APPLYING, with a lease running out at now + delta."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.APPLYING,
        progress=progress,
        claim_token="a-dead-workers-claim",
        lease_until=timezone.now() + lease_from_now,
        apply_requested_by=requested_by,
    )


def units():
    return Unit.objects.filter(number__in=["0101", "0102"]).count()


def test_a_stale_claim_is_taken_over_and_the_file_applied_once(world, batch):
    claimed(batch, lease_from_now=-timedelta(seconds=1))
    done = import_apply(batch_id=batch.pk, actor=world.manager)
    assert (done.status, done.progress, done.applied_count) == (ImportStatus.APPLIED, 100, 2)
    assert done.lease_until is None
    assert units() == 2
    assert import_apply_task(batch.pk, world.manager.pk) is None  # a later redelivery
    assert units() == 2


def test_a_live_claim_is_left_to_its_worker(world, batch):
    claimed(batch, lease_from_now=timedelta(seconds=60))
    with pytest.raises(ImportBusy) as busy:
        import_apply(batch_id=batch.pk, actor=world.manager)
    assert 60 <= busy.value.retry_in <= 66  # the redelivered task asks again after the lease
    assert import_apply_task(batch.pk, world.manager.pk) is None
    assert units() == 0
    batch.refresh_from_db()
    assert batch.claim_token == "a-dead-workers-claim"


def test_the_applied_mark_commits_with_the_rows_or_not_at_all(world, batch, monkeypatch):
    real, calls = services._tell_uploader, []

    def crash_once(batch):
        calls.append(batch.status)
        if len(calls) == 1:  # after the APPLIED mark, before the commit
            raise RuntimeError("the worker fails right before the commit")
        return real(batch)

    monkeypatch.setattr(services, "_tell_uploader", crash_once)
    done = import_apply(batch_id=batch.pk, actor=world.manager)
    assert calls == [ImportStatus.APPLIED, ImportStatus.FAILED]
    assert done.status == ImportStatus.FAILED and done.applied_at is None
    assert units() == 0


@pytest.mark.django_db(transaction=True)
def test_progress_renews_the_lease(world, batch, settings):
    settings.ANJU_IMPORT_LEASE_SECONDS = 60
    claimed(batch, lease_from_now=timedelta(seconds=1))
    services.Progress(batch.pk, "a-dead-workers-claim")(50)
    batch.refresh_from_db()
    assert batch.progress == 50
    assert batch.lease_until > timezone.now() + timedelta(seconds=55)
    services.Progress(batch.pk, "someone-elses-token")(60)  # not its claim: no effect
    batch.refresh_from_db()
    assert batch.progress == 50


def test_recovery_requeues_a_stale_import_as_who_asked(
    world, batch, django_capture_on_commit_callbacks
):
    claimed(batch, lease_from_now=-timedelta(minutes=1), requested_by=world.manager)
    live = ImportBatch.objects.create(
        estate=world.estate, kind=ImportKind.UNITS, original_name="other.csv"
    )
    claimed(live, lease_from_now=timedelta(minutes=4))
    with django_capture_on_commit_callbacks(execute=True):  # tests run tasks eagerly
        assert import_batches_recover() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and units() == 2
    assert OutboxMessage.objects.get().args == [batch.pk, world.manager.pk]
    assert Notification.objects.filter(recipient=batch.created_by).count() == 1
    live.refresh_from_db()
    assert live.status == ImportStatus.APPLYING  # its worker is alive: left alone
    assert import_batches_recover() == 0


def test_recovery_without_an_active_requester_offers_the_button_again(world, batch, login):
    world.manager.is_active = False
    world.manager.save()
    claimed(batch, lease_from_now=-timedelta(minutes=1), requested_by=world.manager)
    assert import_batches_recover() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.apply_requested_by) == (
        ImportStatus.READY,
        0,
        None,
    )
    assert not OutboxMessage.objects.exists()
    assert units() == 0


def test_the_page_says_when_the_worker_stopped(world, batch, login):
    client = login(world.manager)
    claimed(batch, lease_from_now=timedelta(minutes=4), requested_by=world.manager)
    page = client.get(batch.get_absolute_url(), {"partial": "progress"}).content.decode()
    assert "17%" in page and "import-stalled" not in page
    claimed(batch, lease_from_now=-timedelta(seconds=1), requested_by=world.manager)
    page = client.get(batch.get_absolute_url(), {"partial": "progress"}).content.decode()
    assert 'data-testid="import-stalled"' in page and 'hx-trigger="every 1s"' in page


def test_a_queued_import_waits_on_its_page_and_offers_no_second_button(world, batch, login):
    client = login(world.manager)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("estates.views.imports.SYNC_APPLY_MAX_ROWS", 1)
        response = client.post(reverse("staff:import_apply", args=[batch.pk]))
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.task == import_apply_task.name
    assert message.args == [batch.pk, world.manager.pk]
    batch.refresh_from_db()
    assert batch.apply_requested_by == world.manager


def test_beat_runs_the_recovery_every_minute():
    assert BEAT_SCHEDULE["imports-recover"]["task"] == import_batches_recover.name
    assert BEAT_SCHEDULE["imports-recover"]["schedule"] == 60.0
