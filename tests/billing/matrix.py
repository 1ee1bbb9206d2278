"""Billing's URLs in the role × URL matrix (tests/test_url_scoping.py)."""

import datetime

from billing import permissions as BP
from billing.models import BankLine, BankStatement, BillRun, OnlinePayment, TransparencySummary
from billing.models.bank import LineStatus
from billing.models.costs import SummaryStatus
from billing.services import payment_record
from estates import permissions as EP
from tests.url_rules import A, B, Owner, Public, Staff

from .factories import FeeStandardFactory, issued_bill, meter_objects

RULES = {
    "billing:home": Staff(BP.VIEW, "any"),
    "billing:run_start": Staff(BP.RUN, "current"),
    "billing:run_detail": Staff(BP.VIEW),
    "billing:run_progress": Staff(BP.VIEW),
    "billing:run_issue": Staff(BP.RUN),
    "billing:run_recompute": Staff(BP.RUN),
    "billing:run_export": Staff(EP.EXPORT),
    "billing:arrears": Staff(BP.VIEW, "current"),
    "billing:cash_report": Staff(BP.COLLECT, "current"),
    "billing:standard_list": Staff(BP.VIEW, "current"),
    "billing:standard_create": Staff(BP.CONFIGURE, "current"),
    "billing:fee_item_create": Staff(BP.CONFIGURE, "current"),
    "billing:standard_detail": Staff(BP.VIEW),
    "billing:standard_revise": Staff(BP.CONFIGURE),
    "billing:account_detail": Staff(BP.VIEW),
    "billing:payment_create": Staff(BP.COLLECT),
    "billing:credit_create": Staff(BP.ADJUST),
    "billing:statement_pdf": Staff(BP.VIEW),
    "billing:bill_detail": Staff(BP.VIEW),
    "billing:bill_void": Staff(BP.ADJUST),
    "billing:receipt_pdf": Staff(BP.VIEW),
    "billing:meter_list": Staff(BP.READ_METERS, "current"),
    "billing:meter_create": Staff(BP.CONFIGURE, "current"),
    "billing:meter_detail": Staff(BP.READ_METERS),
    "billing:meter_edit": Staff(BP.CONFIGURE),
    "billing:meter_read": Staff(BP.READ_METERS),
    "billing:meter_entry": Staff(BP.READ_METERS),
    "billing:meter_usage": Staff(BP.READ_METERS, "current"),
    "billing:meter_usage_compute": Staff(BP.RUN, "current"),
    "billing:reading_import": Staff(BP.READ_METERS, "current"),
    "billing:reading_import_template": Staff(BP.READ_METERS, "current"),
    "billing:reading_import_detail": Staff(BP.READ_METERS),
    "billing:reading_import_apply": Staff(BP.READ_METERS),
    "portal_billing:bills": Owner(),
    "portal_billing:bill_detail": Owner(),
    "portal_billing:pay_start": Owner(),
    "portal_billing:statement": Owner(),
    "portal_billing:statement_pdf": Owner(),
    "portal_billing:receipt_pdf": Owner(),
    "portal_billing:standards": Owner(),
    "portal_billing:standards_pdf": Owner(),
    "portal_billing:sandbox_checkout": Owner(),
    "portal_billing:sandbox_pay": Owner(),
    "portal_billing:pay_return": Owner(),
    "portal_billing:provider_notify": Public(),
    # Bank statements, exports, costs and transparency
    "billing:bank_statement_list": Staff(BP.COLLECT, "any"),
    "billing:bank_statement_upload": Staff(BP.COLLECT, "current"),
    "billing:bank_template": Staff(BP.COLLECT, "any"),
    "billing:bank_unmatched": Staff(BP.COLLECT, "current"),
    "billing:bank_statement_detail": Staff(BP.COLLECT),
    "billing:bank_statement_apply": Staff(BP.COLLECT),
    "billing:bank_line": Staff(BP.COLLECT),
    "billing:bank_line_dismiss": Staff(BP.COLLECT),
    "billing:export_home": Staff(EP.EXPORT, "current"),
    "billing:export_download": Staff(EP.EXPORT, "current"),
    "billing:cost_list": Staff(BP.COSTS, "current"),
    "billing:cost_create": Staff(BP.COSTS, "current"),
    "billing:cost_import": Staff(BP.COSTS, "current"),
    "billing:cost_template": Staff(BP.COSTS, "any"),
    "billing:income_cost": Staff(BP.COSTS, "current"),
    "billing:summary_list": Staff(BP.COSTS, "any"),
    "billing:summary_prepare": Staff(BP.COSTS, "current"),
    "billing:summary_detail": Staff(BP.COSTS),
    "billing:summary_refresh": Staff(BP.COSTS),
    "billing:summary_publish": Staff(BP.COSTS),
    "billing:summary_pdf": Staff(BP.COSTS),
    "portal_billing:summaries": Owner(),
    "portal_billing:summary_detail": Owner(),
    "portal_billing:summary_pdf": Owner(),
    # Chargeable repairs (tests/billing/test_repair_charges.py)
    "billing:repair_price_list": Staff(BP.VIEW, "current"),
    "billing:repair_price_create": Staff(BP.CONFIGURE, "current"),
    "billing:repair_price_revise": Staff(BP.CONFIGURE),
    "billing:quote_line_add": Staff(BP.QUOTE),
    "billing:quote_line_remove": Staff(BP.QUOTE),
    "billing:quote_send": Staff(BP.QUOTE),
    "billing:quote_withdraw": Staff(BP.QUOTE),
    "billing:quote_sign": Staff(BP.QUOTE),
    "billing:quote_signature": Staff(BP.QUOTE),
    "billing:repair_charge_record": Staff(BP.QUOTE),
    "portal_billing:quote_accept": Owner(),
    "portal_billing:quote_decline": Owner(),
    "portal_billing:charge_pay": Owner(),
}

