"""Running long jobs off the UI thread (DESIGN rule 2).

`run_job(fn, on_done, on_error, progress_dialog=...)` runs `fn(progress)` in the global QThreadPool; `progress`
implements `services.progress.Progress` and is thread-safe. Results and errors come back on the main thread
through signals; if the `owner` widget is gone by then, the callback is dropped, not run.
Workers never touch widgets.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from erbm_desk.services.progress import Cancelled


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
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
    def __init__(self, fn: Callable[[JobProgress], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.progress = JobProgress(self.signals)
        self.setAutoDelete(False)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except BaseException as exc:  # noqa: BLE001 - exceptions in a worker are otherwise lost
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.done.emit(result)


_running: set[Job] = set()  # keeps jobs (and their signal objects) alive until they report


def run_job(
    fn: Callable[[JobProgress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    owner: QWidget | None = None,
    progress_label: str | None = None,
    pool: QThreadPool | None = None,
) -> Job:
    """Start `fn(progress)` in a worker thread. With `progress_label`, a modal progress dialog with a
    « Annuler » button follows the job (shown only if it lasts more than half a second)."""
    job = Job(fn)
    _running.add(job)
    dialog: QProgressDialog | None = None
    if progress_label is not None:
        dialog = QProgressDialog(progress_label, "Annuler", 0, 0, owner)
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

    def alive() -> bool:
        return owner is None or isValid(owner)

    def finish() -> None:
        _running.discard(job)
        if dialog is not None and isValid(dialog):
            dialog.close()
            dialog.deleteLater()

    def done(result: Any) -> None:
        finish()
        if alive():
            on_done(result)

    def failed(exc: BaseException, tb: str) -> None:
        finish()
        if not alive():
            return
        if on_error is not None:
            on_error(exc)
        elif not isinstance(exc, Cancelled):
            raise exc

    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    (pool or QThreadPool.globalInstance()).start(job)
    return job
