"""The base of the wizard's tables: a model over plain rows (no ORM object, nothing read in `data()`), each column
said by a small spec, some columns offering a list of choices to an editor (`CHOICES_ROLE`), and the delegate that
edits them with a drop-down list the keyboard drives (type the first letters, Entrée)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QWidget

from erbm_desk.ui.common.dialogs import is_dark

Index = QModelIndex | QPersistentModelIndex
CHOICES_ROLE = int(Qt.UserRole) + 1  # [(value, label)] an editor offers for this cell
VALUE_ROLE = int(Qt.UserRole) + 2  # the cell's value (a code), as opposed to its text


def error_background() -> QColor:
    return QColor("#5c1f1f") if is_dark() else QColor("#fde2e2")


def error_foreground() -> QColor:
    return QColor("#ff8a80") if is_dark() else QColor("#b00020")


def warning_background() -> QColor:
    return QColor("#4d4215") if is_dark() else QColor("#fff4c2")


def ok_background() -> QColor:
    return QColor("#1f3d23") if is_dark() else QColor("#e5f4e7")


@dataclass(frozen=True)
class Col:
    title: str
    text: Callable[[Any], str]
    editable: bool = False
    checkable: bool = False


class RowsModel(QAbstractTableModel):
    """Rows of any plain object; columns said by `Col`s; subclasses add colours, tool tips, edits."""

    columns: tuple[Col, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return section + 1

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.DisplayRole, Qt.EditRole):
            return None if col.checkable else col.text(row)
        if role == Qt.CheckStateRole and col.checkable:
            return Qt.Checked if col.text(row) else Qt.Unchecked
        return self.extra(row, index.column(), role)

    def extra(self, row: Any, column: int, role: int) -> Any:
        """Colours, tool tips, choices: nothing by default."""
        return None

    def flags(self, index: Index) -> Qt.ItemFlags:
        if not index.isValid():
            return Qt.NoItemFlags
        col = self.columns[index.column()]
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if col.editable:
            flags |= Qt.ItemIsEditable
        if col.checkable:
            flags |= Qt.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.EditRole) -> bool:
        if not index.isValid() or not (self.flags(index) & (Qt.ItemIsEditable | Qt.ItemIsUserCheckable)):
            return False
        if role == Qt.CheckStateRole:
            value = Qt.CheckState(value) == Qt.Checked
        elif role != Qt.EditRole:
            return False
        if not self.edit(self.rows[index.row()], index.column(), value):
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        return True

    def edit(self, row: Any, column: int, value: Any) -> bool:
        return False


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell whose model offers choices (`CHOICES_ROLE`) with a drop-down list; other cells as usual."""

    def createEditor(self, parent: QWidget, option, index: Index) -> QWidget:
        choices = index.data(CHOICES_ROLE)
        if not choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setObjectName("choice_editor")
        for value, label in choices:
            combo.addItem(label, value)
        combo.setMaxVisibleItems(20)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            current = index.data(VALUE_ROLE)
            position = editor.findData(current)
            editor.setCurrentIndex(max(position, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.EditRole)
            return
        super().setModelData(editor, model, index)
