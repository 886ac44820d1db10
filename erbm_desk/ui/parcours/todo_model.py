"""The table model of the « À faire » list: plain rows (services/parcours/todo.py's items), overdue ones in red."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from erbm_desk.domain.french import format_date, format_int
from erbm_desk.services.parcours.todo import KIND_LABELS, TodoItem

COLUMNS = ("Échéance", "Retard", "Personne", "À faire", "Type", "Contexte", "Chargé·e de suivi")
LATE = QColor("#b5533c")


class TodoModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.items: list[TodoItem] = []
        self.today = date.today()

    def set_items(self, items: list[TodoItem], today: date) -> None:
        self.beginResetModel()
        self.items, self.today = list(items), today
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def _text(self, item: TodoItem, column: int) -> str:
        if column == 0:
            return format_date(item.due)
        if column == 1:
            late = item.days_late(self.today)
            return f"{format_int(late)} j" if late > 0 else ""
        return (item.person, item.what, KIND_LABELS[item.kind], item.context, item.in_charge)[column - 2]

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        item = self.items[index.row()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self._text(item, index.column())
        if role == Qt.ForegroundRole and item.overdue(self.today) and index.column() in (0, 1, 3):
            return QBrush(LATE)
        if role == Qt.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def item_at(self, row: int) -> TodoItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None
