from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .health import broker_ping
from .models import Notification
from .redirects import is_site_path, safe_next


@never_cache
def healthz(request):
    """200 when the database and the Celery broker answer, 503 otherwise. The broker is
    asked through one connection per process, kept between requests (core.health)."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        status["database"] = f"error: {exc.__class__.__name__}"
    try:
        broker_ping()
    except Exception as exc:  # noqa: BLE001
        status["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503
    )


@require_POST
def language_switch(request):
    """Django's set_language, plus remembering the choice on the user's profile."""
    response = set_language(request)
    if response.status_code == 302 and not is_site_path(request, response.url):
        response["Location"] = "/"  # set_language accepts a relative "next" like "env"
    lang = request.POST.get("language")
    user = request.user
    if user.is_authenticated and lang in dict(settings.LANGUAGES):
        user.language = lang
        user.save(update_fields=["language"])
    return response


@login_required
@require_POST
def notification_open(request, notification_pk: int):
    note = get_object_or_404(Notification, pk=notification_pk, recipient=request.user)
    Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    if is_site_path(request, note.url):
        return redirect(note.url)
    return redirect(safe_next(request))


@login_required
@require_POST
def notifications_read_all(request):
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect(safe_next(request))
