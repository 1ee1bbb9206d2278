"""Bank transfers: a statement of an estate is checked (a bad file saves nothing), its
lines stored and matched to open bills — by a bill reference or a unit code in the memo,
and the amount — then the matched lines are recorded as payments. The payment's
idempotency key is the bank's transaction id, so a statement imported twice (or two
statements with the same transfer) records each transfer once. Lines that match nothing,
or more than one thing, wait for a person: matched by hand to a unit or a bill, or marked
as not ours."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.audit import record_event
from core.errors import DomainError
from estates.models import Unit
from estates.permissions import require

from .. import permissions as P
from ..choices import OPEN_BILL_STATUSES, Channel
from ..imports import Checked, check_bank_statement
from ..models import Bill, Payment
from ..models.bank import BankLine, BankStatement, LineStatus, MatchRule, StatementStatus
from .payments import payment_record

ZERO = Decimal("0.00")
BILL_REF = re.compile(r"(?<![0-9A-Za-z])([A-Za-z0-9]{1,20})-(\d{4})(\d{2})-(\d+)(?!\d)")
BUILDING_SUFFIX = re.compile(r"(栋|幢|号楼|楼|座|号)$")


def bill_reference(bill) -> str:
    """What an owner writes in the transfer's memo to pay one bill: ESTATE-YYYYMM-ID."""
    return bill.bank_reference


