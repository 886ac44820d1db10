"""Tableau de bord: for the territory, an EPCI, a bailleur or a cité and a period of months, the KPI tiles, the
comité sentence, the charts in a scrollable grid and the map (clicking a cité opens its dashboard).

The numbers are computed by a reader of the database gateway; the figures are built and drawn here, on the main
thread, one per turn of the event loop, top of the page first. A result that arrives after the user has asked for
another scope is dropped (the newest request wins). matplotlib is imported when the first numbers arrive, not when
the window opens. The main window calls `refresh()` after a write that changes the data; `set_scope()` narrows
the page (e.g. to a cité).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from erbm_desk.charts.dashboard_inputs import CHART_KEYS, chart_inputs
from erbm_desk.charts.style import SCREEN_DPI, fr_month
from erbm_desk.services.database.opening import Database
from erbm_desk.services.reporting.dashboard_data import MAP_INDICATORS, DashboardData, ScopeChoices
from erbm_desk.services.reporting.indicators import SCOPE_LABELS, Period, Scope
from erbm_desk.ui.dashboard.chart_grid import CHART_WIDTH, ChartGrid
from erbm_desk.ui.dashboard.dashboard_tiles import KpiTiles
from erbm_desk.ui.dashboard.period_presets import PeriodPresets
from erbm_desk.ui.database.changes import DATA_ENTITIES, Changes
from erbm_desk.ui.database.gateway import gateway_for

KINDS = ("territory", "epci", "bailleur", "cite")
GRID = tuple(CHART_KEYS)  # reading order
WIDE = {key for key, wide in CHART_KEYS.items() if wide}  # a row of their own, whatever the columns


def _compute(s, scope: Scope, period: Period):
    """Worker side: the numbers and the selectors' choices (and the map's geometry, read once). The whole
    territory comes from the report cache: kept figures, or only the cités a write touched computed again."""
    from erbm_desk.services.reporting.dashboard_data import commune_shapes, dashboard_data, epci_outlines, scope_choices
    from erbm_desk.services.reporting.report_cache import territory_dashboard

    whole = scope == Scope() and period == Period()
    data = territory_dashboard(s, store=False) if whole else dashboard_data(s, scope, period)
    choices = scope_choices(s)
    commune_shapes()
    epci_outlines()
    return data, choices


class DashboardPage(QWidget):
    updated = Signal()  # the tiles and the sentence show the numbers of the current scope and period
    charts_ready = Signal()  # … and every chart has been rebuilt
    failed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.gateway = gateway_for(db)
        self.scope = Scope()
        self.period = Period()
        self.data: DashboardData | None = None
        self.choices: ScopeChoices | None = None
        self.map_indicator = "hours"
        self._generation = 0  # of the data shown: charts of older data are not built
        self._pending: list[str] = []  # charts still to build for the data shown
        self._drawn: dict[str, object] = {}  # chart key -> the inputs its canvas was drawn from
        self._history: list[Scope] = []
        self.canvases: dict = {}  # chart key -> ChartCanvas, created with the first figure
        self.slots: dict[str, QVBoxLayout] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 0)
        outer.addLayout(self._selectors())
        self.title = QLabel("<h2>Tableau de bord — Territoire ERBM</h2>")
        self.title.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.title)

        body = QWidget()
        body.setObjectName("dashboard_body")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 12)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.sentence.setStyleSheet("font-size: 15px; padding: 4px 0 10px 0; color: #1d3b5a;")
        column.addWidget(self.sentence)
        self.tiles = KpiTiles(body)
        column.addWidget(self.tiles)
        self.problems = QLabel()  # what keeps a figure from being complete (undated records…)
        self.problems.setObjectName("data_problems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.problems.setStyleSheet("color: #8a5a00; padding: 6px 0 0 0;")
        self.problems.hide()
        column.addWidget(self.problems)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(14)
        for key in GRID:
            slot = QVBoxLayout()
            slot.setContentsMargins(0, 0, 0, 0)
            if key == "map":
                slot.addLayout(self._map_selector())
            self.slots[key] = slot
        column.addLayout(self.grid)
        column.addStretch()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)
        self.chart_grid = ChartGrid(self.grid, self.scroll, list(self.slots.items()), WIDE, self._chart_width)
        self.chart_grid.columns_changed = self._wide_charts_to_width
        self.chart_grid.lay_out(1)
        self.refresh()

    def _wide_charts_to_width(self, _columns: int) -> None:
        if self.data is not None and "cites" in self.canvases and "cites" not in self._pending:
            figure, rebuild = self._figure(self.data, "cites")
            if figure is not None:
                self.canvases["cites"].set_figure(figure, rebuild)

    def _chart_width(self) -> int:
        widths = [c.width() for key, c in self.canvases.items() if key not in WIDE and c.canvas is not None]
        return max(widths, default=CHART_WIDTH)

    # ---------------------------------------------------------------------------------------------- selectors

    def _selectors(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.back_button = QPushButton("← Précédent")
        self.back_button.setToolTip("Revenir au périmètre affiché avant")
        self.back_button.setEnabled(False)
        self.back_button.clicked.connect(self.go_back)
        self.kind_box = QComboBox()
        for kind in KINDS:
            self.kind_box.addItem(SCOPE_LABELS[kind], kind)
        self.value_box = QComboBox()
        self.value_box.setMinimumContentsLength(42)
        self.value_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.start_box, self.end_box = QComboBox(), QComboBox()
        self.status = QLabel()
        self.status.setStyleSheet("color: #6b7280;")
        self.status.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # a long error never widens the window
        self.kind_box.activated.connect(self._kind_chosen)
        self.value_box.activated.connect(self._selectors_changed)
        self.start_box.activated.connect(self._selectors_changed)
        self.end_box.activated.connect(self._selectors_changed)
        self.preset_box = PeriodPresets()
        self.preset_box.activated.connect(self._preset_chosen)
        for widget in (self.back_button, QLabel("Périmètre :"), self.kind_box, self.value_box,
                       QLabel("Période :"), self.preset_box, QLabel("du"), self.start_box, QLabel("au"),
                       self.end_box):
            row.addWidget(widget)
        row.addWidget(self.status, 1)
        return row

    def _map_selector(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.map_box = QComboBox()
        for key, label in MAP_INDICATORS.items():
            self.map_box.addItem(label, key)
        self.map_box.activated.connect(self._map_indicator_chosen)
        row.addWidget(QLabel("Carte :"))
        row.addWidget(self.map_box)
        row.addStretch()
        return row

    def _fill_choices(self, choices: ScopeChoices) -> None:
        self.choices = choices
        for box, none_label in ((self.start_box, "début"), (self.end_box, "fin")):
            box.blockSignals(True)
            box.clear()
            box.addItem(none_label, "")
            for month in choices.months:
                box.addItem(fr_month(month), month.isoformat())
            box.blockSignals(False)
        self.preset_box.fill(choices.months)
        self._sync_selectors()

    def _preset_chosen(self, _index: int) -> None:
        period = self.preset_box.chosen()
        if period is not None:
            self._go(self.scope, period)

    def _values_for(self, kind: str) -> list[tuple[str, object]]:
        if self.choices is None or kind == "territory":
            return []
        return self.choices.by_kind()[kind]

    def _sync_selectors(self) -> None:
        """Show the current scope and period in the selectors, without triggering them."""
        for box in (self.kind_box, self.value_box, self.start_box, self.end_box):
            box.blockSignals(True)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(self.scope.kind)))
        self._fill_values(self.scope.kind)
        self.value_box.setCurrentIndex(max(0, self._value_index(self.scope.value)))
        for box, month in ((self.start_box, self.period.start), (self.end_box, self.period.end)):
            box.setCurrentIndex(max(0, box.findData(month.isoformat() if month else "")))
        for box in (self.kind_box, self.value_box, self.start_box, self.end_box):
            box.blockSignals(False)
        self.preset_box.show_period(self.period)

    def _value_index(self, value) -> int:
        """The selector's item for a scope value: its id/SIREN, or a name as typed (« CALL », « SIA Habitat »)."""
        if value is None:
            return -1
        index = self.value_box.findData(self.choices.value_of(self.scope.kind, value) if self.choices else str(value))
        if index < 0:
            from erbm_desk.domain.text import fold

            wanted = fold(str(value))
            for i in range(self.value_box.count()):
                text = fold(self.value_box.itemText(i))
                if text == wanted or text.startswith(f"{wanted} "):
                    return i
        return index

    def _fill_values(self, kind: str) -> None:
        self.value_box.clear()
        for label, value in self._values_for(kind):
            self.value_box.addItem(label, str(value))
        self.value_box.setVisible(kind != "territory")

    def _kind_chosen(self, _index: int) -> None:
        kind = self.kind_box.currentData()
        self.value_box.blockSignals(True)
        self._fill_values(kind)
        self.value_box.blockSignals(False)
        self._selectors_changed()

    def _selectors_changed(self, *_args) -> None:
        from datetime import date

        kind = self.kind_box.currentData()
        value = self.value_box.currentData() if kind != "territory" else None
        if kind != "territory" and not value:
            return
        start, end = self.start_box.currentData(), self.end_box.currentData()
        start = date.fromisoformat(start) if start else None
        end = date.fromisoformat(end) if end else None
        if start and end and end < start:
            start, end = end, start
        self._go(Scope(kind, value), Period(start, end))

    def _map_indicator_chosen(self, _index: int) -> None:
        self.map_indicator = self.map_box.currentData()
        if self.data is not None:
            self._canvas("map").set_figure(*self._figure(self.data, "map"))
            self._drawn["map"] = chart_inputs(self.data, "map", self.map_indicator)

    # ---------------------------------------------------------------------------------------------- scope

    def set_scope(self, scope: Scope) -> None:
        """Show `scope` (same period); the selectors follow."""
        self._go(scope, self.period)

    def set_period(self, period: Period) -> None:
        self._go(self.scope, period)

    def open_cite(self, cite_id: int) -> None:
        """A cité clicked on the map or in the comparison: its dashboard, from the top (its sentence and tiles)."""
        self.set_scope(Scope("cite", int(cite_id)))
        self.scroll.verticalScrollBar().setValue(0)

    def go_back(self) -> None:
        if self._history:
            self.scope = self._history.pop()
            self.back_button.setEnabled(bool(self._history))
            self._sync_selectors()
            self.refresh()

    def _go(self, scope: Scope, period: Period) -> None:
        if scope != self.scope:
            self._history.append(self.scope)
            self.back_button.setEnabled(True)
        self.scope, self.period = scope, period
        self._sync_selectors()
        self.refresh()

    # ---------------------------------------------------------------------------------------------- data

    def concerned_by(self, changes: Changes) -> bool:
        return changes.touches(*DATA_ENTITIES)

    def refresh(self) -> None:
        """Compute the numbers of the current scope and period in a worker, then redraw."""
        self._generation += 1  # the charts of the data shown stop being built
        scope, period = self.scope, self.period
        self.status.setText("Calcul en cours…")
        self.gateway.read(self, lambda s: _compute(s, scope, period), self._computed, self._failed,
                          latest="figures")

    def _computed(self, result) -> None:
        data, choices = result
        if data.scope != self.scope and data.scope.kind == self.scope.kind:
            self.scope = data.scope  # a cité given by its id (a click on the map): now named as the pickers name it
        self._fill_choices(choices)
        self.show_data(data)
        self.status.setText("")
        self.updated.emit()
        if data.scope == Scope() and data.period == Period():  # kept for the next opening, once shown

            def store(_progress) -> None:
                from erbm_desk.services.reporting.report_cache import store_kept

                store_kept(self.db)

            self.gateway.job(self, store, lambda _result: None)

    def _failed(self, exc: BaseException) -> None:
        from erbm_desk.services.reporting.indicators import ScopeError

        message = str(exc) if isinstance(exc, ScopeError) else f"Calcul impossible : {exc}"
        self.status.setText(message)
        self.status.setToolTip(message)  # whole, when the label has room for its beginning only
        self.failed.emit(message)
        if isinstance(exc, ScopeError) and self.scope != Scope():
            self.scope = Scope()  # e.g. the cité shown was deleted: back to the territory
            self._sync_selectors()
            self.refresh()

    def show_known(self, data: DashboardData) -> None:
        """The tiles and sentence of territory figures known to equal a fresh computation (those stored in the file,
        shown at start-up), while the page has computed none of its own: the tiles never go blank in between."""
        if self.data is None and self.scope == Scope() and self.period == Period():
            self.title.setText(f"<h2>Tableau de bord — {data.label}</h2>")
            self.sentence.setText(f"« {data.indicators.sentence} »")
            self.tiles.show_data(data)

    def show_data(self, data: DashboardData) -> None:
        """Tiles and sentence for `data` at once, then the charts one per turn of the event loop (each takes a
        few tens of milliseconds to build and draw: the window stays responsive meanwhile)."""
        self.data = data
        self.title.setText(f"<h2>Tableau de bord — {data.label}</h2>")
        self.sentence.setText(f"« {data.indicators.sentence} »")
        problems = data.indicators.data_problems
        self.problems.setText("Données à compléter : " + " ".join(problems) if problems else "")
        self.problems.setVisible(bool(problems))
        self.tiles.show_data(data)
        # Only the charts whose data changed are built again (after a write, most of them did not).
        self._pending = [key for key in GRID
                         if key not in self._drawn or self._drawn[key] != chart_inputs(data, key, self.map_indicator)]
        generation = self._generation
        if not self._pending:
            QTimer.singleShot(0, self, lambda: self._build_next(generation))
            return
        # With `self` as context, Qt drops the call if the page is deleted first (window closed meanwhile).
        QTimer.singleShot(0, self, lambda: self._build_next(generation))

    def _canvas(self, key: str):
        if key not in self.canvases:
            from erbm_desk.ui.dashboard.chart_canvas import ChartCanvas

            canvas = ChartCanvas(parent=self.scroll.widget())
            canvas.cite_clicked.connect(self.open_cite)
            self.slots[key].addWidget(canvas)
            self.canvases[key] = canvas
        return self.canvases[key]

    def _figure(self, data: DashboardData, key: str):
        """(the chart `key` of `data` for the screen, how to make it anew in a worker for a copy or a file)."""
        from erbm_desk.charts.dashboard import dashboard_figures

        indicator = self.map_indicator
        # the comparison of cités spans two columns, or the one the page has room for
        width = self.chart_grid.span_width(min(2, self.chart_grid.columns or 1)) / SCREEN_DPI

        def make():
            return dashboard_figures(data, map_indicator=indicator, keys=[key], cites_width=width).get(key)

        return make(), make

    def _build_next(self, generation: int) -> None:
        if generation != self._generation or self.data is None or not isValid(self.scroll):
            return
        if not self._pending:  # nothing changed in the charts
            self.charts_ready.emit()
            return
        key = self._pending.pop(0)
        figure, rebuild = self._figure(self.data, key)
        if figure is not None:
            self._canvas(key).set_figure(figure, rebuild)
        if key in self.canvases:
            self.canvases[key].setVisible(figure is not None)
        self._drawn[key] = chart_inputs(self.data, key, self.map_indicator)
        if self._pending:
            QTimer.singleShot(0, self, lambda: self._build_next(generation))
        else:
            self.chart_grid.reflow()  # the charts' own width is known now
            self.charts_ready.emit()
