"""Running a function off the UI thread (DESIGN rule 2): the plumbing under the database gateway (gateway.py).

`run_job(fn, on_done, on_error, owner=..., pool=..., progress_label=...)` runs `fn(progress)` in a QThreadPool;
`progress` implements `services.progress.Progress` and is thread-safe. Results and errors come back on the main
thread through signals; if the `owner` widget is gone by then, or the job was cancelled, the callback is dropped,
not run. With `progress_label`, a modal progress dialog with « Annuler » follows the job. Workers never touch
widgets. Pages and dialogs do not call this directly: they go through the gateway (ui/database/gateway.py).
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog, QWidget
from shiboken6 import isValid

from erbm_desk.services.error_log import for_user
from erbm_desk.services.progress import Cancelled

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception (its __traceback__ kept)
    progressed = Signal(int, int, str)  # value, total, label


class JobProgress:
    """Progress object handed to the job; `cancel()` may be called from the UI thread."""

    def __init__(self, signals: _Signals):
        self._signals = signals
        self._cancel = threading.Event()
        self._total = 0
        self._value = 0
        self._label = ""

    def start(self, total: int, label: str = "") -> None:
        self._total, self._value, self._label = total, 0, label
        self._signals.progressed.emit(0, total, label)

    def advance(self, steps: int = 1) -> None:
        self._value += steps
        self._signals.progressed.emit(self._value, self._total, self._label)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class Job(QRunnable):
    def __init__(self, fn: Callable[[JobProgress], Any], pool: QThreadPool, action: str = "l'action"):
        super().__init__()
        self.fn = fn
        self.action = action  # how the French line names it (« Erreur inattendue pendant l'ouverture de la base »)
        self.pool = pool
        self.signals = _Signals()
        self.progress = JobProgress(self.signals)
        self.discarded = False  # its result no longer wanted: callbacks dropped
        self._settle: Callable[[], None] = lambda: None
        self.setAutoDelete(False)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except BaseException as exc:  # noqa: BLE001 - exceptions in a worker are otherwise lost
            # An error nobody foresaw is logged here, in the thread that caught it (error_log.details formats it
            # without Python 3.11's `ast`-based markers, which are not thread-safe), and reaches the UI thread as
            # one French line naming the log folder: every page that says `str(exc)` then says that line.
            self.signals.failed.emit(for_user(exc, self.action))
        else:
            self.signals.done.emit(result)

    def cancel(self) -> None:
        """Nobody wants the result any more: a job still queued never runs; a running one is asked to stop
        (`progress.cancelled()`) and its callbacks are dropped."""
        self.discarded = True
        self.progress.cancel()
        if self.pool.tryTake(self):
            self._settle()


_running: set[Job] = set()  # keeps jobs (and their signal objects) alive until they report
_pools: weakref.WeakSet[QThreadPool] = weakref.WeakSet()


def run_job(
    fn: Callable[[JobProgress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    owner: QObject | None = None,
    progress_label: str | None = None,
    pool: QThreadPool | None = None,
    after: Callable[[], None] | None = None,
    dialog_parent: QObject | None = None,
    action: str = "l'action",
) -> Job:
    """Start `fn(progress)` in a worker thread of `pool` (the global pool by default). With `progress_label`, a
    modal progress dialog with a « Annuler » button follows the job (shown only if it lasts more than half a
    second), over `dialog_parent` (default: the owner). `after()` runs on the UI thread once the job is over,
    whatever became of it (even cancelled before it started)."""
    pool = pool or QThreadPool.globalInstance()
    job = Job(fn, pool, action)
    _running.add(job)
    _pools.add(pool)
    dialog: QProgressDialog | None = None
    if progress_label is not None:
        parent = next((w for w in (dialog_parent, owner) if isinstance(w, QWidget)), None)
        dialog = QProgressDialog(progress_label, "Annuler", 0, 0, parent)
        dialog.setWindowTitle("ERBM Desk")
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.progress.cancel)

        def show_progress(value: int, total: int, label: str) -> None:
            if isValid(dialog):
                dialog.setMaximum(total)
                dialog.setValue(min(value, total))
                if label:
                    dialog.setLabelText(label)

        job.signals.progressed.connect(show_progress)

    def wanted() -> bool:
        return not job.discarded and (owner is None or isValid(owner))

    def settle() -> None:
        if job not in _running:
            return
        _running.discard(job)
        if dialog is not None and isValid(dialog):
            dialog.close()
            dialog.deleteLater()
        if after is not None:
            after()

    def done(result: Any) -> None:
        settle()
        if wanted():
            on_done(result)

    def failed(exc: BaseException) -> None:
        settle()
        if not wanted():
            return
        if on_error is not None:
            on_error(exc)
        elif not isinstance(exc, Cancelled):
            say(str(exc))  # raised here it would be a traceback on the console, and nothing for the user

    job._settle = settle
    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    pool.start(job)
    return job


def wait_for_jobs(msecs: int = -1) -> None:
    """At exit, once the event loop has stopped: ask every running job to stop, then let the workers end before
    Python tears down their Qt objects (a worker emitting into a deleted QObject during interpreter exit crashes
    the process). Writes already queued still run: what the user saved is saved."""
    for job in list(_running):
        job.progress.cancel()
    for pool in list(_pools):
        pool.waitForDone(msecs)


def say(text: str) -> None:
    """One line for the user where the window says what happened (its status bar), else the log."""
    window = QApplication.activeWindow()
    windows = [window] if window is not None else []
    windows += [w for w in QApplication.topLevelWidgets() if w not in windows]
    for candidate in windows:
        if isinstance(candidate, QMainWindow) and isValid(candidate) and not candidate.isHidden():
            candidate.statusBar().showMessage(text, 30_000)
            return
    log.warning("%s", text)


def say_unexpected(exc: BaseException, action: str = "l'action",
                   show: Callable[[str], None] | None = None) -> None:
    """An error raised on the UI thread: logged by a worker (no file is written on the UI thread), then its
    French line shown by `show` (default: the main window's status bar)."""
    run_job(lambda _progress: str(for_user(exc, action)), show or say, lambda failed: (show or say)(str(failed)))


def install_excepthook() -> None:
    """An exception no slot caught reaches `sys.excepthook`: PySide6's default prints a traceback on the console
    (and, in a frozen build, may end the app). Said in French, logged with its details, and the window goes on."""
    import sys

    def hook(kind, exc, tb) -> None:
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: as Python does
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc.__traceback__ = tb
        say_unexpected(exc)

    sys.excepthook = hook
