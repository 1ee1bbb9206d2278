"""The communication log of an owner: customer service writes down a call, a visit or a
message from the person's page (the panel in complaints/panels.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from estates.access import get_scoped_or_404, staff_required
from estates.models import Person

from .. import permissions as P
from .. import services
from ..forms import ContactForm
from ..panels import contact_estate


@staff_required
@require_POST
def contact_add(request, person_pk):
    person = get_scoped_or_404(Person.objects, request.user, P.CONTACTS, pk=person_pk)
    form = ContactForm(request.POST)
    back = redirect(person.get_absolute_url())
    if not form.is_valid():
        messages.error(request, _("Nothing was written down: say how and what was said."))
        return back
    try:
        services.contact_log_add(
            actor=request.user,
            estate=contact_estate(request.user, person),
            person=person,
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, str(exc))
        return back
    messages.success(request, _("Contact written down."))
    return back
