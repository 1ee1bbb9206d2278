"""Staff pages of chargeable repairs: the estate's repair price list (list, new line, a
change as a new version), the quote built on the ticket's page (billing's ticket panel
posts here), the owner's signature on the technician's phone, and the final amount."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.attachments import attachment_response
from core.errors import DomainError
from core.feedback import run_service
from estates.access import get_scoped_or_404, staff_required
from estates.permissions import has_perm, require
from estates.selectors import current_estate
from maintenance.models import Ticket

from .. import permissions as P
from .. import services
from ..choices import QuoteStatus
from ..forms.repairs import (
    ChargeForm,
    FreeLineForm,
    QuoteLineForm,
    QuoteSignForm,
    RepairPriceForm,
)
from ..models import RepairPriceItem, RepairQuote, RepairQuoteLine
from ..panels_repairs import charge_state
from ..repairs_read import (
    repair_price_versions,
    repair_prices_in_force,
    ticket_charge,
    upcoming_repair_prices,
)
from .common import choose_estate

# --- The price list ------------------------------------------------------------------------


@staff_required
def price_list(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Repair price list"))
    require(request.user, P.VIEW, estate)
    return render(
        request,
        "billing/staff/repairs/price_list.html",
        {
            "estate": estate,
            "prices": repair_prices_in_force(estate),
            "upcoming": upcoming_repair_prices(estate),
            "may_configure": has_perm(request.user, P.CONFIGURE, estate),
        },
    )


@staff_required
def price_create(request):
    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("New repair price"))
    require(request.user, P.CONFIGURE, estate)
    form = RepairPriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = run_service(
            request,
            form,
            lambda: services.repair_price_create(
                estate=estate,
                code=form.cleaned_data["code"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **form.values(),
            ),
            _("Repair price saved: it is published with the fee standards."),
        )
        if item is not None:
            return redirect("billing:repair_price_list")
    return render(
        request,
        "billing/staff/repairs/price_form.html",
        {"form": form, "estate": estate, "title": _("New repair price")},
    )


@staff_required
def price_revise(request, price_pk):
    item = get_scoped_or_404(
        RepairPriceItem.objects.select_related("estate"), request.user, P.CONFIGURE, pk=price_pk
    )
    versions = repair_price_versions(item)
    latest = versions[0]
    initial = {
        "kind": latest.kind,
        "job_type": latest.job_type,
        "name": latest.name,
        "unit": latest.unit,
        "price": latest.price,
    }
    form = RepairPriceForm(request.POST or None, revising=latest, initial=initial)
    if request.method == "POST" and form.is_valid():
        new = run_service(
            request,
            form,
            lambda: services.repair_price_revise(
                item=latest, actor=request.user, reason=form.cleaned_data["reason"], **form.values()
            ),
            _("New version saved: it takes effect on %(date)s.")
            % {"date": form.cleaned_data["effective_from"]},
        )
        if new is not None:
            return redirect("billing:repair_price_list")
    return render(
        request,
        "billing/staff/repairs/price_form.html",
        {
            "form": form,
            "estate": item.estate,
            "item": latest,
            "versions": versions,
            "title": _("Change the repair price"),
        },
    )


# --- The quote on the ticket's page -------------------------------------------------------


def _ticket(request, ticket_pk):
    return get_scoped_or_404(
        Ticket.objects.select_related("estate", "unit"), request.user, P.QUOTE, pk=ticket_pk
    )


def _quote(request, quote_pk):
    return get_scoped_or_404(
        RepairQuote.objects.select_related("estate", "ticket", "unit"),
        request.user,
        P.QUOTE,
        pk=quote_pk,
    )


def _back(ticket):
    return redirect(ticket.get_absolute_url() + "#repair-charge")


def _say_errors(request, exc_or_form):
    if isinstance(exc_or_form, (DomainError,)):
        messages.error(request, str(exc_or_form))
        return
    if isinstance(exc_or_form, ValidationError):
        for text in exc_or_form.messages:
            messages.error(request, text)
        return
    for field, errors in exc_or_form.errors.items():
        label = exc_or_form.fields[field].label if field in exc_or_form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@staff_required
@require_POST
def quote_line_add(request, ticket_pk):
    ticket = _ticket(request, ticket_pk)
    free = request.POST.get("free") == "1"
    if free:
        form = FreeLineForm(request.POST)
    else:
        form = QuoteLineForm(request.POST, prices=repair_prices_in_force(ticket.estate))
    if not form.is_valid():
        messages.error(request, _("Nothing was added to the quote:"))
        _say_errors(request, form)
        return _back(ticket)
    data = form.cleaned_data
    try:
        if free:
            services.quote_line_add(ticket_id=ticket.pk, actor=request.user, **data)
        else:
            services.quote_line_add(
                ticket_id=ticket.pk,
                actor=request.user,
                price_item_id=data["price_item"],
                quantity=data["quantity"],
            )
    except (DomainError, ValidationError) as exc:
        _say_errors(request, exc)
        return _back(ticket)
    messages.success(request, _("Line added to the quote."))
    return _back(ticket)


@staff_required
@require_POST
def quote_line_remove(request, quote_line_pk):
    line = get_object_or_404(
        RepairQuoteLine.objects.select_related("quote__estate", "quote__ticket"),
        pk=quote_line_pk,
        quote__in=RepairQuote.objects.for_user(request.user),
    )
    require(request.user, P.QUOTE, line.quote.estate)
    try:
        services.quote_line_remove(line_id=line.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Line removed from the quote."))
    return _back(line.quote.ticket)


def _quote_action(request, quote_pk, call, done):
    quote = _quote(request, quote_pk)
    try:
        call(quote)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _back(quote.ticket)


@staff_required
@require_POST
def quote_send(request, quote_pk):
    return _quote_action(
        request,
        quote_pk,
        lambda q: services.quote_send(quote_id=q.pk, actor=request.user),
        _("Quote sent to the owner: they accept it in the portal, or sign on your phone."),
    )


@staff_required
@require_POST
def quote_withdraw(request, quote_pk):
    return _quote_action(
        request,
        quote_pk,
        lambda q: services.quote_withdraw(quote_id=q.pk, actor=request.user),
        _("Quote withdrawn: the repair is not charged."),
    )


@staff_required
def quote_sign(request, quote_pk):
    """The technician's phone: the owner reads the quote and signs to accept it."""
    quote = _quote(request, quote_pk)
    form = QuoteSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.quote_accept_signed(
                quote_id=quote.pk,
                actor=request.user,
                signature=form.cleaned_data["signature"],
                signer_name=form.cleaned_data["signer_name"],
            ),
            _("Quote accepted with the owner's signature: the repair may start."),
        )
        if done is not None:
            return _back(quote.ticket)
    return render(
        request,
        "billing/staff/repairs/quote_sign.html",
        {
            "quote": quote,
            "ticket": quote.ticket,
            "lines": quote.lines.all(),
            "form": form,
            "may_sign": quote.status == QuoteStatus.SENT,
        },
    )


@staff_required
def quote_signature(request, quote_pk):
    quote = _quote(request, quote_pk)
    signature = getattr(quote, "signature", None)
    if signature is None:
        raise Http404
    return attachment_response(signature)


# --- The final amount -------------------------------------------------------------------


@staff_required
def charge_record(request, ticket_pk):
    ticket = _ticket(request, ticket_pk)
    if ticket.unit_id is None:
        raise PermissionDenied  # a common part is never charged to an owner
    quote = RepairQuote.objects.filter(ticket=ticket, status=QuoteStatus.ACCEPTED).first()
    charge = ticket_charge(ticket)
    initial = {"amount": quote.total} if quote else {}
    form = ChargeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        charge = run_service(
            request,
            form,
            lambda: services.repair_charge_record(
                ticket_id=ticket.pk, actor=request.user, **form.cleaned_data
            ),
            _("Final amount recorded: it is charged to the unit's account."),
        )
        if charge is not None:
            return _back(ticket)
    return render(
        request,
        "billing/staff/repairs/charge_form.html",
        {
            "ticket": ticket,
            "quote": quote,
            "lines": quote.lines.all() if quote else [],
            "charge": charge,
            "charge_state": charge_state(charge),
            "form": form,
        },
    )
