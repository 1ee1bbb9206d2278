"""Keyset ("cursor") pagination: page 2,000 costs what page 1 costs.

A list is ordered by a tuple of columns ending in a unique one (the primary key). A cursor
holds the values of the boundary row; the next page is "rows after this tuple". The filter
is `first >= v1 AND (first > v1 OR (first = v1 AND (second > v2 OR ...)))`: the leading range
condition lets the database start its index scan at the cursor instead of counting rows.
"""

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q

COUNT_LIMIT = 1_000


def _encode(values) -> str:
    def plain(v):
        if isinstance(v, (date, datetime, Decimal)):
            return str(v)
        return v

    raw = json.dumps([plain(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, width: int):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != width:
        return None
    return values


def _coerce(model, ordering: list[str], values):
    """Cursor values through each column's to_python: a cursor is part of a URL anyone can
    edit, and a value of the wrong type must mean "first page", not a server error."""
    if values is None:
        return None
    try:
        return [
            model._meta.get_field(item.lstrip("-")).to_python(value)
            for item, value in zip(ordering, values, strict=True)
        ]
    except (ValidationError, ValueError, TypeError, FieldDoesNotExist):
        return None


def _value(obj, path: str):
    if isinstance(obj, dict):  # rows of a .values() queryset
        return obj[path]
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def _after_q(ordering: list[str], values: list, *, reverse: bool) -> Q:
    """Rows strictly after `values` in `ordering` (or before, when reverse)."""
    fields, ascending = [], []
    for item in ordering:
        desc = item.startswith("-")
        fields.append(item.lstrip("-"))
        ascending.append(not desc if not reverse else desc)

    def gt(i):
        return f"{fields[i]}__{'gt' if ascending[i] else 'lt'}"

    condition = Q(**{gt(len(fields) - 1): values[-1]})
    for i in range(len(fields) - 2, -1, -1):
        condition = Q(**{gt(i): values[i]}) | (Q(**{fields[i]: values[i]}) & condition)
    lead = f"{fields[0]}__{'gte' if ascending[0] else 'lte'}"
    return Q(**{lead: values[0]}) & condition


def _flip(ordering: list[str]) -> list[str]:
    return [item[1:] if item.startswith("-") else f"-{item}" for item in ordering]


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_prev: bool
    next_cursor: str = ""
    prev_cursor: str = ""
    total: int = 0
    total_capped: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def total_display(self) -> str:
        return f"{self.total:,}+" if self.total_capped else f"{self.total:,}"


def bounded_count(queryset, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """Count at most `limit` rows: an exact count of a big table is a full scan."""
    queryset = queryset.order_by()
    if not queryset.query.distinct:
        # Count ids only: the list's columns (and the joins only they need) stay out of it.
        queryset = queryset.values("pk")
    n = queryset[: limit + 1].count()
    return min(n, limit), n > limit


def keyset_page(
    queryset,
    *,
    ordering: list[str],
    after: str = "",
    before: str = "",
    last: bool = False,
    page_size: int = 50,
    count: bool = True,
) -> KeysetPage:
    width = len(ordering)
    model = queryset.model
    after_values = _coerce(model, ordering, _decode(after, width)) if after else None
    before_values = _coerce(model, ordering, _decode(before, width)) if before else None

    if before_values is not None or (last and after_values is None):
        # Walk backwards from the cursor (or from the end), then put the rows back in order.
        qs = queryset.order_by(*_flip(ordering))
        if before_values is not None:
            qs = qs.filter(_after_q(ordering, before_values, reverse=True))
        rows = list(qs[: page_size + 1])
        more_before = len(rows) > page_size
        rows = rows[:page_size][::-1]
        has_prev, has_next = more_before, before_values is not None
    else:
        qs = queryset.order_by(*ordering)
        if after_values is not None:
            qs = qs.filter(_after_q(ordering, after_values, reverse=False))
        rows = list(qs[: page_size + 1])
        has_next = len(rows) > page_size
        rows = rows[:page_size]
        has_prev = after_values is not None

    page = KeysetPage(rows=rows, has_next=has_next and bool(rows), has_prev=has_prev and bool(rows))
    if rows:
        keys = [item.lstrip("-") for item in ordering]
        page.next_cursor = _encode([_value(rows[-1], k) for k in keys])
        page.prev_cursor = _encode([_value(rows[0], k) for k in keys])
    if count:
        page.total, page.total_capped = bounded_count(queryset)
    return page
