"""The owner self-service pages. Everything is reached from request.user's own Person."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.client_ip import client_ip
from core.errors import DomainError
from core.notifications import inbox_context
from core.ratelimit import too_many
from estates.owners import owner_required, units_for_owner
from estates.selectors import owners_of_unit

from .forms import ActivationCodeForm, ProfileForm, SetOwnerPasswordForm
from .services import (
    invitation_by_code,
    invitation_by_token,
    owner_activate,
    owner_profile_update,
)

SESSION_INVITATION = "portal_invitation_id"


@owner_required
def home(request):
    units = list(units_for_owner(request.user))
    return render(request, "portal/home.html", {"units": units, "person": request.person})


@owner_required
def unit_detail(request, unit_pk):
    unit = get_object_or_404(units_for_owner(request.user), pk=unit_pk)
    household = owners_of_unit(unit)
    return render(request, "portal/unit_detail.html", {"unit": unit, "household": household})


@owner_required
def profile(request):
    person = request.person
    form = ProfileForm(request.POST or None, initial={"email": person.email})
    if request.method == "POST" and form.is_valid():
        owner_profile_update(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Your profile was saved."))
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"person": person, "form": form})


@owner_required
def inbox(request):
    return render(
        request, "core/inbox.html", inbox_context(request, base_template="portal/base.html")
    )


def _start_activation(request, invitation):
    request.session[SESSION_INVITATION] = invitation.pk
    return redirect("portal:activate_password")


@never_cache
def activate_with_link(request, token):
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "portal/activate_invalid.html", status=404)
    return _start_activation(request, invitation)


@never_cache
def activate_with_code(request):
    form = ActivationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if too_many(f"activate:{ip}", limit=10, window_seconds=900):
            form.add_error(None, _("Too many attempts. Please wait 15 minutes and try again."))
        else:
            invitation = invitation_by_code(
                mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
            )
            if invitation is None:
                form.add_error(
                    "code", _("This code does not match an open invitation for this mobile number.")
                )
            else:
                return _start_activation(request, invitation)
    return render(request, "portal/activate_code.html", {"form": form})


@never_cache
def activate_set_password(request):
    from .models import OwnerInvitation

    invitation_id = request.session.get(SESSION_INVITATION)
    invitation = OwnerInvitation.objects.select_related("person").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return render(request, "portal/activate_invalid.html", status=404)
    form = SetOwnerPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = owner_activate(
                invitation_id=invitation.pk, password=form.cleaned_data["password1"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(SESSION_INVITATION, None)
            login(request, user, backend="core.backends.UsernameOrMobileBackend")
            messages.success(
                request,
                _(
                    "Welcome, %(name)s. Your account is ready; you can "
                    "sign in with your mobile number."
                )
                % {"name": user},
            )
            return redirect("portal:home")
    return render(
        request, "portal/activate_password.html", {"form": form, "person": invitation.person}
    )
