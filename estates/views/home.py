from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from ..scoping import is_staff_member


def home(request):
    """Send each face to its start page: staff to the portal dashboard, owners to theirs."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login("/")
    if is_staff_member(user):
        return redirect("staff:dashboard")
    return redirect("portal:home")
