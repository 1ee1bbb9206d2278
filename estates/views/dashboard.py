from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.notifications import inbox_context
from core.redirects import safe_next

from ..access import staff_required
from ..selectors import (
    current_estate,
    estate_figures,
    estates_for,
    my_estates,
    set_current_estate,
)


@staff_required
def dashboard(request):
    estate = current_estate(request)
    estates = my_estates(request)
    if estate is None and estates:
        # "All my estates": one row of figures per estate.
        rows = [(e, estate_figures(e)) for e in estates[:20]]
        return render(request, "estates/dashboard.html", {"rows": rows, "estate": None})
    figures = estate_figures(estate) if estate else None
    return render(request, "estates/dashboard.html", {"estate": estate, "figures": figures})


@staff_required
@require_POST
def estate_switch(request):
    value = request.POST.get("estate") or ""
    estate = estates_for(request.user).filter(pk=value).first() if value.isdigit() else None
    set_current_estate(request, estate)
    if estate:
        messages.info(request, _("Now working in %(estate)s.") % {"estate": estate})
    else:
        messages.info(request, _("Showing all of your estates."))
    return redirect(safe_next(request, "staff:dashboard"))


@staff_required
def inbox(request):
    return render(
        request, "core/inbox.html", inbox_context(request, base_template="staff/base.html")
    )
