"""How the data-entry window feels on a large database: page open, search typing, scroll to the end.

    .venv/bin/python bench/bench_ui.py [--db demo10.sqlite] [--scale 10]

Without --db (or when the file does not exist) a demo database is made first with
`erbm-desk --db X demo --scale S` (≈ 30 s at scale 10). Runs offscreen in a real MainWindow. For each list page:

- open: from choosing the page in the side bar to its first rows painted;
- key max: the longest a single keystroke of the search kept the UI thread busy;
- search: from the last keystroke to the results painted (includes the 180 ms pause the search box waits for);
- scroll: from the top to the last row loaded and painted, scrolling to the bottom repeatedly;
- block: the longest the UI thread was blocked during the page's steps (a 5 ms timer's lateness).

Baseline for the ratios: a bare QTableView over a plain Python list model of the same row count, in the same
process (open = set the model and paint; scroll = scroll to the bottom and paint; search = filter the list
in Python and reset the model).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="erbm-bench-config-")  # never the user's settings

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from erbm_desk.domain.enums import fold  # noqa: E402

PAGES = {  # page -> what a user would type in its search box
    "cite": "saint",
    "operation": "rehab",
    "company": "gohelle",
    "beneficiary": "martin",
    "contract": "lefebvre",
}
TIMEOUT = 60.0


def pump_until(app: QApplication, done, timeout: float = TIMEOUT) -> None:
    end = time.perf_counter() + timeout
    while not done():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("délai dépassé")
        time.sleep(0.001)


class PlainModel(QAbstractTableModel):
    def __init__(self, rows: list[tuple[str, ...]]):
        super().__init__()
        self.rows = rows

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else (len(self.rows[0]) if self.rows else 0)

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None

    def set_rows(self, rows):
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()


def baseline(app: QApplication, rows: list[tuple[str, ...]], term: str) -> dict[str, float]:
    view = QTableView()
    view.resize(900, 700)
    view.show()
    t0 = time.perf_counter()
    model = PlainModel(rows)
    view.setModel(model)
    view.viewport().repaint()
    app.processEvents()
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    view.scrollToBottom()
    view.viewport().repaint()
    app.processEvents()
    scrolled = time.perf_counter() - t0
    t0 = time.perf_counter()
    wanted = fold(term)
    model.set_rows([r for r in rows if wanted in fold(" ".join(r))])
    view.viewport().repaint()
    app.processEvents()
    searched = time.perf_counter() - t0
    view.close()
    view.deleteLater()
    return {"open": opened, "scroll": scrolled, "search": searched}


def measure_page(app, window, watcher, key: str, term: str) -> dict:
    from erbm_desk.ui.list_page import ListPage

    result: dict = {"page": key}
    watcher.reset()
    t0 = time.perf_counter()
    page: ListPage = window.show_page(key)
    pump_until(app, lambda: not page.model.loading and page.model.rows is not None)
    page.table.viewport().repaint()
    result["open"] = time.perf_counter() - t0
    result["rows"] = len(page.model.ids)
    all_rows = list(page.model.rows)

    # search, typed key by key
    search = page.filters.search
    search.setFocus()
    key_max = 0.0
    for ch in term:
        k0 = time.perf_counter()
        QTest.keyClick(search, ch)
        key_max = max(key_max, time.perf_counter() - k0)
    t0 = time.perf_counter()
    pump_until(app, lambda: not page.filters._timer.isActive() and page.model.query.search == term
               and not page.model.loading)
    page.table.viewport().repaint()
    result["search"] = time.perf_counter() - t0
    result["key_max"] = key_max
    result["found"] = len(page.model.ids)

    # back to the whole list, then scroll to its end
    search.clear()
    pump_until(app, lambda: not page.filters._timer.isActive() and page.model.query.search == ""
               and not page.model.loading)
    t0 = time.perf_counter()
    while page.model.canFetchMore():
        page.table.scrollToBottom()
        app.processEvents()
    page.table.scrollToBottom()
    page.table.viewport().repaint()
    app.processEvents()
    result["scroll"] = time.perf_counter() - t0
    result["block"] = watcher.longest
    result["sample"] = all_rows or page.model.rows
    return result


def ensure_demo(path: Path, scale: float) -> None:
    if path.exists():
        return
    print(f"Création de la base de démonstration (échelle {scale:g}) dans {path}…", flush=True)
    cli = ROOT / ".venv" / "bin" / "erbm-desk"
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "erbm_desk"]
    subprocess.run(command + ["--db", str(path), "demo", "--scale", str(scale)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="base de démonstration (créée si absente)")
    parser.add_argument("--scale", type=float, default=10)
    args = parser.parse_args()
    path = Path(args.db) if args.db else Path(tempfile.gettempdir()) / f"erbm-bench-demo-{args.scale:g}.sqlite"
    ensure_demo(path, args.scale)

    app = QApplication.instance() or QApplication(sys.argv)
    from erbm_desk.services.database import open_database
    from erbm_desk.ui.block_watch import BlockWatcher
    from erbm_desk.ui.main_window import MainWindow
    from erbm_desk.ui.settings import settings

    settings().setValue("window/page", "cite")
    db = open_database(str(path))
    window = MainWindow(db)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    watcher = BlockWatcher(threshold_ms=10_000, interval_ms=5).start()

    results = []
    for key, term in PAGES.items():
        measured = measure_page(app, window, watcher, key, term)
        rows = measured.pop("sample")
        n = measured["rows"]
        full = (rows * (n // max(len(rows), 1) + 1))[:n]  # the same row count, as plain strings
        measured["base"] = baseline(app, full, term)
        results.append(measured)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:7.0f}"

    def ratio(value: float, base: float) -> str:
        return f"×{value / base:5.1f}" if base > 0 else "   —"

    print()
    print(f"ERBM Desk — fenêtre de saisie, base {path.name} (hors écran, Qt {app.platformName()})")
    print(f"{'page':12} {'lignes':>7} | {'ouverture ms':>12} {'':>6} | {'touche max':>10} | {'recherche ms':>12} "
          f"{'':>6} {'trouvées':>8} | {'défil. fin ms':>13} {'':>6} | {'blocage max':>11}")
    for r in results:
        b = r["base"]
        print(f"{r['page']:12} {r['rows']:7d} | {ms(r['open']):>12} {ratio(r['open'], b['open'])} | "
              f"{ms(r['key_max']):>10} | {ms(r['search']):>12} {ratio(r['search'], b['search'])} {r['found']:8d} | "
              f"{ms(r['scroll']):>13} {ratio(r['scroll'], b['scroll'])} | {ms(r['block']):>11}")
    print()
    print("Référence (QTableView nu sur une liste Python du même nombre de lignes) :")
    for r in results:
        b = r["base"]
        print(f"  {r['page']:12} ouverture {ms(b['open'])} ms · recherche {ms(b['search'])} ms · "
              f"défilement jusqu'au bout {ms(b['scroll'])} ms")
    print("La recherche inclut la pause de 180 ms que la boîte attend après la dernière touche.")
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
