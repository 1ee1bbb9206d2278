"""Billing's panels on a repair ticket's pages (maintenance.panels): the quote builder,
the signature link and the final amount on the staff page; the quote to accept or decline
and the charge (paid / unpaid) on the owner's page. Repairs of common parts (no unit) are
never charged to an owner: no panel."""

from estates.permissions import has_perm
from maintenance.choices import Status

from . import permissions as P
from . import transitions as T
from .choices import BillStatus, QuoteStatus
from .forms.repairs import DeclineForm, FreeLineForm, QuoteLineForm
from .repairs_read import live_quote, repair_prices_in_force, ticket_charge, ticket_quotes
from .services.repairs import CHARGEABLE, QUOTABLE, start_guard


def charge_state(charge) -> str:
    """ "pending" (waits for the next bill run), "unpaid", "paid", or "void" (its bill was
    voided with a credit note); "" without a charge."""
    if charge is None:
        return ""
    if charge.bill_id is None:
        return "pending"
    if charge.bill.status == BillStatus.VOID:
        return "void"
    return "paid" if charge.is_paid else "unpaid"


def staff_ticket_panel(request, ticket):
    user = request.user
    if ticket.unit_id is None:
        return None
    may_quote = has_perm(user, P.QUOTE, ticket.estate)
    if not (may_quote or has_perm(user, P.VIEW, ticket.estate)):
        return None
    quotes = ticket_quotes(ticket)
    live = live_quote(quotes)
    charge = ticket_charge(ticket)
    building = (
        may_quote
        and ticket.status in QUOTABLE
        and (live is None or live.status in (QuoteStatus.DRAFT, QuoteStatus.DECLINED))
    )
    prices = repair_prices_in_force(ticket.estate) if building else []
    return {
        "template": "billing/partials/repair_ticket_panel.html",
        "live": live,
        "older": [q for q in quotes if q is not live],
        "charge": charge,
        "charge_state": charge_state(charge),
        "may_quote": may_quote,
        # Why "Start the repair" waits, before anyone presses it.
        "start_blocked": (
            start_guard(ticket, "start", user) if ticket.status == Status.ON_SITE else None
        ),
        "building": building,
        "line_form": QuoteLineForm(prices=prices) if prices else None,
        "free_form": FreeLineForm() if building else None,
        "may_send": live is not None and may_quote and T.QUOTE["send"].allows(user, live),
        "may_withdraw": live is not None and may_quote and T.QUOTE["withdraw"].allows(user, live),
        "may_sign": live is not None and may_quote and live.status == QuoteStatus.SENT,
        "may_charge": (
            may_quote
            and charge is None
            and ticket.status in CHARGEABLE
            and live is not None
            and live.status == QuoteStatus.ACCEPTED
        ),
    }


def owner_ticket_panel(request, ticket):
    if ticket.unit_id is None:
        return None
    live = live_quote(ticket_quotes(ticket))
    charge = ticket_charge(ticket)
    if live is None and charge is None:
        return None
    if live is not None and live.status == QuoteStatus.DRAFT:
        live = None  # not sent yet: nothing for the owner
    return {
        "template": "billing/partials/repair_owner_panel.html",
        "quote": live,
        "charge": charge,
        "charge_state": charge_state(charge),
        "may_decide": live is not None and live.status == QuoteStatus.SENT,
        "decline_form": DeclineForm(),
    }
