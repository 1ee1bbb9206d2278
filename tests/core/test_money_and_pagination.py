"""core.money (one rounding rule, no floats) and core.pagination (keyset pages, bounded counts)."""

import base64
import json
import random
from decimal import Decimal

import pytest

from core.money import money, money_sum
from core.pagination import KeysetPage, bounded_count, keyset_page
from estates.models import Unit

from ..factories import BuildingFactory

# --- Money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("0.005"), Decimal("0.01")),
        ("0.005", Decimal("0.01")),
        ("0.004", Decimal("0.00")),
        ("2.675", Decimal("2.68")),  # a float 2.675 would round down to 2.67
        ("2.665", Decimal("2.67")),  # half-up, not banker's rounding (2.66)
        ("1.0049", Decimal("1.00")),
        (7, Decimal("7.00")),
        ("-0.005", Decimal("-0.01")),  # halves round away from zero
        ("-2.675", Decimal("-2.68")),
        ("-0.004", Decimal("0.00")),
    ],
)
def test_money_rounds_half_up_to_the_cent(value, expected):
    result = money(value)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [2.675, 0.1, -1.0])
def test_money_refuses_floats(value):
    with pytest.raises(TypeError):
        money(value)


def test_money_sum_rounds_the_total_not_each_term():
    assert money_sum([Decimal("0.333")] * 3) == Decimal("1.00")  # each rounded: 0.99


def test_money_sum_adds_strings_ints_and_decimals():
    assert money_sum(["0.10", 2, Decimal("0.205")]) == Decimal("2.31")


def test_money_sum_of_nothing_is_zero_cents():
    result = money_sum([])
    assert result == Decimal("0.00")
    assert result.as_tuple().exponent == -2


def test_money_sum_refuses_floats():
    with pytest.raises(TypeError):
        money_sum([Decimal("1.00"), 0.1])


# --- Keyset pagination ----------------------------------------------------------------------

N = 125


@pytest.fixture
def units(db):
    """125 units inserted in shuffled order, so id order differs from number order; three
    distinct areas and two floors so that sorts on them have many ties."""
    building = BuildingFactory()
    numbers = list(range(N))
    random.Random(7).shuffle(numbers)
    Unit.objects.bulk_create(
        Unit(
            estate=building.estate,
            building=building,
            number=f"{n:04d}",
            floor=n % 2,
            area=Decimal(["50.00", "75.50", "120.00"][n % 3]),
        )
        for n in numbers
    )
    return Unit.objects.filter(building=building)


def walk_forward(queryset, ordering, page_size):
    pages, cursor = [], ""
    while True:
        page = keyset_page(queryset, ordering=ordering, after=cursor, page_size=page_size)
        pages.append(page)
        if not page.has_next:
            return pages
        cursor = page.next_cursor


def ids(rows):
    return [row.pk for row in rows]


def flat(pages):
    return [pk for page in pages for pk in ids(page.rows)]


def test_next_pages_visit_every_row_exactly_once_in_order(units):
    pages = walk_forward(units, ["number", "id"], 50)
    assert [len(p.rows) for p in pages] == [50, 50, 25]
    assert flat(pages) == ids(units.order_by("number", "id"))


def test_first_page_has_no_previous_and_last_has_no_next(units):
    pages = walk_forward(units, ["number", "id"], 50)
    assert (pages[0].has_prev, pages[0].has_next) == (False, True)
    assert (pages[-1].has_prev, pages[-1].has_next) == (True, False)


def test_page_size_dividing_the_total_ends_without_an_empty_page(units):
    subset = units.filter(number__lt="0100")
    pages = walk_forward(subset, ["number", "id"], 50)
    assert [len(p.rows) for p in pages] == [50, 50]
    assert pages[-1].has_next is False


