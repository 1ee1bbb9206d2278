"""Chargeable repairs: the repair price list (a change is a new version), a ticket's quote
from it (draft → sent → accepted / declined, or withdrawn: billing.transitions.QUOTE), the
owner's acceptance (portal, or a signature on the technician's phone), and the final
charge, posted once to the unit's account as a bill of its own: with the next bill run,
or at once when the owner pays it in the portal."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.attachments import store_upload
from core.audit import record_event
from core.errors import DomainError
from core.money import money, money_sum
from core.notifications import notify
from estates.choices import OccupancyRole
from estates.models import Occupancy, Unit
from estates.permissions import require
from maintenance.choices import OPEN_STATUSES, Status
from maintenance.models import Ticket

from .. import permissions as P
from ..choices import BillStatus, ChargeSettlement, EntryKind, QuoteStatus
from ..models import (
    Bill,
    LedgerEntry,
    RepairCharge,
    RepairPriceItem,
    RepairQuote,
    RepairQuoteLine,
    RepairQuoteSignature,
)
from ..repairs_read import repair_prices_in_force
from ..transitions import QUOTE, check
from .ledger import account_lock, allocate

DUE_DAYS = 15
# Chargeable work is quoted before it is done; a ticket still open may get a quote.
QUOTABLE = tuple(OPEN_STATUSES)
# The final amount is recorded once the work is done.
CHARGEABLE = (Status.COMPLETED, Status.VERIFIED, Status.FOLLOWED_UP, Status.CLOSED)


# --- The price list ------------------------------------------------------------------------


def repair_price_create(
    *,
    estate,
    code: str,
    kind: str,
    name: str,
    unit: str,
    price,
    effective_from: dt.date,
    actor,
    job_type: str = "",
    reason: str = "",
    previous: RepairPriceItem | None = None,
) -> RepairPriceItem:
    """A line's first version, or (with `previous`) its next one."""
    require(actor, P.CONFIGURE, estate)
    price = money(price)
    if price < 0:
        raise ValidationError({"price": _("A price can't be negative.")})
    with transaction.atomic():
        versions = RepairPriceItem.objects.select_for_update().filter(estate=estate, code=code)
        latest = versions.order_by("-version").first()
        if previous is None and latest is not None:
            raise ValidationError(
                {"code": _("This code is on the price list already: change it with a new version.")}
            )
        if previous is not None and (latest is None or latest.pk != previous.pk):
            raise DomainError(
                _("Someone changed this price meanwhile: start from its latest version.")
            )
        if previous is not None and effective_from <= previous.effective_from:
            raise ValidationError(
                {"effective_from": _("A new version takes effect after the one it replaces.")}
            )
        try:
            with transaction.atomic():
                item = RepairPriceItem.objects.create(
                    estate=estate,
                    code=code,
                    kind=kind,
                    job_type=job_type,
                    name=name,
                    unit=unit,
                    price=price,
                    effective_from=effective_from,
                    version=(latest.version + 1) if latest else 1,
                    previous=previous,
                    reason=reason,
                    created_by=actor,
                )
        except IntegrityError:
            raise DomainError(
                _("A version of this price already takes effect on that day.")
            ) from None
        record_event(
            item,
            actor=actor,
            verb="repair_price_revised" if previous else "repair_price_created",
            changes={"price": str(price), "effective_from": str(effective_from)},
            note=reason,
        )
    return item


def repair_price_revise(*, item: RepairPriceItem, actor, reason: str, **values) -> RepairPriceItem:
    """The next version of a line of the price list, with a reason (the code stays)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    return repair_price_create(
        estate=item.estate, code=item.code, actor=actor, reason=reason, previous=item, **values
    )


# --- The quote -----------------------------------------------------------------------------


def _ticket_locked(ticket_id, actor) -> Ticket:
    ticket = (
        Ticket.objects.for_user(actor)
        .select_for_update()
        .select_related("estate")
        .get(pk=ticket_id)
    )
    require(actor, P.QUOTE, ticket.estate)
    return ticket


def _draft_for(ticket, actor) -> RepairQuote:
    """The ticket's quote in the making, started if there is none (the ticket is locked)."""
    if ticket.unit_id is None:
        raise DomainError(_("Only a repair in a unit is charged to its owner."))
    if ticket.status not in QUOTABLE:
        raise DomainError(_("A quote is made before the work is done."))
    live = RepairQuote.objects.filter(
        ticket=ticket, status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.ACCEPTED]
    ).first()
    if live is not None and live.status != QuoteStatus.DRAFT:
        raise DomainError(
            _("The quote was sent to the owner already: withdraw it to make a new one.")
        )
    if live is not None:
        return RepairQuote.objects.select_for_update().get(pk=live.pk)
    quote = RepairQuote.objects.create(
        estate_id=ticket.estate_id, ticket=ticket, unit_id=ticket.unit_id, created_by=actor
    )
    record_event(quote, actor=actor, verb="repair_quote_started")
    return quote


