from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import OwnerInvitation


@shared_task
def invitation_email_send(invitation_id: int, token: str, code: str) -> bool:
    """E-mail the activation link and code, once: the claim is a conditional UPDATE."""
    claimed = OwnerInvitation.objects.filter(pk=invitation_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    invitation = OwnerInvitation.objects.select_related("person__registered_estate").get(
        pk=invitation_id
    )
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
    return True
