"""Two people resolving the same complaint at once: the row lock lets one through; the
other finds it resolved already (the table refuses) and nothing is done twice."""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from complaints import services
from complaints.choices import Cause
from complaints.choices import Status as S
from complaints.models import Complaint
from complaints.services import base as svc_base
from core.audit import timeline_for
from core.errors import TransitionError
from estates.choices import Role

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_resolutions_at_once_only_one_wins(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    c = ComplaintFactory(unit=world.unit, status=S.IN_PROGRESS, acknowledged_at=timezone.now())
    record_event = svc_base.record_event

    def slow_record_event(obj, **kwargs):
        time.sleep(0.3)  # hold the lock while the other one asks for it
        return record_event(obj, **kwargs)

    monkeypatch.setattr(svc_base, "record_event", slow_record_event)
    barrier = threading.Barrier(2)
    results = {}

    def resolve(name, actor, text):
        try:
            barrier.wait(timeout=10)
            services.complaint_resolve(
                complaint_id=c.pk, actor=actor, resolution=text, cause=Cause.SERVICE
            )
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=resolve, args=("cs", world.staff[Role.CUSTOMER_SERVICE], "甲")),
        threading.Thread(target=resolve, args=("manager", world.manager, "乙")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["cs", "manager"]
    winners = [n for n, r in results.items() if r == "ok"]
    losers = [r for r in results.values() if r != "ok"]
    assert len(winners) == 1 and isinstance(losers[0], TransitionError), results
    c = Complaint.objects.get(pk=c.pk)
    assert c.status == S.RESOLVED and c.resolution == ("甲" if winners == ["cs"] else "乙")
    assert [e.verb for e in timeline_for(c)] == ["complaint_resolved"]
