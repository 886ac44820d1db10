"""Starting the desktop application: QApplication, the main window's frame at once, then the database.

Start-up order (bench/bench_startup.py): the window frame shows first — menus, side bar, « Ouverture de la
base… » — before SQLAlchemy, the models or the services are imported; the database layer is imported and the
database opened in a worker while the frame is on screen (ui/database/opening.py); the questions that may come
(file in use, damaged file, passphrase, sign-in) appear over the window, and declining them closes the app as
before; then the first page is built and loads its data through the database gateway's workers.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from erbm_desk import __version__
from erbm_desk.paths import APP_AUTHOR, APP_NAME, default_database
from erbm_desk.ui.common.french_qt import install_french


def last_database() -> str:
    """The last database used, else the default one (created with the reference data when new)."""
    settings = QSettings(APP_AUTHOR, APP_NAME)
    return str(settings.value("database/last", "") or default_database())


def run_app(database: str | None = None) -> int:
    from erbm_desk.ui.database.opening import QUIT, open_for_window
    from erbm_desk.ui.database.workers import install_excepthook, wait_for_jobs
    from erbm_desk.ui.window.main_window import MainWindow

    # Workers hold the GIL while they build rows in Python; each Python call the UI thread makes from Qt (a
    # model's data(), a slot) then waits for it, up to the switch interval each time: 5 ms by default, which
    # adds up to hundreds of milliseconds of frozen window while one page is painted. 1 ms keeps the window
    # fluid (bench/bench_ui.py, « UI thread blocked ≤ … »).
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    install_french(app)  # Qt's own texts and the calendars in French, whatever LANG says
    install_excepthook()  # an error no slot caught: one French line and the log, never a traceback
    target = database or last_database()
    window = MainWindow()  # the frame, without a database yet
    window.show_opening(target)
    window.show()
    hook = _quit_after_first_show(app, window) if os.environ.get("ERBM_DESK_QUIT_AFTER_SHOW") else None
    exit_code = [0]

    def sign_in(db, parent, then) -> None:
        from erbm_desk.ui.security.login_dialog import ensure_signed_in

        ensure_signed_in(db, parent, then)

    def opened(db) -> None:
        from erbm_desk.ui.database.opening_dialogue import start_daily_backup
        from erbm_desk.ui.security.accounts_dialog import install_account_actions
        from erbm_desk.ui.security.login_dialog import show_startup_reminders

        window.set_database(db)
        install_account_actions(window)
        if not db.read_only:
            start_daily_backup(window)
        QTimer.singleShot(0, window, lambda: show_startup_reminders(window.db, window))
        if hook is not None:
            hook(window)

    def declined(code: int) -> None:
        # not opened (code 1) or not signed in (code 0): the app ends, as when these questions came before the window
        exit_code[0] = code
        window.close()
        app.quit()

    # Queued after the first show: the frame is painted, then the dashboard's figures stored in the file are read
    # with the standard library and shown, then the database layer starts loading in a worker. One after the
    # other: run together, the two share one interpreter and the figures came later, the database no sooner.
    # A read that lasts (a file on a slow share) does not hold the opening up for more than a moment.
    opening_started = []

    def start_opening() -> None:
        if not opening_started:
            opening_started.append(True)
            open_for_window(window, target, opened, declined, sign_in=sign_in, create=True, no=QUIT)

    QTimer.singleShot(0, window, lambda: _preview(window, target, getattr(hook, "stored_figures_shown", None),
                                                  start_opening))
    QTimer.singleShot(PREVIEW_WAIT_MS, window, start_opening)
    code = app.exec()
    # Closing the window while a job still runs (e.g. the dashboard's figures at start-up): the jobs are asked to
    # stop and the workers end before Python tears down their Qt objects; writes asked for still run.
    wait_for_jobs()
    return exit_code[0] or code


# How long the opening may wait for the stored figures to be read (a few milliseconds from a local disk).
PREVIEW_WAIT_MS = 300


def _preview(window, target: str, shown, then) -> None:
    from erbm_desk.ui.dashboard.startup_preview import preview_stored_figures

    preview_stored_figures(window, target, shown, then)


def _quit_after_first_show(app: QApplication, window):
    """Hidden hook, not a user feature: the packaging smoke test (packaging/smoke_test.py) and the start-up
    benchmark (bench/bench_startup.py) set ERBM_DESK_QUIT_AFTER_SHOW to see the window come up, then quit.
    Prints, each with its epoch time:

    - `ERBM_DESK_SHOWN` once the event loop runs with the window first shown (the frame: the database is
      still opening);
    - `ERBM_DESK_STORED` once the dashboard's tiles and sentence show the figures stored in the file, while the
      database still opens (ui/dashboard/startup_preview.py; not printed when there are none to show);
    - `ERBM_DESK_DATA` once the database is open and the first page shows its data (the dashboard's tiles and
      sentence, a list page's first rows); with ERBM_DESK_QUIT_AFTER_SHOW=1 the app then quits;
    - with ERBM_DESK_QUIT_AFTER_SHOW=dashboard, `ERBM_DESK_READY` once the dashboard has drawn its charts, then
      quits (so that a frozen build also proves it can draw them: matplotlib's Qt canvas).

    Returns the function run_app calls once the database is open (`when_open(window)`)."""
    wants_charts = os.environ.get("ERBM_DESK_QUIT_AFTER_SHOW") == "dashboard"

    def mark(name: str) -> None:
        print(f"ERBM_DESK_{name} {time.time():.6f}", flush=True)

    def quit_now() -> None:
        window.close()
        app.quit()

    def failed(message: str) -> None:
        print(f"ERBM_DESK_FAILED {message}", flush=True)
        quit_now()

    def when_open(window) -> None:
        page = window.stack.currentWidget()
        data_shown = getattr(page, "updated", None)  # the dashboard: tiles and sentence shown
        if data_shown is None:
            data_shown = getattr(getattr(page, "model", None), "loaded", None)  # a list page: first rows
        dashboard = window.dashboard if wants_charts else None  # built (hidden) if another page came first
        done = {"DATA": False, "READY": not wants_charts}

        def reached(name: str) -> None:
            if done[name]:  # a list reloads, the charts are redrawn: each mark once
                return
            done[name] = True
            mark(name)
            if all(done.values()):
                quit_now()

        def data() -> None:
            reached("DATA")

        def ready() -> None:
            reached("READY")

        if data_shown is None:
            QTimer.singleShot(0, data)
        else:
            data_shown.connect(data)
        if dashboard is not None:
            dashboard.charts_ready.connect(ready)
            dashboard.failed.connect(failed)

    QTimer.singleShot(0, lambda: mark("SHOWN"))
    QTimer.singleShot(300_000, quit_now)  # never hang a smoke test (e.g. on a question nobody answers offscreen)
    when_open.stored_figures_shown = lambda: mark("STORED")
    return when_open
