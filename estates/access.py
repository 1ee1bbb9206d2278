"""How staff pages enter and fetch: who may come in, one object in scope with the
permission checked in that object's estate, and the rows of a list. Every app's staff views
use these (no app imports another app's views)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .permissions import has_perm_somewhere, require
from .scoping import is_staff_member
from .selectors import current_estate


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


def get_scoped_or_404(queryset, user, perm: str, **lookup):
    """One object, checked in its own estate: outside the user's estates a 404 (whether or
    not it exists); in them, but where the user's role there lacks `perm`, a 403.

    "Its estate" is wherever the queryset's for_user() looks: a person registered in one
    estate and living in another may be viewed by whoever holds `perm` in either."""
    model = queryset.model
    try:
        return queryset.for_user(user, perm).get(**lookup)
    except model.DoesNotExist:
        pass
    if queryset.for_user(user).filter(**lookup).exists():
        raise PermissionDenied
    raise Http404


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
