"""The UI tests' guard (DESIGN rule 2): SQL run on the GUI thread by the app's code fails the test, and so does a
file the app's code writes there.

What is caught: a statement about to be executed (SQLAlchemy's `before_cursor_execute`, on every engine) or a file
opened for writing, removed, renamed or made (Python's audit events `open`, `os.remove`, …), on the main thread,
while a frame of the app's UI code (the erbm_desk/ui folder) is on the call stack.

Why the call stack, and not « only while Qt dispatches an event »: the UI code must never reach the database or a
file on that thread, however it is reached — a key press, a signal, a timer, a worker's result delivered, or a
test calling a widget's method directly (`dialog.search.setText("durand")` runs the dialog's slot at once: the
slot's query would be missed by a guard armed only inside the event loop). A test's own setup and inspection has
no UI frame on its stack and is not caught: building data in a fixture, `with db.sessions() as s: …` in the test
body, a `qtbot.waitUntil(lambda: …)` predicate that reads the database. Module imports are left alone (matplotlib
may write its font cache the first time it is imported, wherever that happens).

How it fails a test: what was seen during the setup and the test itself makes the test fail (an AssertionError
listing each statement or file and the UI code it came from); what is seen while the test's widgets close makes
its teardown fail. The guard is armed for every test that uses `qtbot` or `qapp` (tests/conftest.py imports the
hooks below; `pytest -p tests.ui.gui_thread_guard` loads them into any other run).

After the widgets of a test are closed, its jobs still running are waited for (`drain`), so that the database
fixtures close a quiet database: nothing in the app itself waits (the window closes at once).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest

UI_FOLDER = str(Path(__file__).resolve().parents[2] / "erbm_desk" / "ui") + os.sep
IMPORT_MACHINERY = "<frozen importlib._bootstrap"
FILE_EVENTS = frozenset({"open", "os.remove", "os.rename", "os.replace", "os.mkdir", "os.rmdir", "os.truncate",
                         "shutil.copyfile", "shutil.move", "shutil.rmtree"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class GuiThreadGuard:
    def __init__(self) -> None:
        self.armed = False
        self.seen: list[str] = []
        self._installed = False
        self._inside = threading.local()

    def arm(self) -> None:
        self._install()
        self.seen.clear()
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def take(self) -> list[str]:
        """What was caught since the last call (and forget it)."""
        seen, self.seen = self.seen, []
        return seen

    # --- the two hooks ---------------------------------------------------------------------------------------

    def _install(self) -> None:
        if self._installed:
            return
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._before_cursor_execute)
        sys.addaudithook(self._audit)  # for the rest of the process: audit hooks cannot be removed
        self._installed = True

    def _before_cursor_execute(self, _conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if self.armed and threading.current_thread() is threading.main_thread():
            self._check(f"SQL « {' '.join(str(statement).split())[:90]} »")

    def _audit(self, event: str, args: tuple) -> None:
        if not self.armed or event not in FILE_EVENTS or getattr(self._inside, "busy", False):
            return
        if threading.current_thread() is not threading.main_thread():
            return
        if event == "open":
            path, mode, flags = args
            writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
            if not writing:
                return
        else:
            path = args[0] if args else "?"
        self._inside.busy = True
        try:
            self._check(f"fichier écrit ({event}) « {path} »")
        finally:
            self._inside.busy = False

    def _check(self, what: str) -> None:
        """Record `what` when the UI code is on the stack (and no import is under way)."""
        frame = sys._getframe(2)
        culprit = None
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename.startswith(IMPORT_MACHINERY):
                return
            if culprit is None and filename.startswith(UI_FOLDER):
                culprit = frame
            frame = frame.f_back
        if culprit is None:
            return
        ours = [f for f in traceback.extract_stack(culprit) if "erbm_desk" in f.filename][-4:]
        where = " ← ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(ours))
        self.seen.append(f"{what} sur le fil de l'interface, depuis {where}")


GUARD = GuiThreadGuard()


def is_ui_test(item: pytest.Item) -> bool:
    return bool({"qtbot", "qapp"} & set(getattr(item, "fixturenames", ())))


def _fail_if_seen(seen: list[str], when: str) -> None:
    __tracebackhide__ = True
    if seen:
        raise AssertionError(f"L'interface a attendu la base ou un fichier sur son fil ({when}) :\n  "
                             + "\n  ".join(seen))


def drain(timeout: float = 60.0) -> None:
    """Let every job still running end (their callbacks, for widgets now closed, are dropped), then forget the
    gateways of the test's databases."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from erbm_desk.ui.database import gateway, workers

    app = QCoreApplication.instance()
    deadline = time.monotonic() + timeout
    while workers._running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    for open_gateway in gateway.open_gateways():
        open_gateway.close()
        open_gateway.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    if is_ui_test(item):
        GUARD.arm()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if is_ui_test(item):
        _fail_if_seen(GUARD.take(), "pendant le test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem):
    ui = is_ui_test(item)
    if ui and "erbm_desk.ui.database.workers" in sys.modules:
        drain()  # pytest-qt has closed the test's widgets (its own teardown hook runs first)
    try:
        return (yield)
    finally:
        if ui:
            seen = GUARD.take()
            GUARD.disarm()
            _fail_if_seen(seen, "à la fermeture de ses fenêtres")