def _total(quote) -> None:
    quote.total = money_sum(quote.lines.values_list("amount", flat=True))
    quote.save(update_fields=["total", "updated_at"])


def line_amount(quantity, unit_price) -> Decimal:
    """quantity × the unit price as stored (whole cents), rounded once (core.money)."""
    return money(Decimal(quantity) * money(unit_price))


def quote_line_add(
    *,
    ticket_id,
    actor,
    quantity,
    price_item_id=None,
    description: str = "",
    unit: str = "",
    unit_price=None,
    reason: str = "",
) -> RepairQuoteLine:
    """A line of the ticket's draft quote: a line of the price list in force × quantity,
    or (no price_item_id) a free line with its own price and the reason for it."""
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    with transaction.atomic():
        ticket = _ticket_locked(ticket_id, actor)
        quote = _draft_for(ticket, actor)
        if price_item_id:
            item = next(
                (i for i in repair_prices_in_force(ticket.estate) if i.pk == int(price_item_id)),
                None,
            )
            if item is None:
                raise ValidationError(
                    {"price_item": _("Choose a line of this estate's price list in force.")}
                )
            fields = {"price_item": item, "description": item.name, "unit": item.unit}
            unit_price, reason = item.price, ""
        else:
            if not description.strip():
                raise ValidationError({"description": _("Describe the line.")})
            if unit_price is None or money(unit_price) < 0:
                raise ValidationError({"unit_price": _("Give the line's price.")})
            if not reason.strip():
                raise ValidationError(
                    {"reason": _("Say why this line is not from the price list.")}
                )
            fields = {"description": description.strip(), "unit": unit.strip()}
        line = RepairQuoteLine.objects.create(
            quote=quote,
            quantity=quantity,
            unit_price=money(unit_price),
            amount=line_amount(quantity, unit_price),
            reason=reason.strip(),
            **fields,
        )
        _total(quote)
    return line


def quote_line_remove(*, line_id, actor) -> RepairQuote:
    with transaction.atomic():
        line = RepairQuoteLine.objects.select_related("quote").get(
            pk=line_id, quote__in=RepairQuote.objects.for_user(actor)
        )
        ticket = _ticket_locked(line.quote.ticket_id, actor)
        quote = RepairQuote.objects.select_for_update().get(pk=line.quote_id, ticket=ticket)
        if quote.status != QuoteStatus.DRAFT:
            raise DomainError(_("Only a draft quote can be changed."))
        line.delete()
        _total(quote)
    return quote


def _owner_users(ticket) -> list:
    users = [ticket.reporter.user] if ticket.reporter_id and ticket.reporter.user_id else []
    owners = (
        Occupancy.objects.current()
        .filter(unit_id=ticket.unit_id, role=OccupancyRole.OWNER, person__user__isnull=False)
        .select_related("person__user")
    )
    users += [o.person.user for o in owners]
    return list({u.pk: u for u in users}.values())


def _quote_locked(quote_id, actor, *, owner=False) -> RepairQuote:
    base = RepairQuote.objects.for_owner(actor) if owner else RepairQuote.objects.for_user(actor)
    return base.select_for_update().select_related("estate", "ticket").get(pk=quote_id)


def quote_send(*, quote_id, actor) -> RepairQuote:
    """The draft goes to the owner (their inbox), to accept or decline before the work."""
    with transaction.atomic():
        quote = _quote_locked(quote_id, actor)
        transition = check(QUOTE, "send", actor, quote)
        if not quote.lines.exists():
            raise DomainError(_("Add at least one line to the quote first."))
        quote.status, quote.sent_at = transition.to_state, timezone.now()
        quote.save(update_fields=["status", "sent_at", "updated_at"])
        record_event(
            quote, actor=actor, verb="repair_quote_sent", changes={"total": str(quote.total)}
        )
        ticket = quote.ticket
        _on_ticket(quote, actor, "repair_quote_sent")
        notify(
            recipients=_owner_users(ticket),
            title=texts.gettext(
                "Quote for repair %(number)s: ¥%(total)s, please accept or decline",
                number=ticket.number,
                total=str(quote.total),
            ),
            url=reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk}),
        )
    return quote


