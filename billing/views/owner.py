"""The owner's billing pages (portal): my bills, one bill, my statement and its PDF, the
published fee standards, receipts, and paying online through the provider (the sandbox).
Everything comes from for_owner(request.user): another owner's bill is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import DomainError
from estates.models import Estate, Unit
from estates.owners import owner_required, units_for_owner

from .. import services
from ..choices import OPEN_BILL_STATUSES, OnlineStatus
from ..models import Bill, OnlinePayment, Payment
from ..providers import provider
from ..selectors import balance, statement
from ..services.online import notification_handle
from .common import month_range
from .printing import receipt_response, standards_context, standards_response, statement_response


@owner_required
def bills(request):
    units = list(units_for_owner(request.user))
    my_bills = (
        Bill.objects.for_owner(request.user)
        .exclude(status="draft")
        .select_related("unit__building")
        .order_by("unit_id", "-period")
    )
    by_unit = {u.pk: {"unit": u, "bills": [], "balance": balance(u)} for u in units}
    for bill in my_bills[:500]:
        if bill.unit_id in by_unit:
            by_unit[bill.unit_id]["bills"].append(bill)
    return render(request, "billing/owner/bills.html", {"units": list(by_unit.values())})


def _my_bill(request, bill_pk):
    return get_object_or_404(
        Bill.objects.for_owner(request.user)
        .exclude(status="draft")
        .select_related("unit__building", "estate"),
        pk=bill_pk,
    )


@owner_required
def bill_detail(request, bill_pk):
    bill = _my_bill(request, bill_pk)
    return render(
        request,
        "billing/owner/bill_detail.html",
        {
            "bill": bill,
            "lines": bill.lines.select_related("fee_item"),
            "payable": bill.status in OPEN_BILL_STATUSES and bill.outstanding > 0,
            "payments": Payment.objects.filter(entry__allocations__bill=bill)
            .select_related("receipt")
            .distinct(),
        },
    )


def _my_unit(request, unit_pk):
    return get_object_or_404(
        Unit.objects.for_owner(request.user).select_related("estate", "building"), pk=unit_pk
    )


def _recent_months(count=12) -> list[str]:
    """The last `count` months, newest first: each has its own monthly statement PDF."""
    from ..compute import previous_period

    today = timezone.localdate()
    months = [f"{today.year:04d}-{today.month:02d}"]
    while len(months) < count:
        months.append(previous_period(months[-1]))
    return months


@owner_required
def account_statement(request, unit_pk):
    unit = _my_unit(request, unit_pk)
    start, end, from_period, to_period = month_range(request)
    return render(
        request,
        "billing/owner/statement.html",
        {
            "unit": unit,
            "statement": statement(unit, start, end),
            "from_period": from_period,
            "to_period": to_period,
            "months": _recent_months(),
        },
    )


@owner_required
def account_statement_pdf(request, unit_pk):
    unit = _my_unit(request, unit_pk)
    start, end, _f, _t = month_range(request)
    return statement_response(request, unit, start, end)


@owner_required
def receipt_pdf(request, payment_pk):
    payment = get_object_or_404(
        Payment.objects.for_owner(request.user).select_related(
            "estate", "unit__building", "receipt", "entry"
        ),
        pk=payment_pk,
    )
    return receipt_response(request, payment)


def _my_estate(request, estate_pk):
    return get_object_or_404(Estate.objects.for_owner(request.user), pk=estate_pk)


@owner_required
def standards(request):
    estates = Estate.objects.for_owner(request.user).order_by("name")
    return render(
        request,
        "billing/owner/standards.html",
        {"published": [standards_context(e) for e in estates]},
    )


@owner_required
def standards_pdf(request, estate_pk):
    return standards_response(request, _my_estate(request, estate_pk))


# --- Paying online -------------------------------------------------------------------------


@require_POST
@owner_required
def pay_start(request, bill_pk):
    bill = _my_bill(request, bill_pk)
    try:
        online = services.online_payment_start(bill_id=bill.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("portal_billing:bill_detail", bill_pk=bill.pk)
    return redirect(provider(online.provider).checkout_url(online))


def _my_online(request, online_pk):
    return get_object_or_404(
        OnlinePayment.objects.for_owner(request.user).select_related("bill", "unit__building"),
        pk=online_pk,
    )


@owner_required
def sandbox_checkout(request, online_pk):
    """The sandbox provider's payment page (a real provider's page would be on its site)."""
    online = _my_online(request, online_pk)
    if online.provider != "sandbox":
        raise PermissionDenied
    return render(request, "billing/owner/sandbox_checkout.html", {"online": online})


@require_POST
@owner_required
def sandbox_pay(request, online_pk):
    """ "Pay" on the sandbox page: the provider takes the money, sends its signed
    notification asynchronously (a task) and the owner back to us."""
    from django.db import transaction

    from ..tasks import sandbox_notify

    online = _my_online(request, online_pk)
    if online.status == OnlineStatus.PAID:
        return redirect("portal_billing:bill_detail", bill_pk=online.bill_id)
    pay = provider(online.provider)
    txn_id = pay.new_transaction_id()
    transaction.on_commit(lambda: sandbox_notify.delay(online.pk, txn_id))
    query = urlencode(pay.return_query(online, txn_id))
    return redirect(
        reverse("portal_billing:pay_return", kwargs={"online_pk": online.pk}) + "?" + query
    )


@owner_required
def pay_return(request, online_pk):
    """Back from the provider: verify what it says and record the payment (once, whether
    or not its notification came first)."""
    online = _my_online(request, online_pk)
    txn_id, signature = request.GET.get("txn", ""), request.GET.get("sig", "")
    body, _sig = provider(online.provider).notification(online, txn_id)
    if online.status != OnlineStatus.PAID and txn_id:
        try:
            notification_handle(provider_name=online.provider, body=body, signature=signature)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("portal_billing:bill_detail", bill_pk=online.bill_id)
        online.refresh_from_db()
    if online.status == OnlineStatus.PAID:
        messages.success(
            request,
            _("Thank you: your payment of ¥%(amount)s was received.") % {"amount": online.amount},
        )
    else:
        messages.info(
            request, _("The payment is not confirmed yet; this page shows it once it is.")
        )
    return redirect("portal_billing:bill_detail", bill_pk=online.bill_id)


@csrf_exempt
@require_POST
def provider_notify(request):
    """The sandbox provider's asynchronous notification (signed; may come more than once)."""
    provider_name = "sandbox"
    try:
        notification_handle(
            provider_name=provider_name,
            body=request.body,
            signature=request.headers.get("X-Sandbox-Signature", ""),
        )
    except (DomainError, ValueError, KeyError, OnlinePayment.DoesNotExist):
        return HttpResponseBadRequest("refused")
    return HttpResponse("ok", content_type="text/plain")
