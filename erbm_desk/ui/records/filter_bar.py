"""The search box and the filters of a list page, built from the entity's filters in services.queries."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from erbm_desk.services.records.lists import Filter, filters_of
from erbm_desk.ui.common.date_fields import MonthField
from erbm_desk.ui.records.fields import RefPicker
from erbm_desk.ui.records.filter_combos import FilterCombo, RefFilterCombo
from erbm_desk.ui.records.workspace import Workspace

SMALL_LISTS = ("epci", "bailleur")  # offered in a drop-down; longer lists get a type-ahead picker
SEARCH_DELAY_MS = 180
PER_LINE = 3  # filters beside the search box
FILTER_WIDTH = 260  # wait for a pause in the typing before searching


class FilterBar(QWidget):
    search_changed = Signal(str)
    filter_changed = Signal(str, object)  # filter key, value (None: no filter)

    def __init__(self, ws: Workspace, entity: str, search_hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout()
        rows.addLayout(layout)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(f"Rechercher (Ctrl+F) : {search_hint}")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        layout.addWidget(self.search, 2)
        self.widgets: dict[str, QWidget] = {}
        filters = filters_of(entity)
        line = layout
        for i, f in enumerate(filters):
            if i == PER_LINE and len(filters) > PER_LINE + 1:  # many filters: a second line, search kept wide
                line = QHBoxLayout()
                rows.addLayout(line)
            widget = self._make(f)
            widget.setObjectName(f"filter_{f.key}")
            widget.setToolTip(f.label)
            widget.setMaximumWidth(FILTER_WIDTH)
            self.widgets[f.key] = widget
            line.addWidget(widget, 1)
        if line is not layout:
            line.addStretch(1)
        clear = QToolButton()
        clear.setText("Effacer les filtres")
        clear.setObjectName("clear_filters")
        clear.setAutoRaise(True)
        clear.clicked.connect(self.clear)
        line.addWidget(clear)

    def _make(self, f: Filter) -> QWidget:
        if f.kind == "month":
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(QLabel(f.label))
            edit = MonthField()
            edit.setPlaceholderText("tous les mois")
            edit.committed.connect(lambda value: self._month_chosen(f.key, edit, value))
            edit.edited.connect(lambda: self._month_chosen(f.key, edit, edit.value()))  # as soon as it is one
            row.addWidget(edit, 1)
            box.edit = edit
            return box
        if f.kind == "ref" and f.ref not in SMALL_LISTS:
            picker = RefPicker(self.ws.picks, f.ref, f.label)
            picker.setPlaceholderText(f"{f.label} : toutes")
            picker.picked.connect(lambda: self._picked(f.key, picker))
            return picker
        if f.kind == "ref":
            combo = RefFilterCombo(self.ws.picks, f.ref, f.label)
        else:
            combo = FilterCombo(f.label)
            for label, value in f.choices:
                combo.addItem(label, value)
        combo.currentIndexChanged.connect(lambda _i: self.filter_changed.emit(f.key, combo.currentData()))
        return combo

    def _month_chosen(self, key: str, edit: MonthField, value) -> None:
        """A whole month typed, or picked; nothing typed: every month. Half a month (« 03/20 ») changes nothing."""
        if edit.problem() is None and value != getattr(edit, "applied", None):
            edit.applied = value
            self.filter_changed.emit(key, value)

    def _picked(self, key: str, picker: RefPicker) -> None:
        if picker.value() is not None or not picker.text().strip():
            self.filter_changed.emit(key, picker.value())

    def value(self, key: str) -> Any:
        w = self.widgets[key]
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, RefPicker):
            return w.value()
        return w.edit.value()

    def clear(self) -> None:
        self.search.clear()
        for key, w in self.widgets.items():
            if isinstance(w, QComboBox):
                w.setCurrentIndex(0)
            elif isinstance(w, RefPicker):
                if w.value() is not None or w.text():
                    w.set_value(None)
                    self.filter_changed.emit(key, None)
            else:
                w.edit.set_value(None)
                self._month_chosen(key, w.edit, None)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()
