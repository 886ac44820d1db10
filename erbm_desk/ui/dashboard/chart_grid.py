"""The dashboard's charts in as many columns as the page's width holds — one, two or three — so that a 1280-pixel
window needs no sideways scrolling and a 1920-pixel one leaves no empty band on the right. Wide charts (the map,
the cités compared) take a whole row. The order stays the reading order: left to right, then down."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLayout, QScrollArea

MAX_COLUMNS = 3
CHART_WIDTH = 560  # the width of a dashboard chart (charts/style.py) until the first one is drawn


class ChartGrid(QObject):
    """Lays `slots` (chart key -> layout, in reading order; `wide` keys on a row of their own) out in `grid`,
    again whenever the viewport of `scroll` changes width."""

    def __init__(self, grid: QGridLayout, scroll: QScrollArea, slots: list[tuple[str, QLayout]], wide: set[str],
                 chart_width=lambda: CHART_WIDTH):
        super().__init__(scroll)
        self.grid, self.scroll, self.slots, self.wide = grid, scroll, slots, wide
        self.chart_width = chart_width
        self.columns = 0
        self.columns_changed = lambda columns: None  # the page redraws its wide charts to the new width
        scroll.viewport().installEventFilter(self)

    def columns_for(self, width: int) -> int:
        spacing = self.grid.horizontalSpacing()
        margins = self.grid.parentWidget().contentsMargins() if self.grid.parentWidget() else None
        room = width - (margins.left() + margins.right() if margins else 0)
        return max(1, min(MAX_COLUMNS, (room + spacing) // (self.chart_width() + spacing)))

    def lay_out(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for _key, slot in self.slots:
            self.grid.removeItem(slot)
        row = col = 0
        for key, slot in self.slots:
            if key in self.wide:
                if col:
                    row, col = row + 1, 0
                self.grid.addLayout(slot, row, 0, 1, columns, Qt.AlignLeft | Qt.AlignTop)
                row += 1
                continue
            self.grid.addLayout(slot, row, col, Qt.AlignLeft | Qt.AlignTop)
            col += 1
            if col == columns:
                row, col = row + 1, 0
        self.columns_changed(columns)

    def span_width(self, columns: int) -> int:
        """The width, in pixels, of `columns` charts side by side."""
        return columns * self.chart_width() + (columns - 1) * self.grid.horizontalSpacing()

    def reflow(self) -> None:
        self.lay_out(self.columns_for(self.scroll.viewport().width()))

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize:
            self.reflow()
        return False
