"""Owner onboarding: invite (by staff), then activate (by the owner, with link or code)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from core.notifications import notify
from core.outbox import enqueue_on_commit
from estates import permissions as P
from estates.models import Person

from .models import OwnerInvitation, hash_secret

MAX_CODE_ATTEMPTS = 5


def _may_invite(actor, person: Person) -> bool:
    """Whoever may manage people in one of the person's estates."""
    return Person.objects.for_user(actor, P.MANAGE_PEOPLE).filter(pk=person.pk).exists()


def owner_invite(*, person_id: int, actor) -> tuple[OwnerInvitation, str, str]:
    """Open an invitation (revoking any earlier open one). Returns it with the clear token
    and one-time code, which are shown to staff / e-mailed once and never stored."""
    with transaction.atomic():
        person = Person.objects.for_user(actor).select_for_update().get(pk=person_id)
        if not _may_invite(actor, person):
            raise PermissionDenied
        if person.user_id and person.user.has_usable_password():
            raise DomainError(_("%(name)s already has a portal account.") % {"name": person.name})
        now = timezone.now()
        OwnerInvitation.objects.filter(
            person=person, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        token, code = OwnerInvitation.new_secrets()
        invitation = OwnerInvitation.objects.create(
            person=person,
            token_hash=hash_secret(token),
            code_hash=hash_secret(code),
            created_by=actor,
            expires_at=OwnerInvitation.default_expiry(),
        )
        record_event(person, actor=actor, verb="invited")
        if person.email:
            from .tasks import invitation_email_send

            # The clear token and code travel in the message and are blanked once it is sent.
            enqueue_on_commit(invitation_email_send, invitation.pk, token, code, _secret=True)
    return invitation, token, code


def invitation_by_token(token: str) -> OwnerInvitation | None:
    invitation = (
        OwnerInvitation.objects.select_related("person")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    return invitation if invitation and invitation.is_open else None


def invitation_by_code(*, mobile: str, code: str) -> OwnerInvitation | None:
    """The open invitation for this mobile number, if the code matches. Each wrong code
    counts against the invitation; after five it is revoked."""
    candidates = OwnerInvitation.objects.select_related("person").filter(
        person__mobile=mobile,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    for invitation in candidates:
        if invitation.code_hash == hash_secret(code):
            return invitation
        with transaction.atomic():
            locked = OwnerInvitation.objects.select_for_update().get(pk=invitation.pk)
            locked.failed_attempts += 1
            if locked.failed_attempts >= MAX_CODE_ATTEMPTS:
                locked.revoked_at = timezone.now()
            locked.save(update_fields=["failed_attempts", "revoked_at"])
    return None


def owner_activate(*, invitation_id: int, password: str):
    """Create (or re-enable) the owner's login and accept the invitation, exactly once."""
    User = get_user_model()
    with transaction.atomic():
        invitation = (
            OwnerInvitation.objects.select_for_update()
            .select_related("person")
            .get(pk=invitation_id)
        )
        if not invitation.is_open:
            raise DomainError(_("This invitation has already been used or has expired."))
        person = Person.objects.select_for_update().get(pk=invitation.person_id)
        user = person.user
        if user is None:
            username = person.mobile
            if User.objects.filter(username=username).exists():
                username = f"owner-{person.pk}"
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        username=username,
                        password=password,
                        email=person.email,
                        display_name=person.name,
                        mobile=person.mobile,
                    )
            except IntegrityError as exc:
                raise DomainError(_("Could not create the account; please ask staff.")) from exc
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        else:
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record_event(person, actor=user, verb="activated")
        notify(
            recipients=[user],
            title=texts.gettext(
                "Welcome to the owner service of %(estate)s", estate=person.registered_estate
            ),
            body=texts.gettext(
                "Here you find your units, your household and messages from the "
                "service desk. Sign in with your mobile number %(mobile)s.",
                mobile=person.mobile,
            ),
            url=reverse("portal:home"),
            email=False,
        )
    return user


def owner_profile_update(*, user, email: str) -> Person:
    """The owner changes their own contact e-mail; recorded on their timeline."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(user=user)
        old = person.email
        if old == email:
            return person
        person.email = email
        person.full_clean()
        person.save(update_fields=["email", "updated_at"])
        get_user_model().objects.filter(pk=user.pk).update(email=email)
        record_event(person, actor=user, verb="updated", changes={"email": [old, email]})
    return person
