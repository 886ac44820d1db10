"""Small counts hidden so that no total can reveal them."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from erbm_desk.services.reporting.disclosure import format_count, mask_count, suppress_counts, suppress_small


def test_a_small_cell_and_its_complements_are_hidden():
    t = suppress_small([[3, 10, 12], [8, 9, 20]], threshold=5)
    assert t.cells[0][0] is None  # primary
    assert t.cells[1][0] is None  # same column: else 11 - 8 gives it
    assert t.cells[0][1] is None and t.cells[1][1] is None  # same rows: else row totals give them
    assert t.row_totals == [25, 37] and t.column_totals == [11, 19, 32] and t.total == 62


def test_small_totals_are_hidden_too_and_zeros_are_kept():
    t = suppress_small({"Lens": {"RQTH": 2, "RSA": 0}, "Liévin": {"RQTH": 0, "RSA": 0}}, threshold=5)
    assert t.as_dict()["Lens"]["RSA"] == 0 and t.cells[1] == [0, 0]
    assert t.cells[0][0] is None and t.row_totals[0] is None and t.column_totals[0] is None and t.total is None
    assert format_count(None) == "s" and format_count(1234) == "1\u00a0234"


def test_one_line_counts():
    counts, total = suppress_counts({"CDI": 12, "CDD": 40, "Intérim": 2}, threshold=5)
    assert counts == {"CDI": None, "CDD": 40, "Intérim": None} and total == 54
    assert mask_count(3) is None and mask_count(0) == 0 and mask_count(7) == 7


def _recoverable(values, t) -> bool:
    """Can a hidden cell be worked out exactly from one line (row or column) whose other values are shown?"""
    n_rows, n_cols = len(values), len(values[0])
    grid = [r + [t.row_totals[i]] for i, r in enumerate(t.cells)] + [t.column_totals + [t.total]]
    lines = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
    lines += [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
    return any(sum(1 for i, j in line if grid[i][j] is None) == 1 for line in lines)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda c: st.lists(st.lists(st.integers(0, 30), min_size=c, max_size=c),
                                                    min_size=1, max_size=5)))
def test_no_hidden_value_is_the_difference_of_a_line(values):
    t = suppress_small(values, threshold=5)
    assert not _recoverable(values, t)
    shown = [v for row in t.cells for v in row if v is not None]
    assert all(v == 0 or v >= 5 for v in shown)
    assert all(v is None or v == 0 or v >= 5 for v in itertools.chain(t.row_totals, t.column_totals, [t.total]))


def test_printed_table_tells_small_counts_from_complementary_hidden_values():
    t = suppress_small({"Lens": {"RSA": 2, "Jeunes": 30}, "Liévin": {"RSA": 12, "Jeunes": 40}}, threshold=5)
    assert t.text(0, 0) == "< 5"  # the small count itself
    hidden_others = [(i, j) for i in (0, 1, None) for j in (0, 1, None) if t.text(i, j) == "s"]
    assert hidden_others, "a complementary value must be hidden, or Lens's total would give RSA = total − 30"
    assert t.text(None, None) == "84"