def test_before_cursors_walk_back_through_the_same_pages(units):
    forward = walk_forward(units, ["number", "id"], 50)
    back = [forward[-1]]
    while back[-1].has_prev:
        back.append(
            keyset_page(units, ordering=["number", "id"], before=back[-1].prev_cursor, page_size=50)
        )
    assert [ids(p.rows) for p in reversed(back)] == [ids(p.rows) for p in forward]
    assert back[-1].has_next is True


def test_last_gives_the_final_rows_in_order(units):
    page = keyset_page(units, ordering=["number", "id"], last=True, page_size=50)
    assert ids(page.rows) == ids(units.order_by("number", "id"))[-50:]
    assert (page.has_prev, page.has_next) == (True, False)


def test_previous_from_the_last_page_continues_backwards(units):
    last = keyset_page(units, ordering=["number", "id"], last=True, page_size=50)
    prev = keyset_page(units, ordering=["number", "id"], before=last.prev_cursor, page_size=50)
    assert ids(prev.rows) == ids(units.order_by("number", "id"))[-100:-50]


def encoded(values) -> str:
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),  # not UTF-8
        encoded({"number": "0001"}),  # not a list
        encoded(["0001"]),  # wrong width for ["number", "id"]
        encoded(["0001", 1, 2]),
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_garbled_cursor_is_treated_as_the_first_page(units, cursor, direction):
    page = keyset_page(units, ordering=["number", "id"], page_size=50, **{direction: cursor})
    assert ids(page.rows) == ids(units.order_by("number", "id"))[:50]
    assert page.has_prev is False


@pytest.mark.parametrize("values", [["0001", "abc"], ["0001", {"id": 1}]])
def test_tampered_cursor_values_are_treated_as_the_first_page(units, values):
    page = keyset_page(units, ordering=["number", "id"], after=encoded(values), page_size=50)
    assert ids(page.rows) == ids(units.order_by("number", "id"))[:50]


def test_descending_sort_walks_every_row_once_with_ties_broken_by_id(units):
    ordering = ["-area", "-id"]
    pages = walk_forward(units, ordering, 7)
    expected = sorted(units, key=lambda u: (u.area, u.pk), reverse=True)
    assert flat(pages) == ids(expected)


def test_ascending_sort_on_a_column_with_ties_breaks_them_by_id(units):
    pages = walk_forward(units, ["area", "id"], 9)
    expected = sorted(units, key=lambda u: (u.area, u.pk))
    assert flat(pages) == ids(expected)


def test_mixed_direction_sort_walks_every_row_once(units):
    ordering = ["-floor", "area", "-id"]
    pages = walk_forward(units, ordering, 11)
    expected = sorted(units, key=lambda u: (-u.floor, u.area, -u.pk))
    assert flat(pages) == ids(expected)


def test_descending_sort_walks_back_with_before_cursors(units):
    ordering = ["-area", "-id"]
    forward = walk_forward(units, ordering, 20)
    page = keyset_page(units, ordering=ordering, before=forward[3].prev_cursor, page_size=20)
    assert ids(page.rows) == ids(forward[2].rows)


def test_page_counts_rows_of_the_whole_list(units):
    page = keyset_page(units, ordering=["number", "id"], page_size=10)
    assert (page.total, page.total_capped, page.total_display) == (N, False, "125")


def test_count_can_be_skipped(units):
    page = keyset_page(units, ordering=["number", "id"], page_size=10, count=False)
    assert page.total == 0


def test_empty_list_has_no_cursors(units):
    page = keyset_page(units.none(), ordering=["number", "id"], page_size=10)
    assert (page.rows, page.has_next, page.has_prev, page.next_cursor) == ([], False, False, "")


def test_bounded_count_caps_at_the_limit(units):
    assert bounded_count(units, limit=100) == (100, True)


def test_bounded_count_below_the_limit_is_exact(units):
    assert bounded_count(units, limit=125) == (125, False)
    assert bounded_count(units, limit=1000) == (125, False)


def test_capped_total_is_displayed_with_a_plus():
    page = KeysetPage(rows=[], has_next=False, has_prev=False, total=10_000, total_capped=True)
    assert page.total_display == "10,000+"