def _on_ticket(quote, actor, verb, note="") -> None:
    """The quote's steps on the ticket's own timeline too (the staff ticket page)."""
    record_event(
        quote.ticket, actor=actor, verb=verb, changes={"quote": str(quote.total)}, note=note
    )


def _decide(quote, actor, slug, **fields) -> RepairQuote:
    transition = check(QUOTE, slug, actor, quote)
    old = quote.status
    quote.status, quote.decided_at, quote.decided_by = transition.to_state, timezone.now(), actor
    for name, value in fields.items():
        setattr(quote, name, value)
    quote.save(update_fields=["status", "decided_at", "decided_by", *fields.keys(), "updated_at"])
    record_event(
        quote,
        actor=actor,
        verb=f"repair_quote_{transition.to_state}",
        changes={"status": [str(old), str(quote.status)], "total": str(quote.total)},
        note=fields.get("decline_reason", "") or fields.get("signer_name", ""),
    )
    _on_ticket(quote, actor, f"repair_quote_{transition.to_state}", fields.get("signer_name", ""))
    return quote


def quote_accept(*, quote_id, actor) -> RepairQuote:
    """The owner accepts a quote of theirs in the portal (another owner's: DoesNotExist)."""
    from ..choices import AcceptedVia

    with transaction.atomic():
        quote = _quote_locked(quote_id, actor, owner=True)
        return _decide(quote, actor, "accept", accepted_via=AcceptedVia.PORTAL)


def quote_decline(*, quote_id, actor, reason: str = "") -> RepairQuote:
    with transaction.atomic():
        quote = _quote_locked(quote_id, actor, owner=True)
        return _decide(quote, actor, "decline", decline_reason=reason.strip()[:200])


def quote_accept_signed(*, quote_id, actor, signature, signer_name: str) -> RepairQuote:
    """The owner signs the quote on the technician's phone: the PNG is stored through
    core.attachments (checked, re-encoded), the technician recorded as who took it."""
    from ..choices import AcceptedVia

    if signature is None:
        raise ValidationError({"signature": _("Ask the owner to sign in the box.")})
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Write the name of who signs.")})
    with transaction.atomic():
        quote = _quote_locked(quote_id, actor)
        require(actor, P.QUOTE, quote.estate)
        _decide(
            quote,
            actor,
            "accept",
            accepted_via=AcceptedVia.SIGNATURE,
            signer_name=signer_name.strip()[:50],
        )
        store_upload(RepairQuoteSignature, signature, quote=quote, uploaded_by=actor)
    return quote


def quote_withdraw(*, quote_id, actor) -> RepairQuote:
    """The repair is not charged after all (or a declined quote is set aside)."""
    with transaction.atomic():
        quote = _quote_locked(quote_id, actor)
        transition = check(QUOTE, "withdraw", actor, quote)
        old = quote.status
        quote.status = transition.to_state
        quote.save(update_fields=["status", "updated_at"])
        record_event(
            quote,
            actor=actor,
            verb="repair_quote_withdrawn",
            changes={"status": [old, "withdrawn"]},
        )
        _on_ticket(quote, actor, "repair_quote_withdrawn")
    return quote


# --- The guard: chargeable work waits for the owner's yes -------------------------------


def start_guard(ticket, slug, actor):
    """maintenance.guards: "start the repair" on a ticket with a quote not accepted."""
    if slug != "start":
        return None
    quote = (
        RepairQuote.objects.filter(ticket_id=ticket.pk)
        .exclude(status=QuoteStatus.WITHDRAWN)
        .order_by("-id")
        .first()
    )
    if quote is None or quote.status == QuoteStatus.ACCEPTED:
        return None
    if quote.status == QuoteStatus.DRAFT:
        return _(
            "This repair is chargeable: send the quote to the owner and start once they accept it."
        )
    if quote.status == QuoteStatus.SENT:
        return _(
            "This repair is chargeable: the owner has not accepted the quote yet (in the "
            "portal, or by signing on your phone)."
        )
    return _("The owner declined the quote: make a new one, or withdraw it if the repair is free.")


# --- The final amount and its charge ----------------------------------------------------


