"""Start-up: time from process start to the main window first shown, against a bare PySide6 window with a table.

Both are fresh processes, run alternately in the same run (so both see the same machine load), offscreen;
each prints `ERBM_DESK_SHOWN <epoch>` from a QTimer.singleShot(0) queued right after show(), i.e. when the
event loop first runs with the window shown. The time is measured from just before the process is spawned
(interpreter start included). The app opens a demo database at the given scale through the real entry point
(`python -m erbm_desk --db …`, hook ERBM_DESK_QUIT_AFTER_SHOW in erbm_desk/ui/app.py).

Target (issue 8): ratio ≤ 2 at scale 10.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import child_env, demo_database, main_for, result, run_child  # noqa: E402

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


# The structural floor of any window that works on the database: the bare window, after importing what every
# page needs before it can show a record (SQLAlchemy's ORM and the models). Reported to show how much of the
# app's start-up is that import, which lazy imports cannot remove.
FLOOR_WINDOW = BARE_WINDOW.replace(
    "from PySide6.QtWidgets import QApplication, QMainWindow, QTableView\n",
    "from PySide6.QtWidgets import QApplication, QMainWindow, QTableView\nimport erbm_desk.db.models\n",
)


def time_to_show(argv: list[str], env: dict) -> tuple[float, float | None]:
    """(seconds from spawn to the window shown, peak MB of the child)."""
    t0 = time.time()
    out, err, code, peak = run_child(argv, env, timeout=300)
    shown = [line for line in out.splitlines() if line.startswith("ERBM_DESK_SHOWN ")]
    if code != 0 or not shown:
        raise RuntimeError(f"{argv!r} failed (exit {code}):\n{out}\n{err}")
    return float(shown[-1].split()[1]) - t0, peak


def run(scale: float, runs: int = RUNS) -> list[dict]:
    database = demo_database(scale)
    env = child_env()
    app_argv = [sys.executable, "-m", "erbm_desk", "--db", str(database)]
    bare_argv = [sys.executable, "-c", BARE_WINDOW]
    app_env = child_env(ERBM_DESK_QUIT_AFTER_SHOW="1")
    # One untimed run each: compiles .pyc files and warms the file cache, as any second start would.
    time_to_show(app_argv, app_env)
    time_to_show(bare_argv, env)
    floor_argv = [sys.executable, "-c", FLOOR_WINDOW]
    times: dict[str, list[float]] = {"app": [], "bare": [], "floor": []}
    peaks: dict[str, list[float]] = {"app": [], "bare": [], "floor": []}
    for _ in range(runs):  # alternated, so that all three see the same load on a shared machine
        for key, argv, key_env in (("app", app_argv, app_env), ("bare", bare_argv, env), ("floor", floor_argv, env)):
            t, p = time_to_show(argv, key_env)
            times[key].append(t)
            peaks[key].append(p or 0)
    app, bare, floor = (statistics.median(times[k]) for k in ("app", "bare", "floor"))
    baseline = "bare PySide6 window with a table"
    return [
        result("start-up: bare PySide6 window with a table", bare, peak_mb=max(peaks["bare"]) or None,
               note=f"median of {runs} fresh processes"),
        result("start-up: the same bare window after importing the ORM models", floor, bare,
               peak_mb=max(peaks["floor"]) or None, baseline=baseline,
               note="the floor of any window that opens the database first"),
        result(f"start-up: main window on the demo database (scale {scale:g})", app, bare,
               peak_mb=max(peaks["app"]) or None, baseline=baseline,
               note=f"median of {runs}, alternating with the baseline; target ≤ 2×"),
    ]


if __name__ == "__main__":
    main_for(run)
