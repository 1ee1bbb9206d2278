"""Money movements on a unit's account: payments, credits (waivers, discounts, credit
notes), refunds, and settling bills oldest first. Every movement locks the unit's account
row first (select_for_update), so two at once on one unit run one after the other."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from core.money import money
from estates.permissions import require

from .. import permissions as P
from ..choices import OPEN_BILL_STATUSES, BillStatus, EntryKind
from ..models import Account, Allocation, Bill, LedgerEntry
from ..transitions import BILL, check

ZERO = Decimal("0.00")


def accounts_ensure(units) -> None:
    """An account for each of `units` (rows of (unit_id, estate_id)), in one INSERT."""
    Account.objects.bulk_create(
        [Account(unit_id=u, estate_id=e) for u, e in units], ignore_conflicts=True, batch_size=2000
    )


def account_lock(unit) -> Account:
    """The unit's account, locked until the end of the transaction."""
    accounts_ensure([(unit.pk, unit.estate_id)])
    return Account.objects.select_for_update().get(unit_id=unit.pk)


def _settle(bill: Bill, amount: Decimal) -> None:
    bill.paid += amount
    slug = "settle" if bill.paid == bill.total else "settle_part"
    bill.status = check(BILL, slug, None, bill).to_state
    bill.save(update_fields=["paid", "status", "updated_at"])


def allocate(account: Account) -> int:
    """Apply the account's unapplied credit (payments, credits) to its open bills, oldest
    first. The caller holds the account's lock. Returns the number of allocations."""
    credits = list(
        LedgerEntry.objects.filter(account=account, unapplied__gt=0).order_by("on_date", "id")
    )
    if not credits:
        return 0
    bills = list(
        Bill.objects.filter(unit_id=account.unit_id, status__in=OPEN_BILL_STATUSES)
        .select_for_update()
        .order_by("period", "id")
    )
    made = []
    for bill in bills:
        for entry in credits:
            take = min(entry.unapplied, bill.outstanding)
            if take <= 0:
                continue
            entry.unapplied -= take
            made.append(Allocation(entry=entry, bill=bill, amount=take))
            _settle(bill, take)
            if bill.outstanding == 0:
                break
    Allocation.objects.bulk_create(made)
    LedgerEntry.objects.bulk_update(credits, ["unapplied"])
    return len(made)


def _positive(amount) -> Decimal:
    amount = money(amount)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
    return amount


def credit_record(*, unit, amount, reason: str, actor, bill=None) -> LedgerEntry:
    """A waiver, discount or credit note (finance or manager, with a reason): a negative
    adjustment, applied to the open bills (to `bill` first, if given)."""
    require(actor, P.ADJUST, unit.estate)
    amount = _positive(amount)
    if not reason.strip():
        raise DomainError(_("Give the reason for the credit."))
    with transaction.atomic():
        account = account_lock(unit)
        entry = LedgerEntry.objects.create(
            account=account,
            estate_id=unit.estate_id,
            unit=unit,
            kind=EntryKind.ADJUSTMENT,
            amount=-amount,
            unapplied=amount,
            on_date=timezone.localdate(),
            note=reason,
            created_by=actor,
        )
        if bill is not None:
            _apply_to(entry, bill)
        allocate(account)
        record_event(
            entry, actor=actor, verb="billing_credit", changes={"amount": str(amount)}, note=reason
        )
    return entry


def _apply_to(entry: LedgerEntry, bill: Bill) -> None:
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    take = min(entry.unapplied, bill.outstanding)
    if take > 0:
        Allocation.objects.create(entry=entry, bill=bill, amount=take)
        entry.unapplied -= take
        entry.save(update_fields=["unapplied"])
        _settle(bill, take)


def bill_void(*, bill_id, reason: str, actor) -> Bill:
    """Void an issued bill: a credit note of what is still open on it. The bill itself is
    not edited; what was paid on it stays paid."""
    with transaction.atomic():
        bill = Bill.objects.select_related("unit", "estate").get(pk=bill_id)
        check(BILL, "void", actor, bill)
        account = account_lock(bill.unit)
        bill = Bill.objects.select_for_update().select_related("unit", "estate").get(pk=bill_id)
        check(BILL, "void", actor, bill)
        if not reason.strip():
            raise DomainError(_("Give the reason for the credit."))
        open_amount = bill.outstanding
        entry = LedgerEntry.objects.create(
            account=account,
            estate_id=bill.estate_id,
            unit=bill.unit,
            kind=EntryKind.ADJUSTMENT,
            amount=-open_amount,
            unapplied=0,
            on_date=timezone.localdate(),
            note=reason,
            created_by=actor,
        )
        if open_amount > 0:
            Allocation.objects.create(entry=entry, bill=bill, amount=open_amount)
        bill.paid = bill.total
        bill.status = BillStatus.VOID
        bill.save(update_fields=["paid", "status", "updated_at"])
        record_event(
            bill,
            actor=actor,
            verb="bill_voided",
            changes={"status": ["issued", "void"]},
            note=reason,
        )
    return bill


def refund_record(*, unit, amount, reason: str, actor) -> LedgerEntry:
    """Pay back part of a prepaid balance (never more than it)."""
    require(actor, P.ADJUST, unit.estate)
    amount = _positive(amount)
    with transaction.atomic():
        account = account_lock(unit)
        credits = list(
            LedgerEntry.objects.filter(account=account, unapplied__gt=0).order_by("-on_date", "-id")
        )
        if sum((c.unapplied for c in credits), ZERO) < amount:
            raise DomainError(_("A refund can't be more than the prepaid balance."))
        left = amount
        for entry in credits:
            take = min(left, entry.unapplied)
            entry.unapplied -= take
            left -= take
        LedgerEntry.objects.bulk_update(credits, ["unapplied"])
        entry = LedgerEntry.objects.create(
            account=account,
            estate_id=unit.estate_id,
            unit=unit,
            kind=EntryKind.REFUND,
            amount=amount,
            on_date=timezone.localdate(),
            note=reason,
            created_by=actor,
        )
        record_event(
            entry, actor=actor, verb="billing_refund", changes={"amount": str(amount)}, note=reason
        )
    return entry


def charge_note(bill) -> texts.Message:
    return texts.gettext("Bill for %(period)s", period=bill.period)
