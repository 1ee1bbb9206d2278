"""Who is told about a ticket, after commit: staff of the estate by role, the owners."""

from django.urls import reverse

from core.notifications import notify
from estates.choices import OccupancyRole
from estates.models import Occupancy, StaffMembership


def _staff(estate, *roles, on_duty=None):
    memberships = StaffMembership.objects.active().filter(estate=estate, role__in=roles)
    if on_duty is not None:
        memberships = memberships.filter(on_duty=on_duty)
    return [m.user for m in memberships.select_related("user")]


def _owner_users(ticket) -> list:
    """Who hears about a ticket in the portal: whoever reported it, and the unit's current
    owners with a portal account (customer service may have recorded a tenant's call, or a
    call without the caller's mobile)."""
    users = []
    if ticket.reporter_id and ticket.reporter.user_id:
        users.append(ticket.reporter.user)
    if ticket.unit_id:
        owners = (
            Occupancy.objects.current()
            .filter(unit_id=ticket.unit_id, role=OccupancyRole.OWNER, person__user__isnull=False)
            .select_related("person__user")
            .order_by("pk")
        )
        users += [o.person.user for o in owners]
    return users


def _tell(users, ticket, title, body="", url=None):
    """Notify `users` (None and duplicates skipped) about `ticket`, after commit; the link
    goes to the staff ticket page unless `url` says otherwise."""
    seen, recipients = set(), []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            recipients.append(user)
    if not recipients:
        return
    notify(
        recipients=recipients,
        # A message with %(number)s, shown in each reader's language when read.
        title=title.with_params(number=ticket.number),
        body=body,
        url=url or ticket.get_absolute_url(),
    )


def _tell_owner(ticket, title, body=""):
    """Owners read tickets in the portal; their link goes there."""
    portal = reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk})
    _tell(_owner_users(ticket), ticket, title, body, url=portal)
