"""The owner's side of a chargeable repair (on their ticket's page, billing's owner panel
posts here): accept or decline the quote, pay the final amount at once. Everything comes
from for_owner(request.user): another owner's quote or charge is a 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from estates.owners import owner_required

from .. import services
from ..forms.repairs import DeclineForm
from ..models import RepairCharge, RepairQuote
from ..providers import provider


def _to_ticket(ticket_id):
    return redirect(reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket_id}))


def _my_quote(request, quote_pk):
    return get_object_or_404(RepairQuote.objects.for_owner(request.user), pk=quote_pk)


@require_POST
@owner_required
def quote_accept(request, quote_pk):
    quote = _my_quote(request, quote_pk)
    try:
        services.quote_accept(quote_id=quote.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Thank you: you accepted the quote of ¥%(total)s; the repair can go ahead.")
            % {"total": quote.total},
        )
    return _to_ticket(quote.ticket_id)


@require_POST
@owner_required
def quote_decline(request, quote_pk):
    quote = _my_quote(request, quote_pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.quote_decline(quote_id=quote.pk, actor=request.user, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(
            request, _("You declined the quote; the service desk will contact you about it.")
        )
    return _to_ticket(quote.ticket_id)


@require_POST
@owner_required
def charge_pay(request, charge_pk):
    """Pay the repair at once: its bill (posted now if it waited for the next bill), paid
    online like any bill."""
    charge = get_object_or_404(RepairCharge.objects.for_owner(request.user), pk=charge_pk)
    try:
        online = services.repair_charge_pay_now(charge_id=charge.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return _to_ticket(charge.ticket_id)
    return redirect(provider(online.provider).checkout_url(online))
