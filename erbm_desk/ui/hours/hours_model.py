"""Table model of the monthly hours grid: one row per active contract, the Heures column editable.

Rows are the plain `MonthRow` tuples of services.hours_grid; what the user typed is kept as text per row,
with its parsed value or its French error, so that a wrong entry stays visible (in red) until corrected.
The total and the count of invalid cells are kept up to date incrementally: `data()` stays cheap.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from erbm_desk.domain import rules
from erbm_desk.domain.french import format_date, format_decimal
from erbm_desk.domain.values import is_blank, parse_decimal
from erbm_desk.services.hours.month_grid import MonthRow

HEADERS = ("Bénéficiaire", "Entreprise", "Opération", "Début", "Fin", "Heures")
HOURS_COLUMN = 5
_ERROR_TEXT = QColor("#b00020")
_ERROR_BACKGROUND = QColor("#fde2e2")
_CHANGED_BACKGROUND = QColor("#fff4c2")  # typed but not saved yet

Index = QModelIndex | QPersistentModelIndex

# data() runs ~1 300 times for each value typed (opening and closing an editor repaints the whole viewport):
# plain ints and prebuilt values keep it cheap, as looking up Qt.DisplayRole and friends is not.
_DISPLAY, _EDIT, _TOOLTIP, _ALIGN, _FORE, _BACK = (
    int(r) for r in (Qt.DisplayRole, Qt.EditRole, Qt.ToolTipRole, Qt.TextAlignmentRole, Qt.ForegroundRole,
                     Qt.BackgroundRole)
)
_ROLES = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _ALIGN, _FORE, _BACK))
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable
_EDITABLE = _FLAGS | Qt.ItemIsEditable
_CHANGED_TIP = "Modifié, pas encore enregistré"


def parse_hours(text: str) -> tuple[Decimal | None, str | None]:
    """(hours, None) for a valid cell, blank meaning None; (None, French message) otherwise."""
    if is_blank(text):
        return None, None
    try:
        value = parse_decimal(text)
        rules.check_hours(value)
    except ValueError as exc:  # RuleError is a ValueError too
        return None, str(exc)
    return value, None


class HoursModel(QAbstractTableModel):
    stateChanged = Signal()  # the total, the invalid cells or the unsaved changes moved

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[MonthRow] = []
        self._cells: list[tuple[str, ...] | None] = []  # display texts of the other columns, made when first shown
        self._text: list[str] = []  # the Heures cell: French form of a valid value, or the wrong text as typed
        self._value: list[Decimal | None] = []
        self._errors: dict[int, str] = {}
        self._changed: set[int] = set()
        self.total = Decimal("0.00")
        self.frozen = False  # another month is on its way: what is typed now would land in the wrong month

    # -- loading and reading back -----------------------------------------------------------------------------

    def load(self, rows: list[MonthRow], keep_edits: bool = False) -> None:
        """Show these rows; with `keep_edits`, unsaved cells of contracts still listed keep what was typed."""
        kept = {self._rows[r].contract_id: self._text[r] for r in self._changed} if keep_edits else {}
        self.beginResetModel()
        self._rows = list(rows)
        self._cells = [None] * len(self._rows)
        self._text = [format_decimal(r.hours) for r in self._rows]
        self._value = [r.hours for r in self._rows]
        self._errors, self._changed = {}, set()
        self.total = sum((h for h in self._value if h is not None), Decimal("0.00"))
        for row, r in enumerate(self._rows):
            if r.contract_id in kept:
                self._set_text(row, kept[r.contract_id])
        self.endResetModel()
        self.stateChanged.emit()

    def row(self, row: int) -> MonthRow:
        return self._rows[row]

    def value(self, row: int) -> Decimal | None:
        return self._value[row]

    def error(self, row: int) -> str | None:
        return self._errors.get(row)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted(self._errors)

    @property
    def is_modified(self) -> bool:
        return bool(self._changed)

    @property
    def filled(self) -> int:
        return sum(1 for h in self._value if h is not None)

    def changes(self) -> dict[int, Decimal | None]:
        """{contract id: hours or None} of the valid cells that differ from the database."""
        return {self._rows[r].contract_id: self._value[r] for r in self._changed if r not in self._errors}

    def stored_hours(self, contract_ids) -> dict[int, Decimal | None]:
        """The hours stored (as read, before any typing) of these contracts."""
        wanted = set(contract_ids)
        return {r.contract_id: r.hours for r in self._rows if r.contract_id in wanted}

    def discard(self) -> None:
        """Forget every cell typed since the month was read: the stored hours are shown again."""
        if self._changed:
            self.load(self._rows)

    def mark_saved(self) -> None:
        """The changes are in the database now: they become the rows' stored hours."""
        for r in self._changed:
            self._rows[r] = self._rows[r]._replace(hours=self._value[r])
        changed, self._changed = self._changed, set()
        self._emit_hours_changed(changed)

    # -- editing ----------------------------------------------------------------------------------------------

    def set_texts(self, first_row: int, texts: Iterable[str]) -> int:
        """Put texts in the Heures cells from `first_row` down (typing, pasting, clearing); returns how many
        fitted. One dataChanged for the block keeps a 500-value paste fast."""
        if self.frozen:
            return 0
        rows = []
        for row, text in zip(range(first_row, len(self._rows)), texts):
            self._set_text(row, text)
            rows.append(row)
        self._emit_hours_changed(rows)
        return len(rows)

    def _set_text(self, row: int, text: str) -> None:
        text = str(text).strip()
        value, error = parse_hours(text)
        old = self._value[row]
        self.total += (value or 0) - (old or 0)
        self._text[row] = text if error else format_decimal(value)
        self._value[row] = value
        if error:
            self._errors[row] = error
        else:
            self._errors.pop(row, None)
        if error or value != self._rows[row].hours:
            self._changed.add(row)
        else:
            self._changed.discard(row)

    def _emit_hours_changed(self, rows: Iterable[int]) -> None:
        rows = list(rows)
        if rows:
            self.dataChanged.emit(self.index(min(rows), HOURS_COLUMN), self.index(max(rows), HOURS_COLUMN))
        self.stateChanged.emit()

    # -- Qt model interface -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Vertical:
            return section + 1
        return HEADERS[section] if 0 <= section < len(HEADERS) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.NoItemFlags
        return _EDITABLE if index.column() == HOURS_COLUMN and not self.frozen else _FLAGS

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if col == HOURS_COLUMN:
            if role == _DISPLAY or role == _EDIT:
                return self._text[row]
            if role == _ALIGN:
                return _RIGHT
            error = self._errors.get(row)
            if role == _TOOLTIP:
                return error or (_CHANGED_TIP if row in self._changed else None)
            if role == _FORE:
                return _ERROR_TEXT if error else None
            if role == _BACK:
                return _ERROR_BACKGROUND if error else _CHANGED_BACKGROUND if row in self._changed else None
            return None
        if role == _DISPLAY or role == _EDIT:
            return self._row_cells(row)[col]
        if role == _TOOLTIP and col == 2:
            r = self._rows[row]
            return f"{r.operation}\nCité : {r.cite}"
        return None

    def _row_cells(self, row: int) -> tuple[str, ...]:
        cells = self._cells[row]
        if cells is None:
            r = self._rows[row]
            cells = self._cells[row] = (
                r.beneficiary, r.company, f"{r.cite} — {r.operation}", format_date(r.start_date),
                format_date(r.end_date),
            )
        return cells

    def setData(self, index: Index, value: Any, role: int = Qt.EditRole) -> bool:
        if role != Qt.EditRole or not index.isValid() or index.column() != HOURS_COLUMN:
            return False
        self.set_texts(index.row(), ["" if value is None else str(value)])
        return True
