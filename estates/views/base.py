"""Helpers every staff view uses: who may enter, and fetching one object in scope."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.errors import DomainError

from ..permissions import has_perm_somewhere, require
from ..scoping import is_staff_member
from ..selectors import current_estate


def staff_required(view):
    """Anonymous: to the login page. Signed in but not staff (an owner): 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_scoped_or_404(queryset, user, perm: str | None = None, **lookup):
    """One object from the user's scope. Outside it: 404, whether or not it exists."""
    try:
        return queryset.for_user(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def scoped_list(queryset, request, perm: str):
    """The user's rows for a list page, narrowed to the chosen estate if there is one.
    A role without `perm` (in the chosen estate, or in any estate) is a 403."""
    estate = current_estate(request)
    if estate is not None:
        require(request.user, perm, estate)
        return queryset.for_user(request.user, perm).in_estate(estate)
    if not has_perm_somewhere(request.user, perm):
        raise PermissionDenied
    return queryset.for_user(request.user, perm)


def form_errors_from(form, exc: Exception) -> None:
    """Put a service's validation error next to the fields it names."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


def run_service(request, form, call, success_message: str | None = None):
    """Call a service; on a domain or validation error, show it on the form and return None."""
    try:
        result = call()
    except (DomainError, ValidationError) as exc:
        form_errors_from(form, exc)
        return None
    if success_message:
        messages.success(request, success_message)
    return result
