"""The months of the lot selected on the « Suivi des clauses » page: hours realised in each, cumulated, and
expected by its end (domain/clauses.py::monthly_progress); a month whose cumulated hours fall short of the
expectation beyond the base's tolerance is shown in the « en retard » colour."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from erbm_desk.domain.clauses import ClauseStatus, MonthLine, status
from erbm_desk.domain.french import format_hours, format_month
from erbm_desk.ui.clauses.clauses_models import STATUS_COLORS

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Mois", "Réalisées", "Cumul", "Attendues fin de mois", "Écart")
TIPS = {
    "Réalisées": "Heures réalisées dans le mois par les contrats rattachés au lot",
    "Cumul": "Heures réalisées depuis le premier mois",
    "Attendues fin de mois": "Heures exigées × part écoulée de la période d'exécution à la fin du mois",
    "Écart": "Cumul − attendues : négatif quand l'entreprise est en deçà",
}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _hours(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return ""
    text = f"{format_hours(abs(value) if signed else value)} h"
    return ("+ " if value > 0 else "− " if value < 0 else "") + text if signed else text


class MonthsModel(QAbstractTableModel):
    """Read-only rows of `MonthLine`, in month order; `set_months` replaces them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.months: list[MonthLine] = []
        self._texts: list[tuple[str, ...]] = []
        self._late: list[bool] = []

    def set_months(self, months: list[MonthLine], tolerance: Decimal) -> None:
        self.beginResetModel()
        self.months = list(months)
        self._texts = [(format_month(m.month), _hours(m.realised), _hours(m.cumulated), _hours(m.expected),
                        _hours(None if m.expected is None else m.cumulated - m.expected, signed=True))
                       for m in self.months]
        self._late = [status(m.cumulated, m.expected, tolerance) == ClauseStatus.BEHIND for m in self.months]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.months)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.DisplayRole:
            return self._texts[row][col]
        if role == Qt.TextAlignmentRole and col > 0:
            return _RIGHT
        if role == Qt.ForegroundRole and col == 4 and self._late[row]:
            return QColor(STATUS_COLORS[ClauseStatus.BEHIND])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if orientation != Qt.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.DisplayRole:
            return HEADERS[section]
        if role == Qt.ToolTipRole:
            return TIPS.get(HEADERS[section])
        if role == Qt.TextAlignmentRole and section > 0:
            return _RIGHT
        return None
