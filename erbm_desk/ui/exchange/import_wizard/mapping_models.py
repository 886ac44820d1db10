"""The tables of the first steps: the file's sheets (which to import, from which header row), a preview of a sheet
as it is, and its columns with the field each one feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from erbm_desk.domain.french import format_date, format_number
from erbm_desk.services.exchange.mapping.columns import AMBIGUOUS, EXACT, IGNORED, PROBABLE, STATE_LABELS, UNKNOWN
from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS, targets
from erbm_desk.services.exchange.mapping.source import SourceSheet, column_letter
from erbm_desk.ui.exchange.import_wizard.table_models import (
    CHOICES_ROLE,
    VALUE_ROLE,
    Col,
    RowsModel,
    error_background,
    ok_background,
    warning_background,
)

PREVIEW_ROWS = 40
PREVIEW_COLUMNS = 40
IGNORE_LABEL = "— ignorée —"
CHOSEN = "choisie"  # a field the user chose


def cell_text(value: Any) -> str:
    """A cell as the user would see it in a French spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float):
        return format_number(value, 2).rstrip("0").rstrip(",") if not value.is_integer() else str(int(value))
    return " ".join(str(value).split())


@dataclass
class SheetRow:
    name: str
    used: bool
    header_row: int | None
    info: str


class SheetsModel(RowsModel):
    columns = (
        Col("Importer", lambda r: r.used, checkable=True),
        Col("Feuille", lambda r: r.name),
        Col("Ligne d'en-tête", lambda r: "" if r.header_row is None else str(r.header_row), editable=True),
        Col("Contenu", lambda r: r.info),
    )

    def __init__(self, on_change: Callable[[SheetRow, bool, int | None], None], parent=None):
        super().__init__(parent)
        self.on_change = on_change

    def edit(self, row: SheetRow, column: int, value: Any) -> bool:
        if column == 0:
            row.used = bool(value)
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                return False
            if number < 1:
                return False
            row.header_row = number
        self.on_change(row, row.used, row.header_row)
        return True


class PreviewModel(RowsModel):
    """The first rows of a sheet as they are, the header row in bold, the rows above it greyed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header_row = 0
        self.width = 0
        self.merged: list[tuple[int, int, int, int]] = []  # shown as spans by the view

    def show_sheet(self, sheet: SourceSheet, header_row: int | None) -> None:
        self.beginResetModel()
        self.rows = [list(r[:PREVIEW_COLUMNS]) for r in sheet.rows[:PREVIEW_ROWS]]
        self.width = min(max((len(r) for r in self.rows), default=0), PREVIEW_COLUMNS)
        self.header_row = header_row or 0
        self.merged = [m for m in sheet.merged if m[0] < PREVIEW_ROWS and m[1] < PREVIEW_COLUMNS]
        self.endResetModel()

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else self.width

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role != Qt.DisplayRole:
            return None
        return column_letter(section) if orientation == Qt.Horizontal else section + 1

    def data(self, index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        cells = self.rows[index.row()]
        value = cells[index.column()] if index.column() < len(cells) else None
        if role == Qt.DisplayRole:
            return cell_text(value)
        if role == Qt.FontRole and index.row() + 1 == self.header_row:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.BackgroundRole and index.row() + 1 == self.header_row:
            return ok_background()
        if role == Qt.ForegroundRole and index.row() + 1 < self.header_row:
            return QColor(Qt.gray)
        return None

    def flags(self, index) -> Qt.ItemFlags:
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable if index.isValid() else Qt.NoItemFlags


@dataclass
class ColumnRow:
    index: int
    header: str
    samples: str
    target: str | None
    state: str
    reason: str
    is_month: bool


def target_label(code: str | None, header: str = "") -> str:
    if not code:
        return IGNORE_LABEL
    if code == MONTH_HOURS:
        return f"Heures du mois « {header} »"
    return targets()[code].label


def _state_text(r: ColumnRow) -> str:
    if r.target is None and r.state not in (IGNORED, AMBIGUOUS):
        return "non reconnue : ignorée" if r.state == UNKNOWN else "ignorée"
    text = STATE_LABELS.get(r.state, r.state)
    return f"{text} : {r.reason}" if r.reason else text


class ColumnsModel(RowsModel):
    """One row per column of the sheet: its header, a few values, the field it feeds (editable), how sure."""

    columns = (
        Col("Colonne", lambda r: f"{column_letter(r.index)} — {r.header}"),
        Col("Exemples", lambda r: r.samples),
        Col("Champ de l'application", lambda r: target_label(r.target, r.header), editable=True),
        Col("État", _state_text),
    )
    FIELD = 2

    def __init__(self, on_change: Callable[[ColumnRow], None], parent=None):
        super().__init__(parent)
        self.on_change = on_change
        self._choices = [(None, IGNORE_LABEL)] + [(code, t.label) for code, t in targets().items()
                                                  if code != MONTH_HOURS]

    def extra(self, row: ColumnRow, column: int, role: int) -> Any:
        if column == self.FIELD:
            if role == CHOICES_ROLE:
                month = [(MONTH_HOURS, target_label(MONTH_HOURS, row.header))] if row.is_month else []
                return [self._choices[0], *month, *self._choices[1:]]
            if role == VALUE_ROLE:
                return row.target
        if role == Qt.BackgroundRole and column in (self.FIELD, 3):
            if row.state == AMBIGUOUS and row.target is None:
                return error_background()
            if row.state == PROBABLE:
                return warning_background()
            if row.state in (EXACT, CHOSEN) and row.target:
                return ok_background()
        if role == Qt.ToolTipRole:
            return row.reason or None
        return None

    def edit(self, row: ColumnRow, column: int, value: Any) -> bool:
        if column != self.FIELD:
            return False
        row.target = value or None
        row.state, row.reason = (CHOSEN, "") if value else (IGNORED, "ignorée à la demande")
        self.on_change(row)
        return True
