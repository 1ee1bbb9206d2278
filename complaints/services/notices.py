"""Who hears about a complaint: the responsible person, the estate's managers, the
complainant (in the portal). Notifications are stored as messages (core.texts)."""

from django.urls import reverse

from core.notifications import notify
from estates.choices import Role
from estates.models import StaffMembership


def staff_of(estate_id, *roles) -> list:
    memberships = StaffMembership.objects.active().filter(estate_id=estate_id, role__in=roles)
    return [m.user for m in memberships.select_related("user").order_by("pk")]


def managers_of(estate_id) -> list:
    return staff_of(estate_id, Role.MANAGER)


def tell_staff(users, complaint, title, body=""):
    seen, recipients = set(), []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            recipients.append(user)
    if recipients:
        notify(
            recipients=recipients,
            title=title.with_params(number=complaint.number),
            body=body,
            url=complaint.get_absolute_url(),
        )


def tell_complainant(complaint, title, body=""):
    person = complaint.complainant
    if person is None or not person.user_id:
        return
    notify(
        recipients=[person.user],
        title=title.with_params(number=complaint.number),
        body=body,
        url=reverse("portal_complaints:complaint_detail", kwargs={"complaint_pk": complaint.pk}),
    )
