"""What owners are told about their bills (stored as message keys: read in their language)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from core import texts
from core.notifications import notify
from estates.models import Occupancy

from ..models import Bill


def notify_bills_issued(run) -> int:
    """One notice per owner with a login whose unit got a bill in the run."""
    units = Bill.objects.filter(run=run).values("unit_id")
    users = get_user_model().objects.filter(
        person__in=Occupancy.objects.current().filter(unit_id__in=units).values("person_id"),
        is_active=True,
    )
    notes = notify(
        recipients=list(users),
        title=texts.gettext("Your bill for %(period)s is ready", period=run.period),
        body=texts.gettext(
            "The bills of %(estate)s for %(period)s have been issued. "
            "You can see them and pay online in the portal.",
            estate=run.estate.name,
            period=run.period,
        ),
        url=reverse("portal_billing:bills"),
    )
    return len(notes)
