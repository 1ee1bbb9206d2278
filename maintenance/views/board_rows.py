"""The board's rows as plain values: each ticket of the page (and of the emergencies box) is
a dict with what its row shows already as text, built from the columns of one ``.values()``
query. No model instances, one reversed URL prefix instead of reverse() per row, each date
format read and split once per page, labels looked up once per page: the template only
prints (a page has ~70 rows)."""

from functools import lru_cache

from django.urls import reverse
from django.utils.translation import get_language

from core.dates import date_formatter

from ..choices import OPEN_STATUSES, STATUS_COLOURS, Category, Deadline, Priority, Status
from .common import PRIORITY_COLOURS, next_deadline

_OPEN = frozenset(OPEN_STATUSES)
_ID = 987654321  # a ticket number no URL pattern mistakes for anything else


class BoardRow(dict):
    """A row of the board: a dict (the template's fastest lookup), with `pk` also as an
    attribute like the tickets it stands for."""

    __slots__ = ()

    @property
    def pk(self):
        return self["pk"]


@lru_cache(maxsize=8)
def _labels(language: str | None) -> tuple[dict, dict, dict, tuple]:
    """Category, priority and status labels and the deadline names, in `language`."""
    return (
        {value: str(label) for value, label in Category.choices},
        {value: str(label) for value, label in Priority.choices},
        {value: str(label) for value, label in Status.choices},
        tuple(str(d.label) for d in (Deadline.RESPONSE, Deadline.ONSITE, Deadline.COMPLETION)),
    )


def _detail_url():
    """A function giving a ticket's page from its id: one reverse() per page."""
    prefix, suffix = reverse("maintenance:ticket_detail", kwargs={"ticket_pk": _ID}).split(str(_ID))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _place(v) -> str:
    """Ticket.place from the row's columns."""
    if v["unit_id"]:
        entrance, number = v["unit__entrance"], v["unit__number"]
        label = f"{entrance}-{number}" if entrance else number
        return f"{v['unit__building__name']} {label}"
    parts = (
        v["building__name"] if v["building_id"] else "",
        f"{v['equipment__code']} {v['equipment__name']}" if v["equipment_id"] else "",
        v["location"],
    )
    return " · ".join(p for p in parts if p)


def _technician(v) -> str:
    """str(User) of the technician, from the row's columns; "" when nobody is assigned."""
    if not v["technician_id"]:
        return ""
    full_name = f"{v['technician__first_name']} {v['technician__last_name']}".strip()
    return v["technician__display_name"] or full_name or v["technician__username"]


def board_rows(values, *, estates: dict, now) -> list[BoardRow]:
    """BoardRows from dicts of selectors.BOARD_VALUES; `estates`: {id: Estate}, for the
    estate's name."""
    categories, priorities, statuses, (response, onsite, completion) = _labels(get_language())
    url = _detail_url()
    when = date_formatter("SHORT_DATETIME_FORMAT")
    rows = []
    for v in values:
        status, priority = v["status"], v["priority"]
        due, due_label, late = next_deadline(
            is_open=status in _OPEN,
            status=status,
            pause_reason=v["pause_reason"],
            overdue=v["response_overdue"] or v["onsite_overdue"] or v["completion_overdue"],
            deadlines=(
                (response, v["response_due"], v["registered_at"]),
                (onsite, v["onsite_due"], v["arrived_at"]),
                (completion, v["completion_due"], v["completed_at"]),
            ),
            now=now,
        )
        estate = estates.get(v["estate_id"])
        rows.append(
            BoardRow(
                pk=v["id"],
                number=v["number"],
                url=url(v["id"]),
                estate=estate.name if estate is not None else "",
                place=_place(v),
                category=categories.get(v["category"], v["category"]),
                priority=priority,
                priority_label=priorities.get(priority, priority),
                priority_badge=PRIORITY_COLOURS.get(priority, "light"),
                status=status,
                status_label=statuses.get(status, status),
                badge=STATUS_COLOURS.get(status, "secondary"),
                technician=_technician(v),
                reported=when(v["reported_at"]),
                late=late,
                next_due=when(due),
                next_due_label=due_label or "",
            )
        )
    return rows
