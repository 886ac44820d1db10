"""Start-up: time from process start to the main window first shown, against a bare PySide6 window with a table.

Both are fresh processes, run alternately in the same run (so both see the same machine load), offscreen;
each prints `ERBM_DESK_SHOWN <epoch>` from a QTimer.singleShot(0) queued right after show(), i.e. when the
event loop first runs with the window shown. The time is measured from just before the process is spawned
(interpreter start included). The app opens a demo database at the given scale through the real entry point
(`python -m erbm_desk --db …`, hook ERBM_DESK_QUIT_AFTER_SHOW=dashboard in erbm_desk/ui/app.py). The app's
window shows as a frame (menus, side bar, « Ouverture de la base… ») before the database layer is imported and
the database opened, so the same runs also time what the user waits for next:
- `ERBM_DESK_STORED`: the dashboard's tiles and comité sentence shown from the figures stored in the file
  (read with sqlite3 while the database still opens; only when they equal a fresh computation);
- `ERBM_DESK_DATA`: the database is open and the first page (the dashboard here) shows its data (tiles and the
  comité sentence, from the report cache or computed in a worker);
- `ERBM_DESK_READY`: the dashboard has drawn its charts;
and, in runs of their own, the app reopened on the Contrats list (the largest table) until its first rows show.
A third case, the bare window after importing the ORM models, is the floor of any window that would open the
database before showing: the time the app no longer makes the user wait for an empty screen.

Targets: ratio ≤ 2 at scale 10 (window shown); the dashboard's first figures ≤ 3× at scales 1 and 10.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import child_env, copy_of, demo_database, main_for, result, run_child  # noqa: E402

RUNS = 7

# The baseline: what any PySide6 app must pay — interpreter, Qt, a QApplication, a main window with a table.
BARE_WINDOW = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

def main():  # in a function, as the app does: module-level Qt objects crash PySide6 at interpreter exit
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1100, 720)
    model = QStandardItemModel(100, 8)
    for r in range(100):
        for c in range(8):
            model.setData(model.index(r, c), f"{r}-{c}")  # not setItem(): PySide6 6.12 then crashes at exit
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    window.statusBar().showMessage("prêt")
    window.show()
    def done():
        print(f"ERBM_DESK_SHOWN {time.time():.6f}", flush=True)
        window.close()
        app.quit()
    QTimer.singleShot(0, done)
    return app.exec()

sys.exit(main())
"""


# The floor of a window that would open the database before showing: the bare window, after importing what every
# page needs before it can show a record (SQLAlchemy's ORM and the models). The app now shows its frame first and
# imports these in a worker afterwards (erbm_desk/ui/app.py, ui/opening.py); this row shows what that saves.
FLOOR_WINDOW = BARE_WINDOW.replace("import sys, time\n", "import sys, time\nimport erbm_desk.db.models\n", 1)


def time_to_show(argv: list[str], env: dict) -> tuple[float, float | None, float | None, float | None,
                                                      float | None]:
    """(seconds from spawn to the window shown, to the first page's data first shown or None, to the dashboard's
    charts drawn or None, peak MB of the child, to the stored figures shown or None)."""
    t0 = time.time()
    out, err, code, peak = run_child(argv, env, timeout=400)
    marks = dict(line.split()[:2] for line in out.splitlines() if line.startswith(("ERBM_DESK_SHOWN ",
                                                                                     "ERBM_DESK_STORED ",
                                                                                     "ERBM_DESK_DATA ",
                                                                                     "ERBM_DESK_READY ")))
    if code != 0 or "ERBM_DESK_SHOWN" not in marks:
        raise RuntimeError(f"{argv!r} failed (exit {code}):\n{out}\n{err}")

    def since(mark: str) -> float | None:
        return float(marks[mark]) - t0 if mark in marks else None

    stored, data = since("ERBM_DESK_STORED"), since("ERBM_DESK_DATA")
    first = min((t for t in (stored, data) if t is not None), default=None)
    return since("ERBM_DESK_SHOWN"), first, since("ERBM_DESK_READY"), peak, stored


