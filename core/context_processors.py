from django.conf import settings

from .notifications import unread_count


def anju(request):
    user = getattr(request, "user", None)
    return {
        "company_name": settings.ANJU_COMPANY_NAME,
        "unread_notifications": unread_count(user) if user is not None else 0,
    }
