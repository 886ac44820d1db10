"""Starting the desktop application: QApplication, the database to open, the main window."""

from __future__ import annotations

import os
import sys
import time

# Start-up time: every module imported after PySide6 goes through PySide6's import hook, which reads the module's
# source looking for "PySide6" (shibokensupport.feature). The database layer (SQLAlchemy, the models, the services)
# is needed before the window shows anyway: importing it first skips that hook for its ~400 modules (≈ 10 % of the
# start-up). Issue 8, bench/bench_startup.py.
import erbm_desk.services.database  # noqa: F401, I001 - must stay before the PySide6 imports
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from erbm_desk import __version__
from erbm_desk.paths import APP_AUTHOR, APP_NAME, default_database


def last_database() -> str:
    """The last database used, else the default one (created with the reference data when new)."""
    settings = QSettings(APP_AUTHOR, APP_NAME)
    return str(settings.value("database/last", "") or default_database())


def run_app(database: str | None = None) -> int:
    from erbm_desk.ui.accounts_dialog import install_account_actions
    from erbm_desk.ui.backup_startup import open_database_interactively, start_daily_backup
    from erbm_desk.ui.login_dialog import ensure_signed_in, show_startup_reminders
    from erbm_desk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    _install_qt_french(app)
    target = database or last_database()
    # Damaged file → offer the last good backup; file in use → offer read-only; encrypted → passphrase.
    db = open_database_interactively(target)
    if db is None:
        return 1
    if not ensure_signed_in(db):
        db.close()
        return 0
    window = MainWindow(db)
    install_account_actions(window)
    window.show()
    if not db.read_only:
        start_daily_backup(window)
    QTimer.singleShot(0, window, lambda: show_startup_reminders(window.db, window))
    if os.environ.get("ERBM_DESK_QUIT_AFTER_SHOW"):
        _quit_after_first_show(app, window)
    code = app.exec()
    _wait_for_jobs()
    return code


def _install_qt_french(app: QApplication) -> None:
    """Qt's own texts in French: standard buttons (« Annuler », « Oui »), file dialogs, text fields' context menus.
    The translations ship with PySide6 (and in the frozen build, packaging/erbm-desk.spec keeps the French ones)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.French, QLocale.Country.France), "qtbase", "_", folder):
        app.installTranslator(translator)


def _wait_for_jobs() -> None:
    """Closing the window while a job still runs (e.g. the dashboard's figures at start-up): cancel the jobs and
    let the workers end before Python tears down their Qt objects — a worker emitting into a deleted QObject
    during interpreter exit crashes the process (seen as a segfault on quit)."""
    from PySide6.QtCore import QThreadPool

    from erbm_desk.ui.workers import _running

    for job in list(_running):
        job.progress.cancel()
    QThreadPool.globalInstance().waitForDone()


def _quit_after_first_show(app: QApplication, window) -> None:
    """Hidden hook, not a user feature: the packaging smoke test (packaging/smoke_test.py) and the start-up
    benchmark (bench/bench_startup.py) set ERBM_DESK_QUIT_AFTER_SHOW=1 to see the window come up, then quit.
    Prints `ERBM_DESK_SHOWN <epoch seconds>` once the event loop runs, i.e. when the window is first shown.
    With ERBM_DESK_QUIT_AFTER_SHOW=dashboard it quits only once the dashboard has drawn its charts (printing
    `ERBM_DESK_READY`), so that a frozen build also proves it can draw them (matplotlib's Qt canvas)."""

    def quit_now() -> None:
        window.close()
        app.quit()

    def ready() -> None:
        print(f"ERBM_DESK_READY {time.time():.6f}", flush=True)
        quit_now()

    def shown() -> None:
        print(f"ERBM_DESK_SHOWN {time.time():.6f}", flush=True)
        charts_ready = getattr(getattr(window, "dashboard", None), "charts_ready", None)
        if os.environ.get("ERBM_DESK_QUIT_AFTER_SHOW") != "dashboard" or charts_ready is None:
            quit_now()
            return
        charts_ready.connect(ready)
        window.dashboard.failed.connect(lambda message: (print(f"ERBM_DESK_FAILED {message}", flush=True),
                                                         quit_now()))
        QTimer.singleShot(300_000, quit_now)  # never hang a smoke test

    QTimer.singleShot(0, shown)
