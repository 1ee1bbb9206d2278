from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.email_claim import send_once

from .models import OwnerInvitation


# The clear token and code exist only in this task's message, so a mail server that is
# down is retried here, with backoff, for about two hours before the mail is given up.
@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=1800, max_retries=8)
def invitation_email_send(invitation_id: int, token: str, code: str) -> bool:
    """E-mail the activation link and code, once (core.email_claim: `emailed_at` is set
    only after the server took it)."""
    rows = OwnerInvitation.objects.select_related("person__registered_estate").filter(
        pk=invitation_id
    )
    return send_once(rows, lambda invitation: _send(invitation, token, code))


def _send(invitation, token: str, code: str) -> None:
    person = invitation.person
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("portal:activate", kwargs={"token": token})
        subject = _("Your owner account at %(estate)s") % {"estate": person.registered_estate}
        body = _(
            "Dear %(name)s,\n\nYou have been invited to the owner self-service pages of "
            "%(estate)s. Open this link to set your password:\n%(link)s\n\n"
            "Or enter your mobile number and this one-time code on the activation page: "
            "%(code)s\n\nThe invitation expires on %(expires)s."
        ) % {
            "name": person.name,
            "estate": person.registered_estate,
            "link": link,
            "code": code,
            "expires": f"{timezone.localtime(invitation.expires_at):%Y-%m-%d}",
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
