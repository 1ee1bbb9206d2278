"""Checking every row of an import file and turning the good ones into unsaved objects.

The cell readers are in `cells`, the checks of each kind in `kinds`. Uniqueness is checked
inside the file and against the database, with a few set lookups prepared up front (no
query per row).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import Estate
from ..validators import mask_id_number
from .cells import Checker
from .kinds import CHECKS
from .parsing import Table, columns_for

PREVIEW_ROWS = 20


@dataclass
class Result:
    objects: list = field(default_factory=list)  # unsaved instances of the good rows
    errors: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    row_count: int = 0


def preview_rows(table: Table, limit: int = PREVIEW_ROWS) -> list[dict]:
    """The first rows as the file has them, in the template's column order. ID numbers are
    masked: the preview is stored and shown on pages."""
    columns = columns_for(table.kind)
    preview = []
    for line, cells in table.rows[:limit]:
        values = []
        for column in columns:
            value = table.value(cells, column.key)
            values.append(mask_id_number(value) if column.key == "id_number" else value)
        preview.append({"line": line, "cells": values})
    return preview


def validate(
    table: Table, *, estate: Estate, progress: Callable[[int], None] | None = None
) -> Result:
    """Check every row. Result.objects holds unsaved objects only if there is no error."""
    result = Result(row_count=len(table.rows), preview=preview_rows(table))
    checker = Checker(table, estate)
    if table.errors:
        # Without the right columns every row would fail the same way: report the header.
        result.errors = checker.errors
        return result
    total = len(table.rows) or 1

    def rows():
        for index, row in enumerate(table.rows):
            if progress and index and index % 500 == 0:
                progress(int(100 * index / total))
            yield row

    objects = list(CHECKS[table.kind](checker, rows, estate))
    result.errors = sorted(checker.errors, key=lambda e: e["line"] or 0)
    if not result.errors:
        result.objects = objects
    if progress:
        progress(100)
    return result