REDIRECTORS = {"portal_billing:pay_return"}


def build(world):
    admin = world.actors["company admin"].user
    bills, payments, runs, standards, online = {}, {}, {}, {}, {}
    for side in (A, B):
        unit, estate = world.unit[side], world.estate[side]
        bills[side] = issued_bill(unit, "2026-10", "300.00")
        payments[side] = payment_record(
            unit=unit,
            amount="100.00",
            channel="cash",
            idempotency_key=f"matrix-{side}",
            actor=admin,
        )
        standards[side] = FeeStandardFactory(estate=estate)
        runs[side] = BillRun.objects.create(estate=estate, period="2026-11", status="previewed")
        owner = world.actors["owner" if side == A else "other_owner"].user
        online[side] = OnlinePayment.objects.create(
            estate=estate,
            unit=unit,
            bill=bills[side],
            amount="200.00",
            provider="sandbox",
            started_by=owner,
        )
    meters, reading_imports = {}, {}
    for side in (A, B):
        meters[side], reading_imports[side] = meter_objects(world.unit[side])
    statements, lines, summaries = {}, {}, {}
    for side in (A, B):
        estate = world.estate[side]
        statements[side] = BankStatement.objects.create(estate=estate, original_name="s.csv")
        lines[side] = BankLine.objects.create(
            statement=statements[side],
            estate=estate,
            line_number=2,
            booked_on=datetime.date(2026, 11, 3),
            amount="10.00",
            memo="?",
            txn_id=f"matrix-{side}",
            status=LineStatus.UNMATCHED,
        )
        summaries[side] = TransparencySummary.objects.create(
            estate=estate, year=2026, quarter=3, status=SummaryStatus.PUBLISHED
        )
    _build_repairs(world)
    world.extra.update(
        {
            "statement_pk": statements,
            "line_pk": lines,
            "summary_pk": summaries,
            "meter_pk": meters,
            "reading_import_pk": reading_imports,
            "bill_pk": bills,
            "payment_pk": payments,
            "run_pk": runs,
            "standard_pk": standards,
            "online_pk": online,
        }
    )


def _build_repairs(world):
    """Per side: a repair price, the ticket's accepted quote (a line, a signature) and its
    final charge, not yet posted."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from billing.models import (
        RepairCharge,
        RepairPriceItem,
        RepairQuote,
        RepairQuoteLine,
        RepairQuoteSignature,
    )

    prices, quotes, lines, charges = {}, {}, {}, {}
    for side in (A, B):
        estate, ticket = world.estate[side], world.ticket[side]
        prices[side] = RepairPriceItem.objects.create(
            estate=estate, code="L-1", kind="labour", job_type="plumbing", name="水管维修人工",
            unit="次", price="35.50", effective_from=dt.date(2026, 1, 1),
        )  # fmt: skip
        quotes[side] = RepairQuote.objects.create(
            estate=estate, ticket=ticket, unit=ticket.unit, status="accepted", total="35.50",
            accepted_via="signature", signer_name="王小明",
        )  # fmt: skip
        lines[side] = RepairQuoteLine.objects.create(
            quote=quotes[side], price_item=prices[side], description="水管维修人工", unit="次",
            quantity=1, unit_price="35.50", amount="35.50",
        )  # fmt: skip
        RepairQuoteSignature.objects.create(
            quote=quotes[side],
            content_type="image/png",
            file=ContentFile(b"\x89PNG\r\n\x1a\n", name="s.png"),
        )
        charges[side] = RepairCharge.objects.create(
            estate=estate, ticket=ticket, unit=ticket.unit, quote=quotes[side], quoted="35.50",
            amount="35.50",
        )  # fmt: skip
    world.extra.update(
        {"price_pk": prices, "quote_pk": quotes, "quote_line_pk": lines, "charge_pk": charges}
    )
