from .nav import owner_nav, staff_nav
from .scoping import is_staff_member
from .selectors import current_estate, my_estates


def staff_scope(request):
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        signed_in = user is not None and user.is_authenticated
        return {"is_staff_member": False, "owner_nav": owner_nav() if signed_in else []}
    return {
        "is_staff_member": True,
        "staff_nav": staff_nav(user),
        "my_estates": my_estates(request),
        "current_estate": current_estate(request),
    }
