"""Complaint services: filing, the transition table checked by every step, deadlines from
the estate's table, reopening, the link with repairs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.choices import Category, Cause, Channel, Kind
from complaints.choices import Status as S
from complaints.models import Complaint, DeadlineRule
from complaints.transitions import OWNER, STAFF_ACTIONS, available
from core.audit import timeline_for
from core.errors import DomainError, TransitionError
from core.models import Notification
from estates.choices import Role
from maintenance.models import FollowUp, Ticket

pytestmark = pytest.mark.django_db


def file_noise(world, **kw):
    data = services.ComplaintData(
        category=Category.NOISE, description="楼上装修噪音", unit=world.unit, **kw
    )
    return services.complaint_file_by_owner(actor=world.owner, data=data)


def test_an_owner_files_with_the_default_deadlines_and_customer_service_responsible(world):
    before = timezone.now()
    c = file_noise(world)
    assert c.status == S.NEW and c.channel == Channel.PORTAL
    assert c.complainant == world.owner_person and c.estate == world.estate
    assert c.responsible == world.staff[Role.CUSTOMER_SERVICE]
    # noise: acknowledge within 2 hours, resolve within 2 days
    assert before + timedelta(hours=2) <= c.acknowledge_due <= timezone.now() + timedelta(hours=2)
    assert c.resolve_due - c.filed_at == timedelta(days=2)
    assert [e.verb for e in timeline_for(c)] == ["complaint_filed"]
    assert Notification.objects.filter(recipient=world.staff[Role.CUSTOMER_SERVICE]).exists()


def test_the_estates_own_deadline_table_wins_over_the_default(world):
    DeadlineRule.objects.create(
        estate=world.estate, category=Category.NOISE, acknowledge_hours=1, resolve_days=5
    )
    c = file_noise(world)
    assert c.acknowledge_due - c.filed_at == timedelta(hours=1)
    assert c.resolve_due - c.filed_at == timedelta(days=5)


def test_an_owner_cannot_file_about_someone_elses_unit(world):
    data = services.ComplaintData(category=Category.NOISE, description="x", unit=world.other_unit)
    with pytest.raises(ValidationError):
        services.complaint_file_by_owner(actor=world.owner, data=data)


def test_staff_intake_names_a_handler_of_the_estate(world):
    data = services.ComplaintData(
        category=Category.FEES, description="物业费多收", kind=Kind.COMPLAINT
    )
    with pytest.raises(ValidationError) as exc:
        services.complaint_file_by_staff(
            actor=world.staff[Role.CUSTOMER_SERVICE],
            estate=world.estate,
            data=data,
            channel=Channel.PHONE,
            responsible=world.staff[Role.TECHNICIAN],
        )
    assert "responsible" in exc.value.error_dict
    c = services.complaint_file_by_staff(
        actor=world.staff[Role.SECURITY],  # everyone on staff may file
        estate=world.estate,
        data=data,
        channel=Channel.WECHAT,
        responsible=world.manager,
    )
    assert c.channel == Channel.WECHAT and c.responsible == world.manager
    with pytest.raises(PermissionDenied):
        services.complaint_file_by_staff(
            actor=world.other_manager, estate=world.estate, data=data,
            channel=Channel.PHONE, responsible=world.manager,
        )  # fmt: skip


def test_the_whole_way_to_closed_with_the_complainants_rating(world):
    cs = world.staff[Role.CUSTOMER_SERVICE]
    c = file_noise(world)
    c = services.complaint_acknowledge(complaint_id=c.pk, actor=cs)
    assert c.status == S.ACKNOWLEDGED and c.acknowledged_at is not None
    c = services.complaint_start(complaint_id=c.pk, actor=cs, note="联系楼上业主")
    assert c.status == S.IN_PROGRESS
    c = services.complaint_resolve(
        complaint_id=c.pk, actor=cs, resolution="已约定施工时间", cause=Cause.NEIGHBOUR
    )
    assert c.status == S.RESOLVED and c.cause == Cause.NEIGHBOUR
    assert [t.slug for t in available(world.owner, c, OWNER)] == ["confirm", "reopen"]
    c = services.complaint_confirm(complaint_id=c.pk, actor=world.owner, rating=5, comment="满意")
    assert c.status == S.CLOSED and c.rating == 5 and c.closed_at is not None
    verbs = [e.verb for e in timeline_for(c)][::-1]
    assert verbs == ["complaint_filed", "complaint_acknowledged", "complaint_started",
                     "complaint_resolved", "complaint_confirmed"]  # fmt: skip
    c = services.complaint_mark_typical(complaint_id=c.pk, actor=world.manager, lesson="提前告知")
    assert c.typical and c.lesson == "提前告知"


def test_the_table_refuses_a_step_from_the_wrong_state_and_a_role_without_it(world):
    c = file_noise(world)
    with pytest.raises(TransitionError):
        services.complaint_resolve(
            complaint_id=c.pk, actor=world.manager, resolution="x", cause=Cause.OTHER
        )
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint_id=c.pk, actor=world.staff[Role.TECHNICIAN])
    with pytest.raises(Complaint.DoesNotExist):
        services.complaint_acknowledge(complaint_id=c.pk, actor=world.other_manager)
    with pytest.raises(Complaint.DoesNotExist):  # another owner's complaint
        services.complaint_cancel(complaint_id=c.pk, actor=world.other_owner, reason="x", who=OWNER)
    assert Complaint.objects.get(pk=c.pk).status == S.NEW
    assert STAFF_ACTIONS["acknowledge"].from_states == (S.NEW,)


def test_a_stale_form_changes_nothing(world):
    c = file_noise(world)
    services.complaint_acknowledge(complaint_id=c.pk, actor=world.manager)
    with pytest.raises(TransitionError):
        services.complaint_start(complaint_id=c.pk, actor=world.manager, version=c.version)


def test_the_owner_reopens_with_a_reason_and_the_resolve_deadline_starts_again(world):
    c = file_noise(world)
    services.complaint_acknowledge(complaint_id=c.pk, actor=world.manager)
    services.complaint_resolve(
        complaint_id=c.pk, actor=world.manager, resolution="已处理", cause=Cause.SERVICE
    )
    Complaint.objects.filter(pk=c.pk).update(resolve_escalated=True, resolve_warned=True)
    with pytest.raises(ValidationError):
        services.complaint_reopen(complaint_id=c.pk, actor=world.owner, reason=" ", who=OWNER)
    c = services.complaint_reopen(
        complaint_id=c.pk, actor=world.owner, reason="晚上还在施工", who=OWNER
    )
    assert c.status == S.REOPENED and c.reopen_count == 1 and c.resolved_at is None
    assert not c.resolve_escalated and not c.resolve_warned
    assert c.resolve_due > timezone.now() + timedelta(days=1)
    assert Notification.objects.filter(recipient=world.manager, url=c.get_absolute_url()).exists()


def test_the_owner_withdraws(world):
    c = file_noise(world)
    c = services.complaint_cancel(complaint_id=c.pk, actor=world.owner, reason="已解决", who=OWNER)
    assert c.status == S.CANCELLED
    with pytest.raises(TransitionError):
        services.complaint_confirm(complaint_id=c.pk, actor=world.owner, rating=3)


def test_a_complaint_opens_a_repair_ticket_that_links_back(world):
    c = file_noise(world)
    services.complaint_acknowledge(complaint_id=c.pk, actor=world.manager)
    c = services.complaint_open_ticket(
        complaint_id=c.pk, actor=world.manager, category="plumbing", description="楼上漏水"
    )
    ticket = c.ticket
    assert ticket.unit == world.unit and ticket.source_url == c.get_absolute_url()
    with pytest.raises(ValidationError):  # one open repair at a time
        services.complaint_open_ticket(
            complaint_id=c.pk, actor=world.manager, category="plumbing", description="again"
        )


def _ticket(world, **fields):
    now = timezone.now()
    values = dict(
        estate=world.estate, unit=world.unit, building=world.building, category="plumbing",
        channel="portal", description="漏水", reporter=world.owner_person, reported_at=now,
        response_due=now, onsite_due=now, completion_due=now, number="JXY-1",
    )  # fmt: skip
    return Ticket.objects.create(**{**values, **fields})


def test_a_repair_rated_low_at_follow_up_becomes_one_complaint(world):
    ticket = _ticket(world)
    with pytest.raises(DomainError):
        services.complaint_from_ticket(ticket_id=ticket.pk, actor=world.manager)
    FollowUp.objects.create(ticket=ticket, method="phone", rating=1, comment="态度差")
    c = services.complaint_from_ticket(ticket_id=ticket.pk, actor=world.manager)
    assert c.ticket == ticket and c.channel == Channel.REPAIR and c.category == Category.REPAIRS
    assert c.complainant == world.owner_person and "JXY-1" in c.description
    with pytest.raises(DomainError):
        services.complaint_from_ticket(ticket_id=ticket.pk, actor=world.manager)
    with pytest.raises(PermissionDenied):
        services.complaint_from_ticket(
            ticket_id=_ticket(world, number="JXY-2", urge_count=3).pk,
            actor=world.staff[Role.FINANCE],
        )


def test_a_repair_urged_repeatedly_qualifies(world):
    assert services.qualifies_as_complaint(_ticket(world, urge_count=2))
    assert not services.qualifies_as_complaint(_ticket(world, number="JXY-3", rating=4))


def test_demo_complaints_are_seeded_once(world):
    import random

    from django.apps import apps

    from complaints.apps import ComplaintsConfig

    config = apps.get_app_config("complaints")
    assert isinstance(config, ComplaintsConfig)
    from complaints.models import Notice

    made = config.seed_demo(world.estate, rng=random.Random(1))
    complaints = Complaint.objects.filter(estate=world.estate).count()
    assert (
        complaints > 0 and made == complaints + Notice.objects.filter(estate=world.estate).count()
    )
    assert config.seed_demo(world.estate, rng=random.Random(1)) == 0


def test_a_follow_up_comment_is_classified_as_a_suggestion_once(world, login):
    from django.urls import reverse

    ticket = _ticket(world)
    follow_up = FollowUp.objects.create(
        ticket=ticket, method="phone", rating=4, comment="建议维修前先电话联系"
    )
    client = login(world.staff[Role.CUSTOMER_SERVICE])
    page = reverse("complaints:repairs_to_review")
    assert "建议维修前先电话联系" in client.get(page).content.decode()
    url = reverse("complaints:classify_follow_up", kwargs={"follow_up_pk": follow_up.pk})
    client.post(url, {"kind": Kind.SUGGESTION, "category": Category.REPAIRS})
    c = Complaint.objects.get()
    assert (c.kind, c.channel, c.follow_up, c.ticket) == (
        Kind.SUGGESTION, Channel.FOLLOW_UP, follow_up, ticket
    )  # fmt: skip
    assert c.description == "建议维修前先电话联系" and c.complainant == world.owner_person
    # In the same list as every other suggestion; no longer waiting to be classified.
    board = client.get(reverse("complaints:complaint_board"), {"kind": "suggestion"})
    assert c.number in board.content.decode()
    assert "建议维修前先电话联系" not in client.get(page).content.decode()
    with pytest.raises(DomainError):
        services.complaint_from_follow_up(
            follow_up_id=follow_up.pk, actor=world.manager, kind="suggestion", category="repairs"
        )


def test_every_row_of_the_table_has_its_service_form_and_message():
    from complaints import forms
    from complaints.transitions import COMPLAINT, DONE

    assert set(DONE) == {(t.who, t.slug) for t in COMPLAINT}
    for t in COMPLAINT:
        assert callable(t.service_function), t.slug
        assert issubclass(t.form_class, forms.ActionForm), t.slug
