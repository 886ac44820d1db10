"""Small counts hidden in anonymous exports and bilans, in a way that totals cannot undo. Pure Python: the
services apply it to their tables, the charts to the bars they label (the threshold itself is a setting of
the database: `services.reporting.disclosure.threshold_of`).

A count of people below the threshold (default 5, setting `disclosure.threshold`) could single someone out
(« 1 bénéficiaire RQTH sur la cité X »). `suppress_small` hides such cells (primary suppression), then hides
more cells until no line (a row with its total, a column with its total) has exactly one hidden value — one
hidden value in a line whose other values and total are shown is simply the difference (secondary
suppression). Totals are subject to the same rule: a small total is hidden too.

Zeros are not hidden (« nobody » singles nobody out) and never chosen as complementary cells while a non-zero
one is available. Hidden values come back as None; `format_count` shows them as « s » (secret statistique:
never « < 5 », since a complementary hidden value may be larger).
This is the usual « at least two hidden values per line » rule of statistical offices; it does not solve
the linear-programming bounds of every hidden cell (a hidden value is known to lie between 0 and the line's
total), which is the accepted level for this kind of publication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from erbm_desk.domain.french import format_int

DEFAULT_THRESHOLD = 5
SECRET = "s"


@dataclass(frozen=True)
class Disclosed:
    """A table after suppression: None marks a hidden value."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    threshold: int = DEFAULT_THRESHOLD
    # Positions of the small counts themselves (primary suppression) in the grid where row len(rows) holds the
    # column totals and column len(columns) the row totals; the other hidden values are complementary.
    small: frozenset[tuple[int, int]] = frozenset()

    def text(self, row: int | None, column: int | None) -> str:
        """A value as printed: the number, « < 5 » for a small count, « s » for a value hidden only so that a
        total cannot reveal a small one. `row` / `column` None = the total of that column / row."""
        i = len(self.rows) if row is None else row
        j = len(self.columns) if column is None else column
        if i == len(self.rows):
            value = self.total if j == len(self.columns) else self.column_totals[j]
        else:
            value = self.row_totals[i] if j == len(self.columns) else self.cells[i][j]
        if value is not None:
            return format_count(value)
        return f"< {self.threshold}" if (i, j) in self.small else SECRET

    @property
    def hidden(self) -> int:
        flat = [v for row in self.cells for v in row] + self.row_totals + self.column_totals + [self.total]
        return sum(1 for v in flat if v is None)

    def as_dict(self) -> dict[str, dict[str, int | None]]:
        return {r: dict(zip(self.columns, row)) for r, row in zip(self.rows, self.cells)}


def _is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress_small(
    table: Sequence[Sequence[int]] | Mapping[str, Mapping[str, int]],
    threshold: int = DEFAULT_THRESHOLD,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
) -> Disclosed:
    """Hide the small counts of a table and enough others that neither the row nor the column totals
    (returned too, computed from the true values) can reveal them.

    `table` is a list of rows of counts, or a mapping row label -> (column label -> count) (missing = 0)."""
    if isinstance(table, Mapping):
        rows = list(table)
        columns: list[str] = []
        for r in rows:
            for c in table[r]:
                if c not in columns:
                    columns.append(c)
        values = [[int(table[r].get(c, 0) or 0) for c in columns] for r in rows]
    else:
        values = [[int(v or 0) for v in row] for row in table]
        width = max((len(r) for r in values), default=0)
        if any(len(r) != width for r in values):
            raise ValueError("suppress_small : toutes les lignes doivent avoir le même nombre de colonnes.")
        rows = list(row_labels) if row_labels is not None else [str(i) for i in range(len(values))]
        columns = list(column_labels) if column_labels is not None else [str(j) for j in range(width)]
    if any(v < 0 for row in values for v in row):
        raise ValueError("suppress_small : des effectifs négatifs n'ont pas de sens.")
    n_rows, n_cols = len(values), len(columns)
    # The augmented grid: cells, each row's total at column n_cols, each column's total at row n_rows.
    grid = [row + [sum(row)] for row in values]
    grid.append([sum(values[i][j] for i in range(n_rows)) for j in range(n_cols)] + [sum(map(sum, values))])
    hidden = [[_is_small(v, threshold) for v in row] for row in grid]

    def lines():
        for i in range(n_rows + 1):
            yield [(i, j) for j in range(n_cols + 1)]
        for j in range(n_cols + 1):
            yield [(i, j) for i in range(n_rows + 1)]

    changed = True
    while changed:
        changed = False
        for line in lines():
            masked = [(i, j) for i, j in line if hidden[i][j]]
            if len(masked) != 1:
                continue
            candidates = [(i, j) for i, j in line if not hidden[i][j]]
            if not candidates:
                continue
            # Prefer an inner cell over a total, a non-zero value over a zero, then the smallest value.
            i, j = min(candidates, key=lambda ij: (ij[0] == n_rows or ij[1] == n_cols, grid[ij[0]][ij[1]] == 0,
                                                   grid[ij[0]][ij[1]], ij))
            hidden[i][j] = True
            changed = True

    def shown(i: int, j: int) -> int | None:
        return None if hidden[i][j] else grid[i][j]

    return Disclosed(
        rows=rows,
        columns=columns,
        cells=[[shown(i, j) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[shown(i, n_cols) for i in range(n_rows)],
        column_totals=[shown(n_rows, j) for j in range(n_cols)],
        total=shown(n_rows, n_cols),
        threshold=threshold,
        small=frozenset((i, j) for i in range(n_rows + 1) for j in range(n_cols + 1)
                        if _is_small(grid[i][j], threshold)),
    )


def suppress_counts(counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD) -> tuple[dict[str, int | None], int | None]:
    """A one-line table (e.g. contracts by type) and its total: ({label: count or None}, total or None)."""
    result = suppress_small({"": dict(counts)}, threshold)
    return dict(zip(result.columns, result.cells[0])) if result.rows else {}, result.total


def mask_count(value: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """A lone count (not part of a table whose total is shown): None when small."""
    return None if _is_small(int(value), threshold) else int(value)


SECRET_NOTE = "s : secret statistique (effectif trop petit, ou masqué pour qu'un total ne le révèle pas)"
SMALL_NOTE = ("« < {threshold} » : effectif non nul inférieur à {threshold} ; « s » : valeur masquée pour qu'un total "
              "ne révèle pas un petit effectif")


def format_count(value: int | None) -> str:
    """« 1 234 » (domain/french.py), or « s » for a hidden count."""
    return SECRET if value is None else format_int(value)

