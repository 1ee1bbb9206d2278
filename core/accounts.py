"""Sign-in, sign-out and password reset: Django's views with this site's guards.

- `next` is followed only when it is a path of this site (core.redirects).
- One client may fail to sign in only so often an hour, across all accounts (password
  spraying: a few guesses at each of many accounts stay under every account's lockout).
- A password reset mails an address at most a few times an hour, and one client may ask
  only so often; past that, the page answers exactly as before (no hint whether the address
  has an account, or that the limit was hit), and no mail goes out.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from .client_ip import client_ip
from .forms import AnjuLoginForm
from .ratelimit import count_of, too_many
from .redirects import is_site_path

log = logging.getLogger(__name__)


class SitePathRedirectMixin:
    def get_redirect_url(self):
        target = self.request.POST.get(
            self.redirect_field_name, self.request.GET.get(self.redirect_field_name)
        )
        return target if is_site_path(self.request, target) else ""


class LoginView(SitePathRedirectMixin, auth_views.LoginView):
    authentication_form = AnjuLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if count_of(_failures_key(request)) >= settings.ANJU_SIGN_IN_FAILURES_PER_CLIENT:
            # Not even tried: a right password must not tell a sprayer it was right.
            log.warning("sign-in refused: too many failures from client %s", client_ip(request))
            messages.error(
                request,
                _(
                    "Too many failed sign-ins from your network. Please wait an hour and try "
                    "again, or ask the property office to help."
                ),
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        too_many(
            _failures_key(self.request),
            limit=settings.ANJU_SIGN_IN_FAILURES_PER_CLIENT,
            window_seconds=settings.ANJU_SIGN_IN_FAILURES_WINDOW_SECONDS,
        )
        return super().form_invalid(form)


def _failures_key(request) -> str:
    return f"sign-in-failures:ip:{client_ip(request)}"


class LogoutView(SitePathRedirectMixin, auth_views.LogoutView):
    pass


def password_reset_allowed(request, email: str) -> bool:
    """Count this request against its address and its client; False once either is over."""
    per_address, per_client, window = (
        settings.ANJU_PASSWORD_RESET_PER_ADDRESS,
        settings.ANJU_PASSWORD_RESET_PER_CLIENT,
        settings.ANJU_PASSWORD_RESET_WINDOW_SECONDS,
    )
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    client_over = too_many(
        f"password-reset:ip:{client_ip(request)}", limit=per_client, window_seconds=window
    )
    address_over = too_many(
        f"password-reset:email:{address}", limit=per_address, window_seconds=window
    )
    return not (client_over or address_over)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        if password_reset_allowed(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        log.warning("password reset not sent: rate limit (client %s)", client_ip(self.request))
        return HttpResponseRedirect(self.get_success_url())
