"""The board's rows as plain values: each ticket of the page (and of the emergencies box) is
a dict with what its row shows already as text, built from the columns of one ``.values()``
query. No model instances, one reversed URL prefix instead of reverse() per row, each date
format read and split once per page, labels looked up once per page: the template only
prints (a page has ~70 rows). The table's rows are even written here, in one string
(table_rows_html): fifty rows of a dozen cells were a thousand template variables, a third
of the page's rendering time."""

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import date_formatter
from estates.models import Estate

from ..choices import OPEN_STATUSES, STATUS_COLOURS, Category, Priority, Status
from ..deadlines import DEADLINES, OVERDUE_FIELDS
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
    """Category, priority and status labels, and (name, fields) of each deadline of the
    deadline map, in `language`."""
    return (
        {value: str(label) for value, label in Category.choices},
        {value: str(label) for value, label in Priority.choices},
        {value: str(label) for value, label in Status.choices},
        tuple((str(deadline.label), fields) for deadline, fields in DEADLINES.items()),
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


def estates_of(values, estates) -> dict:
    """{id: Estate} for the rows' estates: those the request loaded already (`estates`, a
    list or a dict), and any other in one query (none when the tickets are scoped to them;
    an inactive estate a company administrator still sees is the exception)."""
    by_id = estates if isinstance(estates, dict) else {estate.pk: estate for estate in estates}
    missing = {v["estate_id"] for v in values} - by_id.keys()
    if missing:
        by_id = {**by_id, **Estate.objects.in_bulk(missing)}
    return by_id


def board_rows(values, *, estates: dict, now) -> list[BoardRow]:
    """BoardRows from dicts of selectors.BOARD_VALUES; `estates`: {id: Estate}, for the
    estate's name."""
    categories, priorities, statuses, deadlines = _labels(get_language())
    url = _detail_url()
    when = date_formatter("SHORT_DATETIME_FORMAT")
    rows = []
    for v in values:
        status, priority = v["status"], v["priority"]
        due, due_label, late = next_deadline(
            is_open=status in _OPEN,
            status=status,
            pause_reason=v["pause_reason"],
            overdue=any(v[flag] for flag in OVERDUE_FIELDS),
            deadlines=[(name, v[fields.due], v[fields.met]) for name, fields in deadlines],
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


# One table row of templates/maintenance/staff/ticket_board.html (its <thead> names the
# columns). Every value is escaped as the template would (html.escape, quotes included).
ROW_HTML = (
    '<tr data-ticket="{pk}">\n'
    '  <td><a href="{url}">{number}</a></td>\n'
    "{estate}"
    '  <td class="text-wrap mw-10rem-min">{place}</td>\n'
    '  <td class="text-wrap">{category}</td>\n'
    '  <td><span class="badge text-bg-{priority_badge} border">{priority_label}</span></td>\n'
    '  <td><span class="badge text-bg-{badge} status-badge status-{status}">{status_label}'
    "</span></td>\n"
    "  <td>{technician}</td>\n"
    "  <td>{reported}</td>\n"
    '  <td class="text-wrap">{deadline}</td>\n'
    "</tr>"
)
NONE_HTML = '<span class="text-muted">—</span>'


def _deadline_html(row, overdue: str) -> str:
    late = (
        f'<span class="badge text-bg-danger" data-testid="overdue">{overdue}</span> '
        if row["late"]
        else ""
    )
    if row["next_due"]:
        label = escape(row["next_due_label"])
        tone = "text-danger" if row["late"] else "text-muted"
        return (
            f'{late}<span class="small {tone}" title="{label}">{label} · '
            f'<span class="text-nowrap">{escape(row["next_due"])}</span></span>'
        )
    return late if row["late"] else NONE_HTML


def table_rows_html(rows, *, show_estate: bool) -> SafeString:
    """The <tr> elements of the board's table for `rows` (BoardRows), as one string."""
    overdue = escape(_("Overdue"))
    html = []
    for row in rows:
        html.append(
            ROW_HTML.format(
                pk=row["pk"],
                url=escape(row["url"]),
                number=escape(row["number"]),
                estate=f"  <td>{escape(row['estate'])}</td>\n" if show_estate else "",
                place=escape(row["place"]),
                category=escape(row["category"]),
                priority_badge=escape(row["priority_badge"]),
                priority_label=escape(row["priority_label"]),
                badge=escape(row["badge"]),
                status=escape(row["status"]),
                status_label=escape(row["status_label"]),
                technician=escape(row["technician"]) if row["technician"] else NONE_HTML,
                reported=escape(row["reported"]),
                deadline=_deadline_html(row, overdue),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


# One item of the board's emergencies box (the same template).
EMERGENCY_HTML = (
    '\n    <li class="list-group-item d-flex flex-wrap gap-2 align-items-center">\n'
    '      <a href="{url}" class="fw-semibold">{number}</a>\n'
    "{estate}"
    "      <span>{place}</span>\n"
    '      <span class="text-muted">{category}</span>\n'
    '      <span class="badge text-bg-{badge}">{status_label}</span>\n'
    "      {technician}\n"
    '      <span class="small text-muted ms-auto">{reported}</span>\n'
    "{late}"
    "    </li>"
)


def emergencies_html(rows, *, show_estate: bool) -> SafeString:
    """The <li> elements of the emergencies box for `rows` (BoardRows), as one string."""
    overdue, nobody = escape(_("Overdue")), escape(_("No technician yet"))
    html = []
    for row in rows:
        html.append(
            EMERGENCY_HTML.format(
                url=escape(row["url"]),
                number=escape(row["number"]),
                estate=f'      <span class="text-muted">{escape(row["estate"])}</span>\n'
                if show_estate
                else "",
                place=escape(row["place"]),
                category=escape(row["category"]),
                badge=escape(row["badge"]),
                status_label=escape(row["status_label"]),
                technician=(
                    f'<span><i class="bi bi-person-gear"></i> {escape(row["technician"])}</span>'
                    if row["technician"]
                    else f'<span class="badge text-bg-warning">{nobody}</span>'
                ),
                reported=escape(row["reported"]),
                late=f'      <span class="badge text-bg-danger">{overdue}</span>\n'
                if row["late"]
                else "",
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
