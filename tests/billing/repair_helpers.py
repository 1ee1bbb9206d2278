"""Helpers of the chargeable-repair tests: a price list, a ticket brought on site, a quote."""

import base64
import datetime as dt
import io
from decimal import Decimal

from PIL import Image

from billing import services
from billing.choices import PriceKind
from estates.choices import Role
from maintenance.choices import Category
from maintenance.choices import Status as S

from ..maintenance.test_services import step, ticket_in


def price_list(world, on=dt.date(2026, 1, 1)):
    manager = world.manager
    labour = services.repair_price_create(
        estate=world.estate,
        code="L-PLUMB-1",
        kind=PriceKind.LABOUR,
        job_type=Category.PLUMBING,
        name="水管维修人工",
        unit="次",
        price="35.50",
        effective_from=on,
        actor=manager,
    )
    valve = services.repair_price_create(
        estate=world.estate,
        code="M-VALVE",
        kind=PriceKind.MATERIAL,
        name="角阀",
        unit="个",
        price="12.35",
        effective_from=on,
        actor=manager,
    )
    return labour, valve


def tech(world):
    return world.staff[Role.TECHNICIAN]


def on_site(world):
    return ticket_in(world, S.ON_SITE)


def sent_quote(world, ticket=None):
    ticket = ticket or on_site(world)
    labour, valve = price_list(world)
    services.quote_line_add(
        ticket_id=ticket.pk, actor=tech(world), price_item_id=labour.pk, quantity=1
    )
    line = services.quote_line_add(
        ticket_id=ticket.pk, actor=tech(world), price_item_id=valve.pk, quantity=2
    )
    return services.quote_send(quote_id=line.quote_id, actor=tech(world))


def completed_with_accepted_quote(world):
    quote = sent_quote(world)
    services.quote_accept(quote_id=quote.pk, actor=world.owner)
    ticket = quote.ticket
    for status in (S.IN_REPAIR, S.COMPLETED):
        step(world, ticket, status)
    ticket.refresh_from_db()
    quote.refresh_from_db()
    return ticket, quote


def signature_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


ZERO = Decimal("0.00")
