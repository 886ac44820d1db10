"""A QTableView set up for record lists: one row per line, widths from the column spec, sorting in SQL."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from erbm_desk.ui.records.table_model import ID_ROLE, RecordTableModel

MAX_CHARS = 40


class RecordTable(QTableView):
    opened = Signal(int)  # Entrée or double-click on a row: the record's id

    def __init__(self, model: RecordTableModel, parent: QWidget | None = None, sortable: bool = True):
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table for the next field, as in a form
        self.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        char = self.fontMetrics().averageCharWidth()
        for i, column in enumerate(model.columns):
            label = self.fontMetrics().horizontalAdvance(column.label) + 24
            self.setColumnWidth(i, max(min(column.width, MAX_CHARS) * char + 12, min(label, 220)))
        if sortable:
            keys = [c.key for c in model.columns]
            sort = model.query.sort
            header.setSortIndicator(keys.index(sort) if sort in keys else -1,
                                    Qt.DescendingOrder if model.query.descending else Qt.AscendingOrder)
            header.setSortIndicatorShown(True)
            header.sortIndicatorChanged.connect(model.sort)
            header.setSectionsClickable(True)
        self.activated.connect(lambda index: self.opened.emit(index.data(ID_ROLE)))

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select_id(self, record_id: int | None) -> bool:
        """Select (and scroll to) a record's row; False when no row loaded holds it (when the list holds it further
        down, its rows are loaded in a worker and it is selected then)."""
        model: RecordTableModel = self.model()
        row = model.row_of(record_id) if record_id is not None else -1
        if row < 0 and record_id is not None and model.position(record_id) >= 0:
            model.ensure_loaded(model.position(record_id), lambda: self._select_if_current(record_id))
        if row < 0:
            self.clearSelection()
            self.setCurrentIndex(model.index(-1, -1))
            return False
        index = model.index(row, max(0, self.currentIndex().column()))
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def _select_if_current(self, record_id: int) -> None:
        """The rows down to a record have arrived: select it, unless another was chosen meanwhile."""
        if self.current_id() is None:
            self.select_id(record_id)
