from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import OwnerInvitation

EMAIL_CLAIM = timedelta(minutes=5)  # longer than one SMTP conversation


# The clear token and code exist only in this task's message, so a mail server that is
# down is retried here, with backoff, for about two hours before the mail is given up.
@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=1800, max_retries=8)
def invitation_email_send(invitation_id: int, token: str, code: str) -> bool:
    """E-mail the activation link and code, once. A short claim (a lease) keeps a second
    worker off while this one sends; `emailed_at` is set only after the server took it."""
    now = timezone.now()
    claimed = (
        OwnerInvitation.objects.filter(pk=invitation_id, emailed_at__isnull=True)
        .filter(Q(email_claimed_until__isnull=True) | Q(email_claimed_until__lt=now))
        .update(email_claimed_until=now + EMAIL_CLAIM)
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
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    except Exception:
        OwnerInvitation.objects.filter(pk=invitation_id).update(email_claimed_until=None)
        raise
    OwnerInvitation.objects.filter(pk=invitation_id).update(
        emailed_at=timezone.now(), email_claimed_until=None
    )
    return True