def repair_charge_record(
    *, ticket_id, actor, amount, explanation: str = "", settlement=ChargeSettlement.NEXT_BILL
) -> RepairCharge:
    """The final amount of a completed chargeable repair, with the reason when it differs
    from the accepted quote. Payable at once: posted now; else with the next bill run."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if settlement not in ChargeSettlement.values:
        raise ValidationError({"settlement": _("Choose how the owner pays.")})
    with transaction.atomic():
        ticket = _ticket_locked(ticket_id, actor)
        if ticket.status not in CHARGEABLE:
            raise DomainError(_("The final amount is recorded once the repair is completed."))
        quote = RepairQuote.objects.filter(ticket=ticket, status=QuoteStatus.ACCEPTED).first()
        if quote is None:
            raise DomainError(_("This repair has no accepted quote: there is nothing to charge."))
        if RepairCharge.objects.filter(ticket=ticket).exists():
            raise DomainError(_("The final amount of this repair is recorded already."))
        if amount != quote.total and not explanation.strip():
            raise ValidationError(
                {
                    "explanation": _(
                        "The amount differs from the quote (¥%(quoted)s): explain the difference."
                    )
                    % {"quoted": quote.total}
                }
            )
        charge = RepairCharge.objects.create(
            estate_id=ticket.estate_id,
            ticket=ticket,
            unit_id=ticket.unit_id,
            quote=quote,
            quoted=quote.total,
            amount=amount,
            explanation=explanation.strip() if amount != quote.total else "",
            settlement=settlement,
            recorded_by=actor,
        )
        record_event(
            charge,
            actor=actor,
            verb="repair_charge_recorded",
            changes={"amount": str(amount), "quoted": str(quote.total)},
            note=charge.explanation,
        )
        record_event(
            ticket,
            actor=actor,
            verb="repair_charge_recorded",
            changes={"amount": str(amount)},
            note=charge.explanation,
        )
        if settlement == ChargeSettlement.NOW:
            charge = repair_charge_post(charge_id=charge.pk)
        notify(
            recipients=_owner_users(ticket),
            title=texts.gettext(
                "Repair %(number)s: ¥%(amount)s to pay",
                number=ticket.number,
                amount=str(amount),
            ),
            url=reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk}),
        )
    return charge


def _period(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def repair_charge_post(*, charge_id, period: str | None = None, due_date=None) -> RepairCharge:
    """Post the charge to the unit's account once: a bill of its own (issued), its charge
    entry in the ledger, prepaid balances applied to it. Called again: nothing new."""
    with transaction.atomic():
        charge = (
            RepairCharge.objects.select_for_update()
            .select_related("unit__estate", "ticket")
            .get(pk=charge_id)
        )
        if charge.bill_id is not None:
            return charge
        account = account_lock(charge.unit)
        now, today = timezone.now(), timezone.localdate()
        bill = Bill.objects.create(
            estate_id=charge.estate_id,
            unit_id=charge.unit_id,
            period=period or _period(today),
            status=BillStatus.ISSUED,
            total=charge.amount,
            issued_at=now,
            due_date=due_date or today + dt.timedelta(days=DUE_DAYS),
        )
        LedgerEntry.objects.create(
            account=account,
            estate_id=charge.estate_id,
            unit_id=charge.unit_id,
            kind=EntryKind.CHARGE,
            amount=charge.amount,
            bill=bill,
            on_date=today,
            note=texts.gettext("Repair %(number)s", number=charge.ticket.number),
        )
        charge.bill, charge.posted_at = bill, now
        charge.save(update_fields=["bill", "posted_at", "updated_at"])
        allocate(account)  # a prepaid balance pays it
        record_event(charge, actor=None, verb="repair_charge_posted", changes={"bill": bill.pk})
    return charge


def repair_charges_post_for_run(run) -> int:
    """The estate's repair charges waiting for the next bill, posted with `run` (its
    period; due with its bills). Returns how many were posted."""
    pending = RepairCharge.objects.filter(
        estate_id=run.estate_id, bill__isnull=True, settlement=ChargeSettlement.NEXT_BILL
    ).values_list("pk", flat=True)
    due = timezone.localdate() + dt.timedelta(days=DUE_DAYS)
    count = 0
    for charge_id in list(pending):
        repair_charge_post(charge_id=charge_id, period=run.period, due_date=due)
        count += 1
    return count


def repair_charge_pay_now(*, charge_id, actor):
    """The owner pays a charge of theirs at once in the portal: posted now (if it waited
    for the next bill), then an online payment of its bill through the provider."""
    from .online import online_payment_start

    charge = RepairCharge.objects.for_owner(actor).get(pk=charge_id)
    if not Unit.objects.for_owner(actor).filter(pk=charge.unit_id).exists():
        # Whoever reported it sees the charge; the unit's bills are its occupants' to pay.
        raise DomainError(_("The unit's owner pays its repairs online."))
    charge = repair_charge_post(charge_id=charge.pk)
    return online_payment_start(bill_id=charge.bill_id, actor=actor)
