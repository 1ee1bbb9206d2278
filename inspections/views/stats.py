"""The on-screen statistics of inspections: completion, late and missed rates by estate,
route, person and month, over the rounds of the user's estates in a chosen period."""

import datetime as dt

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.access import scoped_list, staff_required

from .. import permissions as P
from ..models import Round
from ..recurrence import local_zone
from ..reports import _day_bounds
from ..reports import statistics as figures_of


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localtime(timezone.now(), local_zone()).date()
        default_since = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
        data = self.cleaned_data if self.is_valid() else {}
        since = data.get("since") or default_since
        until = data.get("until") or today
        if until < since:
            since, until = until, since
        return since, min(until, since + dt.timedelta(days=731))


@staff_required
def statistics(request):
    form = PeriodForm(request.GET or None)
    since, until = form.period()
    _first, _last, start, end = _day_bounds(since, until)
    rounds = scoped_list(Round.objects, request, P.VIEW).filter(
        window_start__gte=start, window_start__lt=end
    )
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    return render(
        request,
        "inspections/statistics.html",
        {"form": form, "since": since, "until": until, "figures": figures_of(rounds)},
    )
