"""The pages of the side bar, each built (and its module imported) the first time it is shown: the window starts
without any of them."""

from __future__ import annotations

import importlib
import sys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from erbm_desk.ui.database.workers import run_job

CHART_MODULES = ("erbm_desk.charts.dashboard",)  # what the dashboard imports to draw its first chart


class Placeholder(QLabel):
    """A page standing for one not available (or the waiting message while the database opens)."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)

    def refresh(self) -> None:
        pass


def is_list_page(page: QWidget | None) -> bool:
    """A record page (ui/records/list_page.py)? Checked without importing that module: until it is imported, no
    page is one."""
    module = sys.modules.get("erbm_desk.ui.records.list_page")
    return module is not None and isinstance(page, module.ListPage)


def make_page(window, key: str) -> QWidget:
    """The page `key` of `window`'s open database."""
    if key == "dashboard":
        from erbm_desk.ui.dashboard.dashboard_page import DashboardPage

        page = DashboardPage(window.db, window)
        preload(window, CHART_MODULES)
        return page
    if key == "hours":
        return _hours_page(window)
    if key == "clauses":
        from erbm_desk.ui.clauses.clauses_page import ClausesPage

        return ClausesPage(window)
    if key == "lot":
        from erbm_desk.ui.clauses.lot_page import make_lot_page

        return make_lot_page(window)
    if key == "todo":
        from erbm_desk.ui.parcours.todo_page import TodoPage

        return TodoPage(window.ws, window)
    from erbm_desk.ui.records.list_page import ListPage

    page = ListPage(window.ws, key, window)
    if key == "cite":
        button = page.add_record_button("Tableau de bord de la cité")
        button.clicked.connect(lambda: window.open_cite_dashboard(page.form.record_id))
    return page


def preload(window: QWidget, modules: tuple[str, ...]) -> None:
    """Import `modules` in a worker now, while the page computes its numbers, rather than on the UI thread when
    it draws its first chart. Measured at demo scale 10 (ERBM_DESK_DEBUG_BLOCKS=1, median of 5 starts): the
    longest freeze of the window went from 0.43 s (up to 0.7 s) to 0.24 s, for numbers shown ~0.3 s later
    (the import shares the interpreter with the computation) and charts drawn no later."""
    run_job(lambda _p: [importlib.import_module(m) for m in modules], lambda _r: None, lambda exc: None,
            owner=window)


def _hours_page(window) -> QWidget:
    try:  # the hours grid is a module of its own: imported only when present
        hours_page = importlib.import_module("erbm_desk.ui.hours.hours_page")
    except ImportError:
        return Placeholder("La saisie mensuelle des heures n'est pas disponible dans cette version.\n"
                           "Les heures d'un contrat se saisissent depuis la page Contrats.")
    return hours_page.HoursPage(window.db, window, history=window.ws.records)
