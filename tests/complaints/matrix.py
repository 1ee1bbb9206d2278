"""The complaints' URLs in the role × URL matrix (tests/test_url_scoping.py)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from complaints import permissions as P
from complaints.models import ComplaintPhoto, Notice
from estates import permissions as EP
from maintenance.models import FollowUp

from ..url_rules import A, B, Owner, Staff
from .factories import ComplaintFactory, PreventionActionFactory

RULES = {
    "complaints:complaint_board": Staff(P.VIEW, "any"),
    "complaints:complaint_create": Staff(P.FILE, "current"),
    "complaints:complaint_export": Staff(EP.EXPORT, "any"),
    "complaints:repairs_to_review": Staff(P.HANDLE, "any"),
    # The matrix's ticket was neither rated low nor urged: refused with a message (a 302).
    "complaints:complaint_from_ticket": Staff(P.HANDLE),
    "complaints:classify_follow_up": Staff(P.HANDLE),
    "complaints:case_summary": Staff(P.REPORT, "any"),
    "complaints:case_summary_pdf": Staff(P.REPORT, "any"),
    "complaints:prevention_add": Staff(P.REPORT, "current"),
    "complaints:prevention_done": Staff(P.REPORT),
    "complaints:deadline_settings": Staff(P.CONFIGURE, "current"),
    "complaints:complaint_detail": Staff(P.VIEW),
    # step=acknowledge (a new complaint); the form comes back for whoever may take it.
    "complaints:complaint_action": Staff(P.HANDLE),
    "complaints:complaint_photo": Staff(P.VIEW),
    "complaints:notice_list": Staff(P.VIEW, "any"),
    "complaints:notice_create": Staff(P.NOTICES, "current"),
    "complaints:notice_detail": Staff(P.VIEW),
    "complaints:notice_expire": Staff(P.NOTICES),
    # An empty form: nothing written down, back to the person's page (a 302).
    "complaints:contact_add": Staff(P.CONTACTS),
    "portal_complaints:my_notices": Owner(),
    "portal_complaints:my_notice": Owner(),
    "portal_complaints:my_complaints": Owner(),
    "portal_complaints:file_complaint": Owner(),
    "portal_complaints:complaint_detail": Owner(),
    # owner_step=confirm on a new complaint: the state refuses it (a message, a 302).
    "portal_complaints:complaint_step": Owner(),
    "portal_complaints:complaint_photo": Owner(),
}

PLAIN_KWARGS = {"step": "acknowledge", "owner_step": "confirm"}


def build(world):
    complaints, photos, actions, notices = {}, {}, {}, {}
    for side in (A, B):
        complaint = ComplaintFactory(unit=world.unit[side], complainant=world.person[side])
        complaints[side] = complaint
        photos[side] = ComplaintPhoto.objects.create(
            complaint=complaint,
            content_type="image/png",
            file=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png"),
        )
        manager = world.actors["A manager" if side == A else "B manager"].user
        actions[side] = PreventionActionFactory(estate=world.estate[side], owner=manager)
        notices[side] = Notice.objects.create(
            estate=world.estate[side], title="停水通知", body="明天停水", publish_at=timezone.now()
        )
    world.extra["complaint_pk"] = complaints
    world.extra["attachment_pk"] = photos
    world.extra["prevention_pk"] = actions
    world.extra["notice_pk"] = notices
    world.extra["follow_up_pk"] = {
        side: FollowUp.objects.create(
            ticket=world.ticket[side], method="phone", rating=3, comment="建议晚上不要施工"
        )  # fmt: skip
        for side in (A, B)
    }