def _norm(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def _memo(value: str) -> str:
    """A memo as codes are looked for in it: spaces dropped ("3栋 1-0301" names 3栋1-0301)
    except between two digits, where they separate two numbers."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return re.sub(r"\s+", " ", re.sub(r"(?<=\D)\s+|\s+(?=\D)", "", text)).strip()


def unit_codes(unit) -> set[str]:
    """The ways a memo names a unit: 3栋-1-1201, 3栋1-1201, 3-1-1201 (normalised)."""
    building = _norm(unit.building.name)
    short = BUILDING_SUFFIX.sub("", building)
    label = _norm(unit.label)
    codes = {f"{building}-{label}", f"{building}{label}"}
    if short and short != building:
        codes.add(f"{short}-{label}")
    return {c for c in codes if any(ch.isdigit() for ch in c)}


class Matcher:
    """The estate's open bills and unit codes, read once for a whole statement."""

    def __init__(self, estate):
        self.estate = estate
        self.code = estate.code.upper()
        self.bills = {
            b.pk: b
            for b in Bill.objects.filter(estate=estate, status__in=OPEN_BILL_STATUSES)
            .select_related("unit", "estate")
            .order_by("period", "id")
        }
        self.owed: dict[int, list] = {}
        for bill in self.bills.values():
            self.owed.setdefault(bill.unit_id, []).append(bill)
        self.taken: dict[int, Decimal] = {}  # bill -> matched by earlier lines of the file
        self._pattern = None
        self._units = {}

    def left(self, bill) -> Decimal:
        """What the bill still asks once the file's earlier matched lines are paid."""
        return bill.outstanding - self.taken.get(bill.pk, ZERO)

    def _take(self, line: BankLine, bills) -> None:
        amount = line.amount
        for bill in bills:
            part = min(amount, self.left(bill))
            self.taken[bill.pk] = self.taken.get(bill.pk, ZERO) + part
            amount -= part

    def _unit_pattern(self):
        if self._pattern is None:
            for unit in Unit.objects.filter(estate=self.estate).select_related("building"):
                for code in unit_codes(unit):
                    self._units.setdefault(code, set()).add(unit)
            codes = sorted(self._units, key=len, reverse=True)
            alternation = "|".join(re.escape(c) for c in codes) or "(?!)"
            self._pattern = re.compile(rf"(?<![0-9A-Z])({alternation})(?![0-9])")
        return self._pattern

    def bills_in(self, memo: str) -> list:
        found = []
        for code, year, month, pk in BILL_REF.findall(_memo(memo)):
            bill = self.bills.get(int(pk))
            if bill and code == self.code and bill.period == f"{year}-{month}":
                found.append(bill)
        return list(dict.fromkeys(found))

    def units_in(self, memo: str) -> set:
        units = set()
        for code in self._unit_pattern().findall(_memo(memo)):
            units |= self._units[code]
        return units

    def unit_by_code(self, text: str):
        units = self.units_in(text)
        return units.pop() if len(units) == 1 else None

    def match(self, line: BankLine) -> None:
        """Set the line's status, rule, unit, bill and reason (nothing is saved here)."""
        line.status, line.rule, line.unit, line.bill = LineStatus.UNMATCHED, "", None, None
        line.reason = texts.gettext("No bill reference or unit code in the memo.")
        bills = self.bills_in(line.memo)
        if len(bills) == 1:
            bill = bills[0]
            line.unit, line.bill = bill.unit, bill
            if line.amount == self.left(bill) > 0:
                line.status, line.rule, line.reason = LineStatus.MATCHED, MatchRule.BILL, ""
                self._take(line, [bill])
            else:
                line.status = LineStatus.AMBIGUOUS
                line.reason = texts.gettext(
                    "The memo names bill %(bill)s, which asks ¥%(owed)s.",
                    bill=bill_reference(bill), owed=str(self.left(bill)),
                )  # fmt: skip
            return
        if len(bills) > 1:
            line.status = LineStatus.AMBIGUOUS
            line.reason = texts.gettext("The memo names several bills.")
            return
        units = self.units_in(line.memo)
        if len(units) > 1:
            line.status = LineStatus.AMBIGUOUS
            line.reason = texts.gettext("The memo names several units.")
            return
        if units:
            unit = units.pop()
            line.unit = unit
            open_bills = [b for b in self.owed.get(unit.pk, []) if self.left(b) > 0]
            owed = sum((self.left(b) for b in open_bills), ZERO)
            equal = [b for b in open_bills if self.left(b) == line.amount]
            if open_bills and line.amount == owed:
                line.status, line.rule, line.reason = LineStatus.MATCHED, MatchRule.UNIT, ""
                line.bill = open_bills[0] if len(open_bills) == 1 else None
                self._take(line, open_bills)
            elif len(equal) == 1:
                line.status, line.rule, line.reason = LineStatus.MATCHED, MatchRule.UNIT, ""
                line.bill = equal[0]
                self._take(line, equal)
            else:
                line.status = LineStatus.AMBIGUOUS
                line.reason = texts.gettext(
                    "The amount is not what unit %(unit)s owes (¥%(owed)s).",
                    unit=str(unit), owed=str(owed),
                )  # fmt: skip


@dataclass
class Upload:
    statement: BankStatement | None
    checked: Checked


def statement_upload(*, estate, upload, actor) -> Upload:
    """Check a statement file; if every row is good, store the statement and its lines
    with the matches proposed (nothing is paid yet). A file with a bad row saves nothing;
    a file that is not CSV/XLSX raises ValidationError."""
    require(actor, P.COLLECT, estate)
    checked = check_bank_statement(upload, estate=estate)
    if checked.errors:
        return Upload(statement=None, checked=checked)
    matcher = Matcher(estate)
    keys = [line.idempotency_key for line in checked.rows]
    earlier = {p.idempotency_key: p for p in Payment.objects.filter(idempotency_key__in=keys)}
    with transaction.atomic():
        statement = BankStatement.objects.create(
            estate=estate,
            original_name=(getattr(upload, "name", "") or "statement")[:200],
            line_count=len(checked.rows),
            total=sum((line.amount for line in checked.rows), ZERO),
            uploaded_by=actor,
        )
        for line in checked.rows:
            line.statement = statement
            payment = earlier.get(line.idempotency_key)
            if payment is not None:
                line.status, line.rule = LineStatus.RECORDED, MatchRule.EARLIER
                line.payment, line.unit_id = payment, payment.unit_id
            else:
                matcher.match(line)
        BankLine.objects.bulk_create(checked.rows)
        record_event(
            statement,
            actor=actor,
            verb="bank_statement_uploaded",
            changes={"line_count": statement.line_count, "total": str(statement.total)},
        )
    return Upload(statement=statement, checked=checked)


def _record(line: BankLine, unit, actor) -> Payment:
    return payment_record(
        unit=unit,
        amount=line.amount,
        channel=Channel.BANK_TRANSFER,
        idempotency_key=line.idempotency_key,
        actor=actor,
        reference=line.txn_id[:100],
        payer_name=line.payer_name[:50],
    )


def statement_apply(*, statement_id, actor) -> int:
    """Record the matched lines of a statement as payments (once: a second call, or a line
    whose transfer was recorded from another statement, records nothing more). Returns the
    number of lines recorded now."""
    with transaction.atomic():
        statement = (
            BankStatement.objects.select_for_update().select_related("estate").get(pk=statement_id)
        )
        require(actor, P.COLLECT, statement.estate)
        lines = list(
            statement.lines.select_for_update(of=("self",))
            .filter(status=LineStatus.MATCHED)
            .select_related("unit__estate")
            .order_by("line_number")
        )
        recorded = 0
        for line in lines:
            existed = Payment.objects.filter(idempotency_key=line.idempotency_key).exists()
            try:
                with transaction.atomic():
                    payment = _record(line, line.unit, actor)
            except DomainError as exc:  # the same transfer recorded for another unit
                line.status, line.reason = LineStatus.AMBIGUOUS, texts.as_message(str(exc))
                line.save(update_fields=["status", "reason"])
                continue
            recorded += not existed
            line.status, line.payment = LineStatus.RECORDED, payment
            line.save(update_fields=["status", "payment"])
        if statement.status != StatementStatus.APPLIED:
            statement.status, statement.applied_at = StatementStatus.APPLIED, timezone.now()
            statement.save(update_fields=["status", "applied_at", "updated_at"])
        record_event(
            statement,
            actor=actor,
            verb="bank_statement_applied",
            note=texts.gettext("%(count)s payments recorded.", count=recorded),
        )
    return recorded


def _line_for_update(line_id, actor) -> BankLine:
    line = (
        BankLine.objects.select_for_update(of=("self",))
        .select_related("estate", "statement")
        .get(pk=line_id)
    )
    require(actor, P.COLLECT, line.estate)
    if line.status not in (LineStatus.AMBIGUOUS, LineStatus.UNMATCHED, LineStatus.MATCHED):
        raise DomainError(_("This line has been dealt with already."))
    return line


def line_match(*, line_id, target: str, actor, note: str = "") -> BankLine:
    """A person matches a line to a unit (its code, e.g. 3栋-1-1201) or a bill (its
    reference): the line is recorded as that unit's payment at once."""
    with transaction.atomic():
        line = _line_for_update(line_id, actor)
        matcher = Matcher(line.estate)
        bills = matcher.bills_in(target)
        bill = bills[0] if len(bills) == 1 else None
        unit = bill.unit if bill else matcher.unit_by_code(target)
        if unit is None:
            raise DomainError(
                _("No open bill or unit of %(estate)s is called “%(target)s”.")
                % {"estate": line.estate.name, "target": target}
            )
        before = line.status
        payment = _record(line, Unit.objects.select_related("estate").get(pk=unit.pk), actor)
        line.status, line.rule, line.unit, line.bill = (
            LineStatus.RECORDED, MatchRule.MANUAL, unit, bill,
        )  # fmt: skip
        line.payment, line.handled_by, line.note, line.reason = payment, actor, note[:200], ""
        line.save()
        record_event(
            line,
            actor=actor,
            verb="bank_line_matched",
            changes={"status": [before, line.status], "unit": str(unit)},
            note=note,
        )
    return line


def line_dismiss(*, line_id, actor, note: str) -> BankLine:
    """Mark a line as not ours (a transfer for someone else, a refund from a supplier...)."""
    if not note.strip():
        raise DomainError(_("Say why this transfer is not ours."))
    with transaction.atomic():
        line = _line_for_update(line_id, actor)
        before = line.status
        line.status, line.handled_by, line.note = LineStatus.NOT_OURS, actor, note[:200]
        line.save(update_fields=["status", "handled_by", "note"])
        record_event(
            line,
            actor=actor,
            verb="bank_line_dismissed",
            changes={"status": [before, line.status]},
            note=note,
        )
    return line


def unmatched_total(estate) -> Decimal:
    rows = BankLine.objects.filter(
        estate=estate, status__in=(LineStatus.AMBIGUOUS, LineStatus.UNMATCHED)
    )
    return rows.aggregate(s=Sum("amount"))["s"] or ZERO
