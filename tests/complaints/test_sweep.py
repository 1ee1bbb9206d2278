"""The complaint deadline sweep: a warning before a deadline to the responsible person,
an escalation to the managers once it passed; each once, whatever runs twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.choices import Status as S
from complaints.models import Complaint
from complaints.sweep import deadline_sweep
from core.audit import timeline_for
from core.models import Notification
from estates.choices import Role

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def test_warns_before_and_escalates_after_each_once(world):
    cs = world.staff[Role.CUSTOMER_SERVICE]
    now = timezone.now()
    late = ComplaintFactory(unit=world.unit, responsible=cs, filed_at=now - 3 * H,
                            acknowledge_due=now - H)  # fmt: skip
    soon = ComplaintFactory(unit=world.unit, responsible=cs, filed_at=now,
                            acknowledge_due=now + timedelta(minutes=10))  # fmt: skip
    ComplaintFactory(unit=world.unit, responsible=cs, filed_at=now, acknowledge_due=now + 5 * H)
    ComplaintFactory(unit=world.unit, responsible=cs, status=S.CLOSED, acknowledge_due=now - H,
                     acknowledged_at=now - 2 * H)  # fmt: skip

    first = deadline_sweep(now)
    assert first == {"warnings": 1, "escalations": 1, "notifications": 3}
    assert deadline_sweep(now) == {"warnings": 0, "escalations": 0, "notifications": 0}

    late.refresh_from_db()
    soon.refresh_from_db()
    assert late.acknowledge_escalated and late.acknowledge_warned
    assert soon.acknowledge_warned and not soon.acknowledge_escalated
    to_manager = Notification.objects.filter(recipient=world.manager)
    assert [n.url for n in to_manager] == [late.get_absolute_url()]
    assert "overdue" in str(to_manager[0].title)
    assert Notification.objects.filter(recipient=cs).count() == 2  # the warning, the escalation
    assert [e.verb for e in timeline_for(late)] == ["complaint_acknowledge_escalated"]
    assert [e.verb for e in timeline_for(soon)] == ["complaint_acknowledge_warning"]


def test_a_passing_resolve_deadline_escalates_even_when_acknowledged(world):
    now = timezone.now()
    c = ComplaintFactory(unit=world.unit, status=S.IN_PROGRESS, acknowledged_at=now - 40 * H,
                         acknowledge_due=now - 47 * H, resolve_due=now - H)  # fmt: skip
    counts = deadline_sweep(now)
    assert counts["escalations"] == 1
    c.refresh_from_db()
    assert c.resolve_escalated and not c.acknowledge_escalated
    # With no responsible person the warning would go to customer service; the managers
    # hear of the escalation.
    assert Notification.objects.filter(recipient=world.manager).count() == 1


def test_a_reopened_complaint_is_escalated_again_for_its_new_deadline(world):
    now = timezone.now()
    c = ComplaintFactory(unit=world.unit, status=S.REOPENED, acknowledged_at=now - 50 * H,
                         acknowledge_due=now - 49 * H, resolve_due=now + 48 * H)  # fmt: skip
    assert deadline_sweep(now + 49 * H)["escalations"] == 1
    Complaint.objects.filter(pk=c.pk).update(resolve_escalated=False, resolve_warned=False)
    assert deadline_sweep(now + 49 * H)["escalations"] == 1
    assert deadline_sweep(now + 49 * H)["escalations"] == 0
