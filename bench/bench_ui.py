"""The data-entry window's list pages at scale: open each page, type a search, scroll to the last row.

Measured in a real (offscreen) MainWindow on the demo database, opened read-only. For each list page (Cités,
Opérations, Entreprises, Bénéficiaires, Contrats):

- open: from choosing the page to its first rows painted (the page is built anew for each run);
- search: from the first keystroke of a search typed key by key to its results painted (this includes the
  180 ms pause the search box waits for after the last key);
- scroll: from the top of the whole list to its last row loaded and painted, scrolling to the bottom again
  and again as a user dragging the scroll bar would.

The note of each case gives the longest single keystroke and the longest UI-thread block seen (a 5 ms timer's
lateness): "never freeze" means both stay well under 200 ms. The baseline, in the same process, is a bare
QTableView over a plain Python list model holding the same number of rows (open = set the model and paint,
search = filter the Python list with the app's accent folding and reset the model, scroll = scroll to the
bottom and paint).

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py --scale 10`
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="erbm-bench-config-"))  # not the user's settings

from bench.common import demo_database, main_for, measure, result  # noqa: E402

PAGES = {  # page -> what a user would type in its search box
    "cite": "saint",
    "operation": "rehab",
    "company": "gohelle",
    "beneficiary": "martin",
    "contract": "lefebvre",
}
REPEAT = 3
TIMEOUT = 120.0


def _pump_until(app, done) -> None:
    end = time.perf_counter() + TIMEOUT
    while not done():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("délai dépassé")
        time.sleep(0.0005)


def _plain_model(rows):
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    display = int(Qt.ItemDataRole.DisplayRole)

    class PlainModel(QAbstractTableModel):
        def __init__(self):
            super().__init__()
            self.rows = rows

        def rowCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() or not self.rows else len(self.rows[0])

        def data(self, index, role=display):
            return self.rows[index.row()][index.column()] if role == display else None

        def set_rows(self, new_rows):
            self.beginResetModel()
            self.rows = new_rows
            self.endResetModel()

    return PlainModel()


def _baseline(app, rows: list[tuple[str, ...]], term: str) -> dict[str, float]:
    """The same three jobs on a bare QTableView over a Python list of the same rows."""
    from PySide6.QtWidgets import QTableView

    from erbm_desk.domain.text import fold

    view = QTableView()
    view.resize(900, 700)
    view.show()
    state = {}

    def open_view():
        state["model"] = _plain_model(rows)
        view.setModel(state["model"])
        view.viewport().repaint()
        app.processEvents()

    def search():
        wanted = fold(term)
        state["model"].set_rows([r for r in rows if wanted in fold(" ".join(r))])
        view.viewport().repaint()
        app.processEvents()

    def scroll():
        view.scrollToBottom()
        view.viewport().repaint()
        app.processEvents()

    out = {
        "open": measure(open_view, REPEAT, 1)[0],
        "search": measure(search, REPEAT, 1, setup=lambda: state["model"].set_rows(rows))[0],
        "scroll": measure(scroll, REPEAT, 1, setup=view.scrollToTop)[0],
    }
    view.close()
    view.deleteLater()
    return out


def run(scale: float) -> list[dict]:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from erbm_desk.domain.entities import SPECS
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.ui.window.block_watch import BlockWatcher
    from erbm_desk.ui.window.main_window import MainWindow
    from erbm_desk.ui.common.window_state import settings

    settings().setValue("window/page", "cite")
    db = open_database(str(demo_database(scale)), read_only=True)
    window = MainWindow(db)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    watcher = BlockWatcher(threshold_ms=10_000, interval_ms=5).start()
    rows: list[dict] = []
    for key, term in PAGES.items():
        label = SPECS[key].plural
        state: dict = {}

        def page():
            return window.stack.pages[key]

        def open_page():
            state["page"] = window.show_page(key)
            _pump_until(app, lambda: not state["page"].model.loading)
            state["page"].table.viewport().repaint()

        def fresh_page():
            window.show_page("company" if key == "cite" else "cite")
            window.stack.drop_page(key)  # built again by the next show_page
            app.processEvents()

        watcher.reset()
        open_s, open_mb = measure(open_page, REPEAT, 1, setup=fresh_page)
        open_block = watcher.longest
        n = len(page().model.ids)
        sample = page().model.rows
        plain_rows = (sample * (n // max(len(sample), 1) + 1))[:n]
        base = _baseline(app, plain_rows, term)

        typing = {"key_max": 0.0}

        def search():
            box = page().filters.search
            box.setFocus()
            for ch in term:
                k0 = time.perf_counter()
                QTest.keyClick(box, ch)
                typing["key_max"] = max(typing["key_max"], time.perf_counter() - k0)
            _pump_until(app, lambda: not page().filters._timer.isActive() and page().model.query.search == term
                        and not page().model.loading)
            page().table.viewport().repaint()

        def clear_search():
            page().filters.search.clear()
            _pump_until(app, lambda: not page().filters._timer.isActive() and page().model.query.search == ""
                        and not page().model.loading)

        watcher.reset()
        search_s, search_mb = measure(search, REPEAT, 1, setup=clear_search)
        found = len(page().model.ids)
        search_block = watcher.longest
        clear_search()

        def scroll():
            table = page().table
            while page().model.canFetchMore():  # each chunk, read in a worker, arrives as an event
                table.scrollToBottom()
                app.processEvents()
                time.sleep(0.0005)  # an idle event loop between two drags, as a user's: the worker runs meanwhile
            table.scrollToBottom()
            table.viewport().repaint()
            app.processEvents()

        def back_to_top():
            page().model.reload()
            _pump_until(app, lambda: not page().model.loading)
            page().table.scrollToTop()

        watcher.reset()
        scroll_s, scroll_mb = measure(scroll, REPEAT, 0, setup=back_to_top)
        scroll_block = watcher.longest

        bare = f"bare QTableView, Python list of {n} rows"
        rows += [
            result(f"open the {label} page", open_s, base["open"], open_mb, bare,
                   f"{n} rows; UI thread blocked ≤ {open_block * 1000:.0f} ms; median of {REPEAT}"),
            result(f"search « {term} » in {label}", search_s, base["search"], search_mb,
                   "filter the Python list, reset the model",
                   f"{found} found; longest keystroke {typing['key_max'] * 1000:.0f} ms; UI thread blocked ≤ "
                   f"{search_block * 1000:.0f} ms; includes the 180 ms typing pause"),
            result(f"scroll {label} to the end", scroll_s, base["scroll"], scroll_mb, bare,
                   f"{n} rows loaded in chunks; UI thread blocked ≤ {scroll_block * 1000:.0f} ms"),
        ]
    watcher.stop()
    window.close()
    db.close()
    return rows


if __name__ == "__main__":
    main_for(run)
