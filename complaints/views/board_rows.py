"""The complaint board's rows as plain values: each complaint of the page is a dict with what
its row shows already as text, from one ``.values()`` query (the complaint, its complainant's
name, its responsible person's names). No model instances, one reversed URL prefix instead
of reverse() per row, the date format read and split once per page, labels once per
language, the anonymity rule once per estate; and the table's rows written here, in one
string (table_rows_html): fifty rows of a dozen cells were 600 template variables."""

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import date_formatter
from estates.models import Estate
from estates.permissions import has_perm

from .. import permissions as P
from ..choices import OPEN_STATUSES, STATUS_COLOURS, Category, Kind, Status

# The columns a row needs; the estate's name comes from the request's own list of estates.
BOARD_VALUES = (
    "id",
    "estate_id",
    "kind",
    "category",
    "status",
    "anonymous",
    "complainant_id",
    "complainant__name",
    "contact_name",
    "responsible_id",
    "responsible__username",
    "responsible__display_name",
    "responsible__first_name",
    "responsible__last_name",
    "filed_at",
    "acknowledge_due",
    "acknowledged_at",
    "resolve_due",
    "resolved_at",
)
_OPEN = frozenset(OPEN_STATUSES)
_ID = 987654321  # a complaint number no URL pattern mistakes for anything else


class BoardRow(dict):
    """A row of the board: a dict (the template's fastest lookup), with `pk` also as an
    attribute like the complaint it stands for."""

    __slots__ = ()

    @property
    def pk(self):
        return self["pk"]


def board_values(queryset):
    """The board's complaints as dicts of BOARD_VALUES (shown by board_rows())."""
    return queryset.values(*BOARD_VALUES)


@lru_cache(maxsize=8)
def _labels(language: str | None) -> tuple[dict, dict, dict]:
    """Kind, category and status labels in `language`."""
    return tuple(
        {value: str(label) for value, label in choices.choices}
        for choices in (Kind, Category, Status)
    )


def _detail_url():
    """A function giving a complaint's page from its id: one reverse() per page."""
    url = reverse("complaints:complaint_detail", kwargs={"complaint_pk": _ID})
    prefix, suffix = url.split(str(_ID))
    return lambda pk: f"{prefix}{pk}{suffix}"


def estates_of(values, estates) -> dict:
    """{id: Estate} for the rows' estates: those the request loaded already, any other (an
    inactive estate a company administrator still sees) in one query."""
    by_id = {estate.pk: estate for estate in estates}
    missing = {v["estate_id"] for v in values} - by_id.keys()
    if missing:
        by_id.update(Estate.objects.in_bulk(missing))
    return by_id


def _responsible(v) -> str:
    """str(User) of the responsible person, from the row's columns; "" without one."""
    if not v["responsible_id"]:
        return ""
    full_name = f"{v['responsible__first_name']} {v['responsible__last_name']}".strip()
    return v["responsible__display_name"] or full_name or v["responsible__username"]


def _overdue(v, now) -> bool:
    """Complaint.is_overdue(now) from the row's columns."""
    if v["status"] not in _OPEN:
        return False
    return (v["acknowledged_at"] is None and v["acknowledge_due"] <= now) or (
        v["resolved_at"] is None and v["resolve_due"] <= now
    )


def board_rows(values, *, user, estates: dict, now) -> list[BoardRow]:
    """BoardRows from dicts of BOARD_VALUES; `estates`: {id: Estate}. The complainant's
    name is left out ("" and show_name False) where `user` may not see it (selectors.
    may_see_name)."""
    kinds, categories, statuses = _labels(get_language())
    url = _detail_url()
    when = date_formatter("SHORT_DATETIME_FORMAT")
    sees_anonymous: dict[int, bool] = {}
    rows = []
    for v in values:
        estate_id, status = v["estate_id"], v["status"]
        show_name = not v["anonymous"]
        if not show_name:
            if estate_id not in sees_anonymous:
                estate = estates.get(estate_id)
                sees_anonymous[estate_id] = estate is not None and has_perm(
                    user, P.SEE_ANONYMOUS, estate
                )
            show_name = sees_anonymous[estate_id]
        estate = estates.get(estate_id)
        is_open = status in _OPEN
        rows.append(
            BoardRow(
                pk=v["id"],
                number=f"TS-{v['id']:06d}",
                url=url(v["id"]),
                estate=estate.name if estate is not None else "",
                kind=kinds.get(v["kind"], v["kind"]),
                category=categories.get(v["category"], v["category"]),
                status=status,
                status_label=statuses.get(status, status),
                badge=STATUS_COLOURS.get(status, "secondary"),
                late=_overdue(v, now),
                show_name=show_name,
                complainant=(v["complainant__name"] or v["contact_name"] or "—")
                if show_name
                else "",
                responsible=_responsible(v) or "—",
                filed=when(v["filed_at"]),
                resolve_by=when(v["resolve_due"]) if is_open else "—",
            )
        )
    return rows


# One table row of templates/complaints/staff/board.html (its <thead> names the columns).
# Every value is escaped as the template would (html.escape, quotes included).
ROW_HTML = (
    '<tr data-complaint="{pk}">\n'
    '  <td><a href="{url}">{number}</a></td>\n'
    "  {estate}\n"
    "  <td>{kind}</td>\n"
    "  <td>{category}</td>\n"
    '  <td><span class="badge text-bg-{badge} status-badge status-{status}">{status_label}'
    "</span>{late}</td>\n"
    "  <td>{complainant}</td>\n"
    "  <td>{responsible}</td>\n"
    '  <td class="text-nowrap">{filed}</td>\n'
    '  <td class="text-nowrap">{resolve_by}</td>\n'
    "</tr>\n"
)


def table_rows_html(rows, *, show_estate: bool) -> SafeString:
    """The <tr> elements of the board's table for `rows` (BoardRows), as one string."""
    late = f' <span class="badge text-bg-danger">{escape(_("Overdue"))}</span>'
    anonymous = f'<span class="text-muted">{escape(_("Anonymous"))}</span>'
    html = []
    for row in rows:
        html.append(
            ROW_HTML.format(
                pk=row["pk"],
                url=escape(row["url"]),
                number=escape(row["number"]),
                estate=f"<td>{escape(row['estate'])}</td>" if show_estate else "",
                kind=escape(row["kind"]),
                category=escape(row["category"]),
                badge=escape(row["badge"]),
                status=escape(row["status"]),
                status_label=escape(row["status_label"]),
                late=late if row["late"] else "",
                complainant=escape(row["complainant"]) if row["show_name"] else anonymous,
                responsible=escape(row["responsible"]),
                filed=escape(row["filed"]),
                resolve_by=escape(row["resolve_by"]),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
