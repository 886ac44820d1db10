"""A table model over a list of records: plain display rows and ids, loaded in chunks, sorted and filtered in SQL.

`reload()` asks a reader (through the database gateway) for every matching id (in order) and the first rows; the
view then pulls more rows with `fetchMore` as it scrolls, each chunk a primary-key lookup read in a worker too:
the rows are inserted when they arrive (Qt asks again while the last row is in view). A newer request wins over
an older one still on its way. `data()` only indexes a Python list.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.services.database.opening import Database
from erbm_desk.services.records.lists import CHUNK, ListPage, ListQuery, display_rows, load_list
from erbm_desk.ui.database.gateway import gateway_for

NUMERIC = (Kind.INT, Kind.DECIMAL, Kind.MONEY)
MAX_CHUNK = 1024
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
Index = QModelIndex | QPersistentModelIndex


class RecordTableModel(QAbstractTableModel):
    loaded = Signal()  # a (re)load has arrived: ids, first rows and counts are known
    load_failed = Signal(str)

    def __init__(self, db: Database, query: ListQuery, parent=None):
        super().__init__(parent)
        self.gateway = gateway_for(db)
        self.query = query
        self.columns = SPECS[query.entity].columns
        self.ids: list[int] = []  # every matching record, in order
        self.rows: list[tuple[str, ...]] = []  # display rows of ids[:len(rows)]
        self.total = 0  # records of the entity, whatever the search and filters
        self.loading = False  # a (re)load is on its way
        self.fetching = False  # more rows are on their way
        self._after_load: list[Callable[[], None]] = []
        self._chunk = CHUNK
        self._last_fetch = 0.0
        self._right = {i for i, c in enumerate(self.columns) if c.kind in NUMERIC}

    # --- loading -------------------------------------------------------------------------------------------

    def set_query(self, **changes: Any) -> None:
        """Change search, filters or sort (ListQuery fields) and reload."""
        self.query = replace(self.query, **changes)
        self.reload()

    def set_filter(self, key: str, value: Any) -> None:
        self.set_query(filters={**self.query.filters, key: value})

    def reload(self, keep_id: int | None = None) -> None:
        """Load the list again in a worker; with `keep_id`, load at least up to that record."""
        query = replace(self.query, filters=dict(self.query.filters))
        self.loading = True
        self.fetching = False  # rows of the list as it was are no longer wanted

        def done(page: ListPage) -> None:
            self.loading = False
            self.beginResetModel()
            self.ids = page.ids
            self.rows = [row for _, row in page.rows]
            self.total = page.total
            self.endResetModel()
            self.loaded.emit()
            waiting, self._after_load = self._after_load, []
            for then in waiting:
                then()

        def failed(exc: BaseException) -> None:
            self.loading = False
            self._after_load.clear()
            self.load_failed.emit(str(exc))

        self.gateway.read(self, lambda s: load_list(s, query, CHUNK, keep_id), done, failed, latest="list")

    def _absorb(self, start: int, asked: list[int], got: list[tuple[int, tuple[str, ...]]]) -> list[tuple]:
        """Rows fetched for ids[start:…]; records deleted since the id query leave the list."""
        if len(got) != len(asked):
            present = {rid for rid, _ in got}
            self.ids[start:start + len(asked)] = [i for i in asked if i in present]
        return [row for _, row in got]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.loading and len(self.rows) < len(self.ids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self.loading or self.fetching:
            return
        now = time.monotonic()
        # Scrolling fast to the end asks chunk after chunk: let them grow (up to a few tens of ms of work each).
        self._chunk = min(self._chunk * 2, MAX_CHUNK) if now - self._last_fetch < 0.5 else CHUNK
        self._last_fetch = now
        self._fetch(len(self.rows) + self._chunk - 1)

    def ensure_loaded(self, row: int, then: Callable[[], None] | None = None) -> None:
        """Load the rows up to `row` (in a worker), then `then()`; at once when they are loaded already."""
        if self.loading:
            self._after_load.append(lambda: self.ensure_loaded(row, then))
            return
        if row < len(self.rows) or not self.canFetchMore():
            if then is not None:
                then()
            return
        self._fetch(row, then)

    def _fetch(self, last: int, then: Callable[[], None] | None = None) -> None:
        start = len(self.rows)
        asked = self.ids[start:last + 1]
        if not asked:
            return
        entity = self.query.entity
        self.fetching = True

        def arrived(got: list[tuple[int, tuple[str, ...]]]) -> None:
            self.fetching = False
            if start != len(self.rows) or self.loading:
                return  # the list was reloaded meanwhile
            rows = self._absorb(start, asked, got)
            if rows:
                self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
                self.rows.extend(rows)
                self.endInsertRows()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self.fetching = False
            self.load_failed.emit(str(exc))

        # The same key as the list's: a reload asked meanwhile makes these rows unwanted.
        self.gateway.read(self, lambda s: display_rows(s, entity, asked), arrived, failed, latest="list")

    # --- reading -------------------------------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.rows) else None

    def row_of(self, record_id: int) -> int:
        """Row of a record among the rows loaded; -1 when they do not hold it (`position` says whether the list
        does, further down)."""
        row = self.position(record_id)
        return row if row < len(self.rows) else -1

    def position(self, record_id: int) -> int:
        """Place of a record in the whole list, loaded or not; -1 when the list does not hold it."""
        try:
            return self.ids.index(record_id)
        except ValueError:
            return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        # Hot path (called for every role of every visible cell): plain ints, no Qt enum lookups (each
        # `Qt.Something` costs ~10 µs in PySide6).
        row = index.row()
        if row < 0:
            return None
        if role == _DISPLAY:
            return self.rows[row][index.column()]
        if role == _ALIGNMENT:
            return _RIGHT if index.column() in self._right else _LEFT
        if role == _TOOLTIP:
            text = self.rows[row][index.column()]
            return text if len(text) > 30 else None
        if role == ID_ROLE:
            return self.ids[row]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if orientation != Qt.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.DisplayRole:
            return column.label
        if role == Qt.ToolTipRole:
            return column.help or column.label
        if role == Qt.TextAlignmentRole and section in self._right:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if 0 <= column < len(self.columns):
            self.set_query(sort=self.columns[column].key, descending=order == Qt.DescendingOrder)
