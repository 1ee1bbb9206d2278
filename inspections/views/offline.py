"""The service worker of the inspection pages, served under /staff/inspections/ so that its
scope covers them (a script under /static/ could only control /static/)."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache

SW_FILE = "anju/inspections-sw.js"


@never_cache
def service_worker(request):
    path = finders.find(SW_FILE)
    if path is None:  # pragma: no cover - shipped with the app
        raise Http404
    with open(path, encoding="utf-8") as handle:
        body = handle.read().replace("__STATIC_URL__", settings.STATIC_URL)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response
