"""A page per entity: search and filters above the list, the record's form beside it, related records below.

The list, the record and its related lists are read in workers; the form shows the selected record once it
arrives. While the form holds unsaved changes the selection stays on its record: the user saves (Ctrl+S) or
cancels (Échap) first, nothing is lost silently. After a write, the page refreshes only when the write touched
what it shows (`concerned_by`).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from erbm_desk.domain.french import format_int
from erbm_desk.domain.entities import SPECS
from erbm_desk.services.records.lists import ListQuery
from erbm_desk.ui.common.unsaved import settle_unsaved
from erbm_desk.ui.common.window_state import remember_splitter
from erbm_desk.ui.database.changes import Changes, shown_with
from erbm_desk.ui.records.filter_bar import FilterBar
from erbm_desk.ui.records.record_form import RecordForm
from erbm_desk.ui.records.record_table import RecordTable
from erbm_desk.ui.records.related_panel import RelatedPanel
from erbm_desk.ui.records.steady_layout import FormFirst
from erbm_desk.ui.records.table_model import RecordTableModel
from erbm_desk.ui.records.workspace import Workspace

SEARCH_HINTS = {
    "cite": "nom, commune, bailleur…",
    "operation": "intitulé, cité…",
    "company": "raison sociale, SIRET, commune…",
    "beneficiary": "nom, prénom, commune…",
    "contract": "bénéficiaire, entreprise, opération…",
}


class ListPage(QWidget):
    def __init__(self, ws: Workspace, entity: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.entity = entity
        self.spec = SPECS[entity]
        self._record_buttons: list[QPushButton] = []
        self.setObjectName(f"page_{entity}")
        # Built in the order Tab visits them: search and filters, the list, the form, the related records.
        self.filters = FilterBar(ws, entity, SEARCH_HINTS.get(entity, ""), self)
        self.model = RecordTableModel(ws.db, ListQuery(entity), self)
        self.table = RecordTable(self.model, self)
        self.table.setObjectName(f"table_{entity}")
        self.form = RecordForm(ws, entity, parent=self)
        self.related = RelatedPanel(ws, entity, self) if self.spec.related else None
        self._layout()
        self.filters.search_changed.connect(self._search)
        self.filters.filter_changed.connect(self._filter)
        self.model.loaded.connect(self._loaded)
        self.model.load_failed.connect(lambda msg: self.count.setText(f"Erreur : {msg}"))
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.opened.connect(lambda _id: self.form.focus_first())  # Entrée on a row: edit it
        self.form.saved.connect(self._saved)
        self.form.deleted.connect(self._deleted)
        self.form.state_changed.connect(self._form_state)
        self.stale = False
        self.watched = shown_with(entity).union(*(shown_with(r.entity) for r in self.spec.related))
        self.reload()

    def _layout(self) -> None:
        title = QLabel(self.spec.plural)
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.count = QLabel()
        self.count.setObjectName("count")
        self.new_button = QPushButton(self.spec.new_title)
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_record)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.count, 1, Qt.AlignBottom)
        self.top = top
        top.addWidget(self.new_button)

        self.split = QSplitter(Qt.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.table)
        if self.related is not None:
            self.side = QSplitter(Qt.Vertical)
            self.side.setChildrenCollapsible(False)
            self.side.addWidget(self.form)
            self.side.addWidget(self.related)
            self.side.setStretchFactor(0, 3)
            self.side.setStretchFactor(1, 2)
            self.split.addWidget(self.side)
            if not remember_splitter(f"{self.entity}/side", self.side):
                FormFirst(self.side, self.form, self.form.natural_height)
        else:
            self.split.addWidget(self.form)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([620, 440])
        remember_splitter(f"{self.entity}/main", self.split)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.split, 1)

    # --- the list ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.count.setText("Chargement…")
        self.model.reload(keep_id=self.form.record_id)

    def concerned_by(self, changes: Changes) -> bool:
        """Does a write change what this page shows (its records, the names they show, their related lists)?"""
        return changes.touches(*self.watched)

    def refresh(self) -> None:
        """Data changed (here or elsewhere): reload the list, the record shown and its related lists."""
        self.stale = False
        if not self.form.dirty and not self.form.saving and self.form.record_id is not None:
            self.form.load(self.form.record_id, lambda found: found or self._show_related(None))
        self.reload()
        if self.related is not None and self.form.record_id is not None:
            self.related.refresh()

    def _search(self, text: str) -> None:
        self.count.setText("Recherche…")
        self.model.set_query(search=text)

    def _filter(self, key: str, value) -> None:
        self.count.setText("Recherche…")
        self.model.set_filter(key, value)

    def _loaded(self) -> None:
        shown, total = len(self.model.ids), self.model.total
        text = self.spec.short_noun.count(shown)
        if shown != total:
            text += f" sur {format_int(total)}"
        self.count.setText(text)
        self._select_quietly(self.form.record_id)

    def _select_quietly(self, record_id: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        try:
            self.table.select_id(record_id)
        finally:
            selection.blockSignals(False)
        self.table.viewport().update()

    def _row_changed(self, current, _previous) -> None:
        record_id = self.model.id_at(current.row()) if current.isValid() else None
        if record_id is None or record_id == self.form.record_id:
            return
        if self.form.saving:
            self._select_quietly(self.form.record_id)
            return
        if self.form.dirty:  # the row stays on the record being edited until the user has answered
            self._select_quietly(self.form.record_id)
            self.leave_record(lambda: self.show_record(record_id))
            return
        self.show_record(record_id, select=False)

    # --- unsaved changes (ui/common/unsaved.py) ------------------------------------------------------------

    def leave_record(self, then: Callable[[], None]) -> None:
        """Run `then` once the record being typed is saved or its changes dropped, asking the user first."""
        settle_unsaved(self, [self], then, on_cancel=lambda: self._select_quietly(self.form.record_id))

    def unsaved(self) -> str | None:
        return self.form.unsaved_text()

    def save_unsaved(self, then: Callable[[], None], refused: Callable[[], None]) -> None:
        self.form.save(then, refused)

    def discard_unsaved(self) -> None:
        self.form.discard()

    # --- the record ----------------------------------------------------------------------------------------

    def show_record(self, record_id: int, select: bool = True) -> None:
        """Show a record in the form once read (and select it in the list when the list holds it)."""

        def shown(found: bool) -> None:
            if found:
                self._show_related(record_id)
                if select:
                    self._select_quietly(record_id)

        self.form.load(record_id, shown)

    def _show_related(self, record_id: int | None) -> None:
        if self.related is not None:
            self.related.show_record(record_id)

    def _deleted(self, _record_id: int) -> None:
        self._show_related(None)
        self.table.setFocus(Qt.OtherFocusReason)

    def _saved(self, record_id: int) -> None:
        self._show_related(record_id)
        self.model.reload(keep_id=record_id)

    def _form_state(self) -> None:
        self.new_button.setEnabled(not self.form.dirty)
        for button in self._record_buttons:
            button.setEnabled(self.form.record_id is not None)

    def add_record_button(self, text: str) -> QPushButton:
        """A button of the top bar about the record shown (enabled only when one is)."""
        button = QPushButton(text)
        button.setEnabled(self.form.record_id is not None)
        self.top.insertWidget(self.top.count() - 1, button)
        self._record_buttons.append(button)
        return button

    # --- actions of the window's menus -------------------------------------------------------------------

    def new_record(self, defaults: dict[str, Any] | None = None) -> None:
        """An empty form (with `defaults`, names as key+'_name'), once the record being typed is settled."""
        if self.form.saving:
            return
        if self.form.dirty:
            self.leave_record(lambda: self.new_record(defaults))
            return
        self._select_quietly(None)
        self.form.new(defaults)
        self._show_related(None)
        self.form.focus_first()

    def save(self) -> None:
        self.form.save()

    def delete(self) -> None:
        self.form.delete()

    def focus_search(self) -> None:
        self.filters.focus_search()

    def is_dirty(self) -> bool:
        return self.form.dirty
