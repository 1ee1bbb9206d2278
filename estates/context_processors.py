from .scoping import is_staff_member
from .selectors import current_estate, my_estates


def staff_scope(request):
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {"is_staff_member": False}
    return {
        "is_staff_member": True,
        "my_estates": my_estates(request),
        "current_estate": current_estate(request),
    }