# The app reopens on the last page used (setting window/page): each run of the app is told which page to start on,
# so that other benches sharing the settings folder do not change what is measured.
SET_FIRST_PAGE = (
    "import sys\nfrom PySide6.QtCore import QSettings\n"
    "s = QSettings('ERBM', 'ERBM Desk')\ns.setValue('window/page', sys.argv[1])\ns.sync()\n"
)


def run(scale: float, runs: int = RUNS) -> list[dict]:
    # A copy of its own: the app takes the file's write lock, and another bench (or engineer) holding the cached
    # demo database would make it ask « Ouvrir en lecture seule ? » — a question nobody answers offscreen.
    database = copy_of(demo_database(scale))
    app = [sys.executable, "-m", "erbm_desk", "--db", str(database)]
    # (argv, environment, first page or None): the app on its dashboard quits once the charts are drawn; on the
    # Contrats list (the largest table) once its first rows show.
    cases = {
        "app": (app, child_env(ERBM_DESK_QUIT_AFTER_SHOW="dashboard"), "dashboard"),
        "bare": ([sys.executable, "-c", BARE_WINDOW], child_env(), None),
        "floor": ([sys.executable, "-c", FLOOR_WINDOW], child_env(), None),
        "app_list": (app, child_env(ERBM_DESK_QUIT_AFTER_SHOW="1"), "contract"),
    }

    def measure(key: str):
        argv, env, page = cases[key]
        if page is not None:
            run_child([sys.executable, "-c", SET_FIRST_PAGE, page], env, timeout=60)
        return time_to_show(argv, env)

    for key in cases:  # one untimed run each: compiles .pyc files and warms the file cache, as any second start
        measure(key)
    times: dict[str, list[float]] = {key: [] for key in (*cases, "data", "stored", "ready", "list_data")}
    peaks: dict[str, list[float]] = {key: [] for key in cases}
    for _ in range(runs):  # alternated, so that all cases see the same load on a shared machine
        for key in cases:
            shown, data, ready, peak, stored = measure(key)
            times[key].append(shown)
            peaks[key].append(peak or 0)
            if key == "app" and data is not None:
                times["data"].append(data)
                if stored is not None:
                    times["stored"].append(stored)
            if key == "app" and ready is not None:
                times["ready"].append(ready)
            if key == "app_list" and data is not None:
                times["list_data"].append(data)
    shown, bare, floor = (statistics.median(times[k]) for k in ("app", "bare", "floor"))
    baseline = "bare PySide6 window with a table"
    rows = [
        result("start-up: bare PySide6 window with a table", bare, peak_mb=max(peaks["bare"]) or None,
               note=f"median of {runs} fresh processes"),
        result("start-up: the same bare window after importing the ORM models", floor, bare,
               peak_mb=max(peaks["floor"]) or None, baseline=baseline,
               note="the floor of a window that would open the database before showing"),
        result(f"start-up: main window shown, demo database (scale {scale:g})", shown, bare,
               peak_mb=max(peaks["app"]) or None, baseline=baseline,
               note=f"median of {runs}, alternating with the baseline; target ≤ 2×; the frame (menus, side bar), "
                    "the database still opening"),
    ]
    if times["data"]:
        stored = len(times["stored"])
        rows.append(result(f"start-up: dashboard's numbers shown, demo database (scale {scale:g})",
                           statistics.median(times["data"]), bare, baseline=baseline,
                           note=f"same runs: the dashboard's tiles and sentence first shown; target ≤ 3×; in {stored} "
                                f"of {len(times['data'])} runs from the figures stored in the file while the database "
                                "opened, else once open"))
    if times["ready"]:
        rows.append(result(f"start-up: dashboard charts drawn, demo database (scale {scale:g})",
                           statistics.median(times["ready"]), bare, baseline=baseline,
                           note="same runs: until the dashboard has computed and drawn its figures"))
    if times["list_data"]:
        rows.append(result(f"start-up: Contrats list's first rows shown, demo database (scale {scale:g})",
                           statistics.median(times["list_data"]), bare, peak_mb=max(peaks["app_list"]) or None,
                           baseline=baseline, note=f"median of {runs}: the app reopened on the Contrats page"))
    shutil.rmtree(database.parent, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main_for(run)
