"""A unit's account at the counter: statement, bills, payments; recording a payment, a
credit (waiver, discount, credit note); one bill; voiding a bill with a credit note."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.feedback import run_service
from estates.access import get_scoped_or_404, staff_required
from estates.models import Unit
from estates.permissions import has_perm

from .. import permissions as P
from .. import services, transitions
from ..forms import CreditForm, PaymentForm, VoidForm
from ..meter_selectors import unit_meters
from ..models import Bill, Payment
from ..selectors import balance, prepaid, statement
from .common import events, month_range


def _unit(request, unit_pk, perm):
    return get_scoped_or_404(
        Unit.objects.select_related("estate", "building"), request.user, perm, pk=unit_pk
    )


def _account_context(request, unit):
    start, end, start_period, end_period = month_range(request)
    return {
        "unit": unit,
        "statement": statement(unit, start, end),
        "from_period": start_period,
        "to_period": end_period,
        "balance": balance(unit),
        "prepaid": prepaid(unit),
        "bills": Bill.objects.filter(unit=unit).order_by("-period")[:24],
        "payments": Payment.objects.filter(unit=unit).select_related("receipt")[:24],
        "may_collect": has_perm(request.user, P.COLLECT, unit.estate),
        "may_adjust": has_perm(request.user, P.ADJUST, unit.estate),
        "unit_meters": unit_meters(unit),
        "may_read_meters": has_perm(request.user, P.READ_METERS, unit.estate),
    }


@staff_required
def account_detail(request, unit_pk):
    unit = _unit(request, unit_pk, P.VIEW)
    context = _account_context(request, unit)
    context["payment_form"] = PaymentForm()
    context["credit_form"] = CreditForm()
    return render(request, "billing/staff/account_detail.html", context)


@staff_required
def payment_create(request, unit_pk):
    unit = _unit(request, unit_pk, P.COLLECT)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payment = run_service(
            request,
            form,
            lambda: services.payment_record(
                unit=unit,
                amount=data["amount"],
                channel=data["channel"],
                idempotency_key=data["idempotency_key"],
                actor=request.user,
                reference=data["reference"],
                payer_name=data["payer_name"],
            ),
        )
        if payment is not None:
            messages.success(
                request,
                _("Payment of ¥%(amount)s recorded, receipt %(number)s.")
                % {"amount": payment.amount, "number": payment.receipt.number},
            )
            return redirect("billing:account_detail", unit_pk=unit.pk)
    context = _account_context(request, unit)
    context.update({"payment_form": form, "credit_form": CreditForm()})
    return render(request, "billing/staff/account_detail.html", context)


@staff_required
def credit_create(request, unit_pk):
    unit = _unit(request, unit_pk, P.ADJUST)
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = run_service(
            request,
            form,
            lambda: services.credit_record(
                unit=unit, amount=data["amount"], reason=data["reason"], actor=request.user
            ),
            _("Credit recorded."),
        )
        if entry is not None:
            return redirect("billing:account_detail", unit_pk=unit.pk)
    context = _account_context(request, unit)
    context.update({"payment_form": PaymentForm(), "credit_form": form})
    return render(request, "billing/staff/account_detail.html", context)


def _bill(request, bill_pk, perm):
    return get_scoped_or_404(
        Bill.objects.select_related("estate", "unit__building", "run"),
        request.user,
        perm,
        pk=bill_pk,
    )


@staff_required
def bill_detail(request, bill_pk):
    bill = _bill(request, bill_pk, P.VIEW)
    return render(
        request,
        "billing/staff/bill_detail.html",
        {
            "bill": bill,
            "lines": bill.lines.select_related("fee_item", "standard"),
            "allocations": bill.allocations.select_related("entry__payment__receipt"),
            "actions": transitions.available(transitions.BILL, request.user, bill),
            "void_form": VoidForm(),
            "events": events(bill),
        },
    )


@require_POST
@staff_required
def bill_void(request, bill_pk):
    bill = _bill(request, bill_pk, P.ADJUST)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the credit."))
        return redirect(bill.get_absolute_url())
    try:
        services.bill_void(bill_id=bill.pk, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The bill was voided with a credit note."))
    return redirect(bill.get_absolute_url())


@staff_required
def receipt_pdf(request, payment_pk):
    from .printing import receipt_response

    payment = get_scoped_or_404(
        Payment.objects.select_related("estate", "unit__building", "receipt", "entry"),
        request.user,
        P.VIEW,
        pk=payment_pk,
    )
    return receipt_response(request, payment)


@staff_required
def statement_pdf(request, unit_pk):
    from .printing import statement_response

    unit = _unit(request, unit_pk, P.VIEW)
    start, end, _f, _t = month_range(request)
    return statement_response(request, unit, start, end)


@staff_required
def cash_report(request):
    """The daily cash report (收款日报) of the chosen estate: per cashier and channel."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateparse import parse_date

    from estates.permissions import require
    from estates.selectors import current_estate

    from ..choices import Channel
    from ..selectors import cash_report as report_for
    from .common import choose_estate

    estate = current_estate(request)
    if estate is None:
        return choose_estate(request, _("Daily cash report"))
    require(request.user, P.COLLECT, estate)
    day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    report = report_for(estate, day)
    labels = dict(Channel.choices)
    for row in report["rows"]:
        row["channel_label"] = labels.get(row["channel"], row["channel"])
    context = {
        "estate": estate,
        "report": report,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }
    return render(request, "billing/staff/cash_report.html", context)
