"""At start-up, the dashboard's tiles and sentence from the figures stored in the database file, shown while the
database still opens (services/reporting/stored_figures.py says when they may be: only when they are what a fresh
computation would give on that file). Read in a worker with the standard library alone; the window's opening
message is replaced by them, and the real dashboard takes their place once the database is open, showing them
until its own computation is done."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from erbm_desk.domain.figures import DashboardData
from erbm_desk.ui.dashboard.dashboard_tiles import KpiTiles
from erbm_desk.ui.database.workers import run_job


class StoredFiguresView(QWidget):
    """The top of the dashboard (title, sentence, tiles) for stored figures, and a line saying the database opens."""

    def __init__(self, data: DashboardData, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 0)
        self.status = QLabel("Ouverture de la base… Chiffres à jour du dernier calcul ; les graphiques suivent.")
        self.status.setStyleSheet("color: #6b7280;")
        self.title = QLabel(f"<h2>Tableau de bord — {data.label}</h2>")
        self.sentence = QLabel(f"« {data.indicators.sentence} »")
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.sentence.setStyleSheet("font-size: 15px; padding: 4px 0 10px 0; color: #1d3b5a;")
        self.tiles = KpiTiles(self)
        self.tiles.show_data(data)
        for widget in (self.status, self.title, self.sentence, self.tiles):
            layout.addWidget(widget)
        layout.addStretch()

    def refresh(self) -> None:  # the window's pages all have one
        pass


def preview_stored_figures(window: QMainWindow, target: str, shown: Callable[[], None] | None = None,
                           then: Callable[[], None] = lambda: None) -> None:
    """If the window still waits for `target` on its dashboard, show its stored figures as soon as they are read;
    `shown()` once they are on screen. The view goes away when the window shows a real page. `then()` once the
    read is over, whatever it found (at once when there is nothing to read)."""

    marked = getattr(window, "_marked_key", lambda: "dashboard")()
    if marked not in (None, "dashboard"):
        then()
        return  # the window reopens on another page

    def read(_progress):
        from erbm_desk.services.reporting.stored_figures import stored_territory_figures

        return stored_territory_figures(target)

    def arrived(data: DashboardData | None) -> None:
        label = getattr(window, "opening_label", None)
        stack = window.stack
        if data is None or label is None or stack.currentWidget() is not label:
            return  # nothing stored, or the database is open already (or another page was asked for)
        view = StoredFiguresView(data)
        stack.addWidget(view)
        stack.setCurrentWidget(view)

        def page_shown(_index: int) -> None:
            page = stack.currentWidget()
            if page is not view:
                stack.currentChanged.disconnect(page_shown)
                stack.removeWidget(view)
                view.deleteLater()
                show_known = getattr(page, "show_known", None)  # the real dashboard keeps them until its own
                if show_known is not None:
                    show_known(data)

        stack.currentChanged.connect(page_shown)
        if shown is not None:
            shown()

    def over(data: DashboardData | None) -> None:
        arrived(data)
        then()

    run_job(read, over, lambda _exc: then(), owner=window)
