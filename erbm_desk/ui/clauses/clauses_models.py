"""The tables of the « Suivi des clauses » page: one row per lot, one per titulaire company. Plain rows
(`LotLine`, `CompanyLine` from domain/clauses.py); display text, sort keys and colours are computed once per row."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from erbm_desk.domain.clauses import ClauseStatus, Obligation
from erbm_desk.domain.french import format_date, format_hours, format_money, format_percent

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
STATUS_COLORS = {ClauseStatus.BEHIND: "#b5533c", ClauseStatus.AHEAD: "#3f7a5b", ClauseStatus.ON_TRACK: "#2f5d8a"}
STATUS_RANK = {ClauseStatus.BEHIND: 0, ClauseStatus.ON_TRACK: 1, ClauseStatus.AHEAD: 2, None: 3}
Index = QModelIndex | QPersistentModelIndex


def _hours(value) -> str:
    return "" if value is None else f"{format_hours(value)} h"


def _status(o: Obligation) -> str:
    return o.status.label if o.status else "Sans période"


# (header, text, sort key, numbers on the right) for each column
Column = tuple[str, Callable[[Any], str], Callable[[Any], Any], bool]

LOT_COLUMNS: tuple[Column, ...] = (
    ("Statut", lambda r: _status(r.obligation), lambda r: STATUS_RANK[r.obligation.status], False),
    ("N°", lambda r: str(r.id), lambda r: r.id, True),
    ("Titulaire", lambda r: r.company, lambda r: r.company.lower(), False),
    ("Marché", lambda r: r.marche, lambda r: r.marche.lower(), False),
    ("Lot", lambda r: r.title, lambda r: (r.marche.lower(), r.number.zfill(6), r.label.lower()), False),
    ("Cité", lambda r: r.cite, lambda r: r.cite.lower(), False),
    ("EPCI", lambda r: r.epci, lambda r: r.epci, False),
    ("Exigées", lambda r: _hours(r.obligation.required), lambda r: r.obligation.required or -1, True),
    ("Réalisées", lambda r: _hours(r.obligation.realised), lambda r: r.obligation.realised, True),
    ("Taux", lambda r: format_percent(r.obligation.rate) if r.obligation.rate is not None else "",
     lambda r: r.obligation.rate if r.obligation.rate is not None else -1, True),
    ("Attendues", lambda r: _hours(r.obligation.expected), lambda r: r.obligation.expected or -1, True),
    ("Manque", lambda r: _hours(r.obligation.shortfall) if r.obligation.shortfall else "",
     lambda r: r.obligation.shortfall, True),
    ("Fin", lambda r: format_date(r.end) if r.end else "", lambda r: r.end.toordinal() if r.end else 0,
     False),
    ("Pénalité", lambda r: format_money(r.penalty) if r.penalty else "", lambda r: r.penalty or 0, True),
)

COMPANY_COLUMNS: tuple[Column, ...] = (
    ("Statut", lambda r: _status(r.obligation), lambda r: STATUS_RANK[r.obligation.status], False),
    ("Titulaire", lambda r: r.name, lambda r: r.name.lower(), False),
    ("SIRET", lambda r: r.siret, lambda r: r.siret, False),
    ("Type", lambda r: r.kind, lambda r: r.kind, False),
    ("Lots", lambda r: str(r.lots), lambda r: r.lots, True),
    ("Lots en retard", lambda r: str(r.lots_behind), lambda r: r.lots_behind, True),
    ("Exigées", lambda r: _hours(r.obligation.required), lambda r: r.obligation.required or -1, True),
    ("Réalisées", lambda r: _hours(r.obligation.realised), lambda r: r.obligation.realised, True),
    ("Taux", lambda r: format_percent(r.obligation.rate) if r.obligation.rate is not None else "",
     lambda r: r.obligation.rate if r.obligation.rate is not None else -1, True),
    ("Attendues", lambda r: _hours(r.obligation.expected), lambda r: r.obligation.expected or -1, True),
    ("Manque", lambda r: _hours(r.obligation.shortfall) if r.obligation.shortfall else "",
     lambda r: r.obligation.shortfall, True),
)

# What each short header means (its tooltip).
HEADER_TIPS = {
    "Exigées": "Heures d'insertion exigées : montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire, "
               "ou les heures fixées par le marché",
    "Réalisées": "Heures réalisées par les contrats rattachés au lot, jusqu'à la date de la situation",
    "Taux": "Heures réalisées ÷ heures exigées",
    "Attendues": "Heures attendues à la date de la situation : exigées × part écoulée de la période d'exécution",
    "Manque": "Heures manquantes à date : attendues − réalisées",
    "Fin": "Fin de la période d'exécution du lot",
    "Pénalité": "Pénalité d'un lot terminé : heures manquantes × pénalité par heure du lot",
}
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FORE = int(Qt.ItemDataRole.ForegroundRole)
_TIP = int(Qt.ItemDataRole.ToolTipRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class LinesModel(QAbstractTableModel):
    """Rows of `LotLine` or `CompanyLine` with the columns given; `set_rows` replaces them."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list = []
        self._texts: list[tuple[str, ...]] = []
        self._keys: list[tuple] = []
        self._colors: list[QColor | None] = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts = [tuple(text(r) for _h, text, _k, _a in self.columns) for r in self.rows]
        self._keys = [tuple(key(r) for _h, _t, key, _a in self.columns) for r in self.rows]
        self._colors = [QColor(STATUS_COLORS[r.obligation.status]) if r.obligation.status in STATUS_COLORS
                        else None for r in self.rows]
        self.endResetModel()

    def row_at(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == _DISPLAY:
            return self._texts[row][col]
        if role == SORT_ROLE:
            return self._keys[row][col]
        if role == _ALIGN:
            return _RIGHT if self.columns[col][3] else _LEFT
        if role == _FORE and col == 0:
            return self._colors[row]
        if role == _TIP and len(self._texts[row][col]) > 28:
            return self._texts[row][col]
        if role == ID_ROLE:
            return self.rows[row].id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """In Python, on each column's own key (hours as numbers, dates as dates, names without case)."""
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        order_ = sorted(range(len(self.rows)), key=lambda i: self._keys[i][column],
                        reverse=order == Qt.DescendingOrder)
        self.rows = [self.rows[i] for i in order_]
        self._texts = [self._texts[i] for i in order_]
        self._keys = [self._keys[i] for i in order_]
        self._colors = [self._colors[i] for i in order_]
        moved = {old: new for new, old in enumerate(order_)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(persistent, [self.index(moved[i.row()], i.column()) for i in persistent])
        self.layoutChanged.emit()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section][0]
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole and 0 <= section < len(self.columns):
            return HEADER_TIPS.get(self.columns[section][0])
        if orientation == Qt.Horizontal and role == Qt.TextAlignmentRole and 0 <= section < len(self.columns):
            return _RIGHT if self.columns[section][3] else _LEFT
        return None
