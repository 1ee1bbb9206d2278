from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def _is_mobile(identifier: str) -> bool:
    return identifier.isdigit() and len(identifier) == 11


class UsernameOrMobileBackend(ModelBackend):
    """Owners sign in with their mobile phone number; staff with a username. Either works."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and _is_mobile(username):
            users = get_user_model()._default_manager.filter(mobile=username)
            if users.count() == 1:
                user = users.first()
                if user.check_password(password) and self.user_can_authenticate(user):
                    return user
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials=None) -> str | None:
    """The account a sign-in attempt is counted against (AXES_USERNAME_CALLABLE).

    One person may type a username or a mobile number: both must count towards, and be
    stopped by, the same lock, and a success through one must not clear failures made
    through the other. So the key is the account's username: an exact username first,
    else the one account with that mobile number; an identifier that matches no account
    is counted as typed."""
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        identifier = request.POST.get("username")
    identifier = (identifier or "").strip()
    if not identifier:
        return identifier
    manager = get_user_model()._default_manager
    if manager.filter(username=identifier).exists():
        return identifier
    if _is_mobile(identifier):
        usernames = list(manager.filter(mobile=identifier).values_list("username", flat=True)[:2])
        if len(usernames) == 1:
            return usernames[0]
    return identifier
