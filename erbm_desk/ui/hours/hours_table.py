"""The hours grid's view: keys that behave like a spreadsheet's for typing a column of numbers.

Typing starts editing, Enter commits and goes down, Ctrl+V pastes a column copied from Excel or LibreOffice
from the current row down, Ctrl+C copies the selected hours, Suppr clears them.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

from erbm_desk.ui.hours.hours_model import HOURS_COLUMN, HoursModel


def clipboard_column(text: str) -> tuple[list[str], bool]:
    """The first cell of each line of a copied range, and whether the range had more than one column.
    Spreadsheets end a copied range with a line break: that last empty line is not a blank cell."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.split("\t")[0] for line in lines], any("\t" in line for line in lines)


class HoursTable(QTableView):
    pasted = Signal(int, int, bool)  # values pasted, values left out past the last row, several columns copied

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.AnyKeyPressed | QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
        )
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)

    def hours_model(self) -> HoursModel:
        return self.model()

    def move_down(self) -> None:
        row = self.currentIndex().row() + 1
        if 0 < row < self.model().rowCount():
            self.setCurrentIndex(self.model().index(row, HOURS_COLUMN))

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter in the editor arrives as SubmitModelCache: commit, then go down as in a spreadsheet.
        if hint == QAbstractItemDelegate.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.NoHint)
            self.move_down()
        else:
            super().closeEditor(editor, hint)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.Paste):
            self.paste()
        elif event.matches(QKeySequence.Copy):
            self.copy()
        elif event.matches(QKeySequence.Delete) or event.key() == Qt.Key_Backspace:
            self.clear_selection()
        elif event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.state() != QAbstractItemView.EditingState:
            self.move_down()  # Enter on a cell that is not being edited
        else:
            super().keyPressEvent(event)

    def _selected_rows(self) -> list[int]:
        rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
        return rows or ([self.currentIndex().row()] if self.currentIndex().isValid() else [])

    def paste(self) -> None:
        cells, several_columns = clipboard_column(QGuiApplication.clipboard().text())
        if not cells or self.model().rowCount() == 0:
            return
        first = max(self.currentIndex().row(), 0)
        done = self.hours_model().set_texts(first, cells)
        top, bottom = self.model().index(first, HOURS_COLUMN), self.model().index(first + done - 1, HOURS_COLUMN)
        self.selectionModel().select(QItemSelection(top, bottom), QItemSelectionModel.ClearAndSelect)
        self.pasted.emit(done, len(cells) - done, several_columns)

    def copy(self) -> None:
        model = self.hours_model()
        rows = self._selected_rows()
        text = "".join(model.data(model.index(r, HOURS_COLUMN)) + "\n" for r in rows)
        QGuiApplication.clipboard().setText(text)

    def clear_selection(self) -> None:
        model = self.hours_model()
        for row in self._selected_rows():
            model.set_texts(row, [""])

