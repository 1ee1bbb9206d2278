"""Chargeable repairs: the versioned price list, a quote from it (arithmetic, free lines
with a reason), the guard on "start the repair", the owner's acceptance in the portal or
by signature, the final amount with its explanation, the charge posted once, paid online."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import services
from billing.choices import BillStatus, ChargeSettlement, EntryKind, QuoteStatus
from billing.models import (
    Bill,
    BillRun,
    LedgerEntry,
    RepairCharge,
    RepairPriceItem,
    RepairQuoteSignature,
)
from billing.repairs_read import repair_prices_in_force
from billing.services.online import online_payment_confirm
from billing.services.runs import bill_run_issue_batches
from core.errors import DomainError, TransitionError
from maintenance import services as msvc
from maintenance.choices import Status as S

from ..maintenance.test_pdfs import pdf_text
from .repair_helpers import (
    completed_with_accepted_quote,
    on_site,
    price_list,
    sent_quote,
    signature_data_url,
    tech,
)

pytestmark = pytest.mark.django_db


def ticket_url(ticket):
    return reverse("maintenance:ticket_detail", kwargs={"ticket_pk": ticket.pk})


def owner_ticket_url(ticket):
    return reverse("repairs:ticket_detail", kwargs={"ticket_pk": ticket.pk})


# --- The price list -----------------------------------------------------------------------


def test_a_price_change_is_a_new_version_in_force_from_its_day(world):
    labour, _valve = price_list(world)
    with pytest.raises(ValidationError):
        services.repair_price_revise(
            item=labour, actor=world.manager, reason=" ", kind=labour.kind,
            job_type=labour.job_type, name=labour.name, unit=labour.unit, price="40",
            effective_from=dt.date(2026, 6, 1),
        )  # fmt: skip
    new = services.repair_price_revise(
        item=labour, actor=world.manager, reason="人工成本上涨", kind=labour.kind,
        job_type=labour.job_type, name=labour.name, unit=labour.unit, price="40",
        effective_from=dt.date(2026, 6, 1),
    )  # fmt: skip
    labour.refresh_from_db()
    assert labour.price == Decimal("35.50")  # the old version is not edited
    assert (new.version, new.previous_id, new.code) == (2, labour.pk, "L-PLUMB-1")
    before = {p.code: p.price for p in repair_prices_in_force(world.estate, dt.date(2026, 5, 31))}
    after = {p.code: p.price for p in repair_prices_in_force(world.estate, dt.date(2026, 6, 1))}
    assert before["L-PLUMB-1"] == Decimal("35.50") and after["L-PLUMB-1"] == Decimal("40.00")
    with pytest.raises(ValidationError):  # the same code again is a change, not a new line
        price_list(world)


def test_only_configure_may_change_the_price_list(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.repair_price_create(
            estate=world.estate, code="X", kind="material", name="x", unit="个", price="1",
            effective_from=dt.date(2026, 1, 1), actor=tech(world),
        )  # fmt: skip


def test_staff_price_list_pages_create_and_revise(world, login):
    client = login(world.manager)
    session = client.session
    session["estate_id"] = world.estate.pk
    session.save()
    response = client.post(
        reverse("billing:repair_price_create"),
        {"code": "L-ELEC", "kind": "labour", "job_type": "", "name": "电路维修人工",
         "unit": "次", "price": "50", "effective_from": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 200  # labour needs a job type: the error is on the form
    assert "job_type" in response.context["form"].errors
    response = client.post(
        reverse("billing:repair_price_create"),
        {"code": "L-ELEC", "kind": "labour", "job_type": "electrical", "name": "电路维修人工",
         "unit": "次", "price": "50", "effective_from": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 302, response.context and response.context["form"].errors
    item = RepairPriceItem.objects.get(code="L-ELEC")
    page = client.get(reverse("billing:repair_price_list"))
    assert "电路维修人工" in page.content.decode()
    response = client.post(
        reverse("billing:repair_price_revise", kwargs={"price_pk": item.pk}),
        {"kind": "labour", "job_type": "electrical", "name": "电路维修人工", "unit": "次",
         "price": "55", "effective_from": "2026-03-01", "reason": "调价"},
    )  # fmt: skip
    assert response.status_code == 302
    assert RepairPriceItem.objects.filter(code="L-ELEC").count() == 2


# --- The quote ----------------------------------------------------------------------------


def test_quote_arithmetic_quantity_times_price_rounded_once(world):
    ticket = on_site(world)
    labour, valve = price_list(world)
    services.quote_line_add(
        ticket_id=ticket.pk, actor=tech(world), price_item_id=labour.pk, quantity="1.5"
    )
    services.quote_line_add(
        ticket_id=ticket.pk, actor=tech(world), price_item_id=valve.pk, quantity="3"
    )
    line = services.quote_line_add(
        ticket_id=ticket.pk, actor=tech(world), description="专用密封圈", unit="个",
        quantity="2", unit_price="0.125", reason="价目表没有此规格",
    )  # fmt: skip
    quote = line.quote
    quote.refresh_from_db()
    amounts = sorted(quote.lines.values_list("amount", flat=True))
    # 1.5 × 35.50 = 53.25; 3 × 12.35 = 37.05; 0.125 → 0.13 a piece, × 2 = 0.26
    assert amounts == [Decimal("0.26"), Decimal("37.05"), Decimal("53.25")]
    assert quote.total == Decimal("90.56")
    assert quote.status == QuoteStatus.DRAFT


def test_a_free_line_needs_its_reason_and_a_list_line_must_be_in_force(world):
    ticket = on_site(world)
    with pytest.raises(ValidationError) as error:
        services.quote_line_add(
            ticket_id=ticket.pk, actor=tech(world), description="特殊配件", quantity="1",
            unit_price="20",
        )  # fmt: skip
    assert "reason" in error.value.error_dict
    future = services.repair_price_create(
        estate=world.estate, code="M-LATER", kind="material", name="将来的", unit="个",
        price="1", effective_from=dt.date(2099, 1, 1), actor=world.manager,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.quote_line_add(
            ticket_id=ticket.pk, actor=tech(world), price_item_id=future.pk, quantity=1
        )
    assert "price_item" in error.value.error_dict


def test_a_sent_quote_is_not_changed_and_an_empty_one_is_not_sent(world):
    quote = sent_quote(world)
    with pytest.raises(DomainError):
        services.quote_line_add(
            ticket_id=quote.ticket_id, actor=tech(world), description="x", quantity=1,
            unit_price="1", reason="y",
        )  # fmt: skip
    with pytest.raises(TransitionError):
        services.quote_send(quote_id=quote.pk, actor=tech(world))


# --- The guard ----------------------------------------------------------------------------


def test_start_waits_for_the_accepted_quote(world):
    quote = sent_quote(world)
    ticket = quote.ticket
    with pytest.raises(TransitionError, match="not accepted the quote"):
        msvc.ticket_start_repair(ticket_id=ticket.pk, actor=tech(world))
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE
    services.quote_accept(quote_id=quote.pk, actor=world.owner)
    msvc.ticket_start_repair(ticket_id=ticket.pk, actor=tech(world))
    ticket.refresh_from_db()
    assert ticket.status == S.IN_REPAIR


def test_a_ticket_without_a_quote_or_with_a_withdrawn_one_starts(world):
    free = on_site(world)
    msvc.ticket_start_repair(ticket_id=free.pk, actor=tech(world))
    quote = sent_quote(world)
    services.quote_decline(quote_id=quote.pk, actor=world.owner, reason="太贵")
    with pytest.raises(TransitionError, match="declined"):
        msvc.ticket_start_repair(ticket_id=quote.ticket_id, actor=tech(world))
    services.quote_withdraw(quote_id=quote.pk, actor=tech(world))
    msvc.ticket_start_repair(ticket_id=quote.ticket_id, actor=tech(world))


def test_the_guard_error_is_shown_on_the_ticket_page(world, login):
    quote = sent_quote(world)
    ticket = quote.ticket
    client = login(tech(world))
    response = client.post(
        reverse("maintenance:ticket_action", kwargs={"ticket_pk": ticket.pk, "action": "start"}),
        {"version": ticket.version},
        follow=True,
    )
    text = response.content.decode()
    assert "the owner has not accepted the quote yet" in text
    assert 'data-testid="repair-charge-panel"' in text and "¥60.20" in text  # 35.50 + 2 × 12.35


# --- The owner's acceptance ----------------------------------------------------------------


def test_owner_accepts_in_the_portal_and_another_owner_gets_404(world, login):
    quote = sent_quote(world)
    client = login(world.owner)
    page = client.get(owner_ticket_url(quote.ticket)).content.decode()
    assert 'data-testid="quote-accept"' in page and "水管维修人工" in page
    url = reverse("portal_billing:quote_accept", kwargs={"quote_pk": quote.pk})
    assert login(world.other_owner).post(url).status_code == 404
    assert login(world.manager).post(url).status_code == 403
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    response = login(world.owner).post(url)
    assert response["Location"] == owner_ticket_url(quote.ticket)
    quote.refresh_from_db()
    assert (quote.status, quote.accepted_via, quote.decided_by) == (
        QuoteStatus.ACCEPTED,
        "portal",
        world.owner,
    )
    assert quote.decided_at is not None


def test_owner_declines_with_a_reason(world, login):
    quote = sent_quote(world)
    client = login(world.owner)
    client.post(
        reverse("portal_billing:quote_decline", kwargs={"quote_pk": quote.pk}), {"reason": "太贵"}
    )
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == (QuoteStatus.DECLINED, "太贵")


def test_signature_on_the_technicians_phone_is_stored_through_attachments(world, login, settings):
    quote = sent_quote(world)
    client = login(tech(world))
    url = reverse("billing:quote_sign", kwargs={"quote_pk": quote.pk})
    page = client.get(url)
    assert b"data-signature-pad" in page.content and b"signature-pad.js" in page.content
    response = client.post(url, {"signer_name": "王小明", "signature": ""})
    assert response.status_code == 200 and "signature" in response.context["form"].errors
    response = client.post(url, {"signer_name": "王小明", "signature": "data:image/png;base64,xx"})
    assert response.status_code == 200 and "signature" in response.context["form"].errors
    response = client.post(url, {"signer_name": "王小明", "signature": signature_data_url()})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.accepted_via, quote.signer_name, quote.decided_by) == (
        QuoteStatus.ACCEPTED,
        "signature",
        "王小明",
        tech(world),
    )
    signature = RepairQuoteSignature.objects.get(quote=quote)
    assert signature.content_type == "image/png" and signature.file.name.endswith(".png")
    assert signature.uploaded_by == tech(world)
    served = client.get(reverse("billing:quote_signature", kwargs={"quote_pk": quote.pk}))
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    other = login(world.other_manager).get(
        reverse("billing:quote_signature", kwargs={"quote_pk": quote.pk})
    )
    assert other.status_code == 404


# --- The final amount and the charge ------------------------------------------------------


def test_a_final_amount_that_differs_needs_its_explanation(world, login):
    ticket, quote = completed_with_accepted_quote(world)
    assert quote.total == Decimal("60.20")  # 35.50 + 2 × 12.35
    with pytest.raises(ValidationError) as error:
        services.repair_charge_record(ticket_id=ticket.pk, actor=tech(world), amount="72.55")
    assert "explanation" in error.value.error_dict
    client = login(tech(world))
    url = reverse("billing:repair_charge_record", kwargs={"ticket_pk": ticket.pk})
    response = client.post(url, {"amount": "72.55", "explanation": "", "settlement": "next_bill"})
    assert response.status_code == 200 and "explanation" in response.context["form"].errors
    response = client.post(
        url, {"amount": "72.55", "explanation": "多换了一个角阀", "settlement": "next_bill"}
    )
    assert response.status_code == 302
    charge = RepairCharge.objects.get(ticket=ticket)
    assert (charge.quoted, charge.amount, charge.difference) == (
        Decimal("60.20"),
        Decimal("72.55"),
        Decimal("12.35"),
    )
    assert charge.bill_id is None  # waits for the next bill run
    with pytest.raises(DomainError):  # once per ticket
        services.repair_charge_record(ticket_id=ticket.pk, actor=tech(world), amount="60.20")


def test_no_final_amount_before_completion_or_without_an_accepted_quote(world):
    quote = sent_quote(world)
    with pytest.raises(DomainError):
        services.repair_charge_record(ticket_id=quote.ticket_id, actor=tech(world), amount="1")


def test_the_charge_is_posted_once_however_often_it_is_called(world):
    ticket, quote = completed_with_accepted_quote(world)
    charge = services.repair_charge_record(
        ticket_id=ticket.pk, actor=tech(world), amount=quote.total
    )
    first = services.repair_charge_post(charge_id=charge.pk)
    again = services.repair_charge_post(charge_id=charge.pk)
    assert first.bill_id == again.bill_id is not None
    entries = LedgerEntry.objects.filter(unit=world.unit, kind=EntryKind.CHARGE)
    assert [e.amount for e in entries] == [Decimal("60.20")]
    bill = Bill.objects.get(pk=first.bill_id)
    assert (bill.status, bill.total, bill.run_id) == (BillStatus.ISSUED, Decimal("60.20"), None)


def test_a_next_bill_charge_is_billed_with_the_next_run_once(world):
    ticket, quote = completed_with_accepted_quote(world)
    charge = services.repair_charge_record(
        ticket_id=ticket.pk, actor=tech(world), amount=quote.total
    )
    run = BillRun.objects.create(estate=world.estate, period="2026-12", status="issuing")
    bill_run_issue_batches(run_id=run.pk)
    bill_run_issue_batches(run_id=run.pk)  # a redelivered task
    charge.refresh_from_db()
    assert charge.bill is not None and charge.bill.period == "2026-12"
    assert LedgerEntry.objects.filter(unit=world.unit, kind=EntryKind.CHARGE).count() == 1


def test_paid_online_at_once_then_the_ticket_shows_paid(world, login):
    ticket, quote = completed_with_accepted_quote(world)
    charge = services.repair_charge_record(
        ticket_id=ticket.pk, actor=tech(world), amount=quote.total, settlement=ChargeSettlement.NOW
    )
    assert charge.bill_id is not None  # payable at once: posted now
    titles = [str(n.title) for n in world.owner.notifications.order_by("id")]
    assert titles[-1] == f"Repair {ticket.number}: ¥60.20 to pay"
    client = login(world.owner)
    page = client.get(owner_ticket_url(ticket)).content.decode()
    assert 'data-testid="charge-pay"' in page and "Unpaid" in page
    pay_url = reverse("portal_billing:charge_pay", kwargs={"charge_pk": charge.pk})
    assert login(world.other_owner).post(pay_url).status_code == 404
    response = login(world.owner).post(pay_url)
    assert "/sandbox/" in response["Location"]
    online = charge.bill.online_payments.get()
    online_payment_confirm(online_id=online.pk, txn_id="SBXREPAIR1", amount=online.amount)
    charge.refresh_from_db()
    assert charge.is_paid and charge.bill.status == BillStatus.PAID
    page = client.get(owner_ticket_url(ticket)).content.decode()
    assert "Paid" in page and 'data-testid="charge-pay"' not in page
    staff_page = login(world.manager).get(ticket_url(ticket)).content.decode()
    assert 'data-testid="charge-state">Paid' in staff_page


def test_pay_now_posts_a_next_bill_charge_at_once(world, login):
    ticket, quote = completed_with_accepted_quote(world)
    charge = services.repair_charge_record(
        ticket_id=ticket.pk, actor=tech(world), amount=quote.total
    )
    login(world.owner).post(reverse("portal_billing:charge_pay", kwargs={"charge_pk": charge.pk}))
    charge.refresh_from_db()
    assert charge.bill_id is not None and charge.bill.online_payments.count() == 1


# --- The publication ------------------------------------------------------------------------


def test_the_price_list_is_published_on_the_standards_page_and_pdf(world, login):
    price_list(world)
    client = login(world.owner)
    page = client.get(reverse("portal_billing:standards")).content.decode()
    assert "水管维修人工" in page and "角阀" in page
    response = client.get(
        reverse("portal_billing:standards_pdf", kwargs={"estate_pk": world.estate.pk})
    )
    text = pdf_text(response.content)
    assert "水管维修人工" in text and "角阀" in text and "35.50" in text


def test_a_common_part_repair_has_no_charge_panel(world, login):
    from ..maintenance.test_services import report

    ticket = report(world, unit=None, building=world.building)
    page = login(world.manager).get(ticket_url(ticket)).content.decode()
    assert "repair-charge-panel" not in page


def test_the_ticket_page_says_why_start_waits_and_the_timeline_has_the_quote(world, login):
    quote = sent_quote(world)
    client = login(tech(world))
    page = client.get(ticket_url(quote.ticket)).content.decode()
    assert 'data-testid="start-blocked"' in page
    services.quote_accept(quote_id=quote.pk, actor=world.owner)
    page = client.get(ticket_url(quote.ticket)).content.decode()
    assert 'data-testid="start-blocked"' not in page
    assert "Quote sent to the owner" in page and "Quote accepted" in page  # the timeline


def test_the_publication_in_chinese_names_the_repair_price_list(world, login):
    from .test_pdfs import _zh

    price_list(world)
    client = _zh(login(world.owner))
    page = client.get(reverse("portal_billing:standards")).content.decode()
    assert "维修价目表" in page and "水管维修人工" in page
    response = client.get(
        reverse("portal_billing:standards_pdf", kwargs={"estate_pk": world.estate.pk})
    )
    text = pdf_text(response.content)
    assert "维修价目表" in text and "人工费" in text and "材料" in text and "¥35.50/次" in text


def test_a_voided_repair_bill_is_not_shown_as_payable(world, login):
    ticket, quote = completed_with_accepted_quote(world)
    charge = services.repair_charge_record(
        ticket_id=ticket.pk, actor=tech(world), amount=quote.total, settlement=ChargeSettlement.NOW
    )
    services.bill_void(bill_id=charge.bill_id, reason="免收", actor=world.manager)
    page = login(world.owner).get(owner_ticket_url(ticket)).content.decode()
    assert 'data-testid="charge-pay"' not in page and "Void" in page
