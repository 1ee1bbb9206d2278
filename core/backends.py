from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrMobileBackend(ModelBackend):
    """Owners sign in with their mobile phone number; staff with a username. Either works."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and username.isdigit() and len(username) == 11:
            users = get_user_model()._default_manager.filter(mobile=username)
            if users.count() == 1:
                user = users.first()
                if user.check_password(password) and self.user_can_authenticate(user):
                    return user
        return super().authenticate(request, username=username, password=password, **kwargs)
