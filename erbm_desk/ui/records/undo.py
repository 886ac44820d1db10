"""Writing records off the UI thread, each write a step of Édition > Annuler / Rétablir (Ctrl+Z / Ctrl+Y).

`Writer` runs writes one at a time, in order, on a single worker thread (a delete that takes a cité's hundreds
of hours with it must not freeze the window). `Records` makes every creation, change and deletion an undoable
step: a step is pushed once its write has succeeded, and its undo/redo replay through the same writer
(a creation is undone by `delete_record`, redone by `restore_deleted`: same ids, same UUIDs).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlalchemy.orm import Session

from erbm_desk.db.models import MODELS
from erbm_desk.services.database.opening import Database
from erbm_desk.services.records.lists import record_title
from erbm_desk.services.records.writes import Deleted, delete_record, restore_deleted, save_record
from erbm_desk.ui.database.workers import run_job

Work = Callable[[Session], Any]


class Writer(QObject):
    written = Signal()  # after every write that succeeded
    failed = Signal(str)  # a write with no error handler of its own failed (French message)

    def __init__(self, db: Database, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one writer: writes happen in the order they were asked for
        self.pending = 0

    def submit(self, work: Work, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run `work(session)` in one transaction on the writer thread; callbacks come back on the UI thread."""
        db = self.db

        def job(_progress):
            with db.session() as s:
                return work(s)

        def done(result: Any) -> None:
            self.pending -= 1
            if on_done is not None:
                on_done(result)
            self.written.emit()

        def error(exc: BaseException) -> None:
            self.pending -= 1
            if on_error is not None:
                on_error(exc)
            else:
                self.failed.emit(str(exc))

        self.pending += 1
        run_job(job, done, error, owner=self, pool=self.pool)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every write has run (closing the window, tests)."""
        return self.pool.waitForDone(msecs)


class _Step(QUndoCommand):
    """A write already made: `redo` (after an undo) and `undo` replay through the writer."""

    def __init__(self, history: "Records", text: str, undo: Work, redo: Work):
        super().__init__(text)
        self._history = history
        self._undo, self._redo = undo, redo
        self._done = True

    def redo(self) -> None:
        if self._done:  # pushed after the write: nothing to do the first time
            self._done = False
            return
        self._history.replay(self._redo)

    def undo(self) -> None:
        self._history.replay(self._undo)


class Records(QObject):
    """Creating, changing and deleting records as undoable steps."""

    history_broken = Signal(str)  # an undo or redo failed: the history was cleared (French message)

    def __init__(self, writer: Writer, stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.writer = writer
        self.stack = stack

    def save(self, entity: str, values: dict[str, Any], record_id: int | None,
             on_done: Callable[[int], None], on_error: Callable[[BaseException], None]) -> None:
        """Create (record_id None) or change a record; `on_error` gets RecordInvalid with the field messages
        (ConflictError when `values["version"]` is no longer the record's: someone changed it meanwhile)."""
        values = dict(values)
        expected = values.pop("version", None)

        def work(s: Session):
            before = None
            if record_id is not None:
                obj = s.get(MODELS[entity], record_id)
                before = {k: getattr(obj, k) for k in values} if obj is not None else None
            rid = save_record(s, entity, dict(values), record_id, expected_version=expected).id
            return rid, before, record_title(s, entity, rid)

        def done(result) -> None:
            rid, before, title = result
            if record_id is None:
                self._push_creation(entity, rid, title)
            elif before != values:
                self.stack.push(_Step(
                    self, f"la modification de « {title} »",
                    undo=lambda s: save_record(s, entity, before, rid),
                    redo=lambda s: save_record(s, entity, values, rid),
                ))
            on_done(rid)

        self.writer.submit(work, done, on_error)

    def delete(self, entity: str, record_id: int, on_done: Callable[[], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        """Delete a record and what depends on it (the caller has asked for confirmation)."""
        snapshot: dict[str, Deleted] = {}

        def remove(s: Session) -> None:
            snapshot["rows"] = delete_record(s, entity, record_id)

        def work(s: Session) -> str:
            title = record_title(s, entity, record_id)
            remove(s)
            return title

        def done(title: str) -> None:
            self.stack.push(_Step(
                self, f"la suppression de « {title} »",
                undo=lambda s: restore_deleted(s, snapshot["rows"]),
                redo=remove,
            ))
            if on_done is not None:
                on_done()

        self.writer.submit(work, done, on_error)

    def _push_creation(self, entity: str, record_id: int, title: str) -> None:
        snapshot: dict[str, Deleted] = {}  # filled on the writer thread by the undo, read by the redo after it

        def undo(s: Session) -> None:
            snapshot["rows"] = delete_record(s, entity, record_id)

        self.stack.push(_Step(
            self, f"la création de « {title} »",
            undo=undo,
            redo=lambda s: restore_deleted(s, snapshot["rows"]),
        ))

    def replay(self, work: Work) -> None:
        def failed(exc: BaseException) -> None:
            self.stack.clear()  # the history no longer matches the database: start afresh
            self.history_broken.emit(
                f"Impossible d'annuler ou de rétablir cette action : {exc}\nL'historique d'annulation a été vidé."
            )

        self.writer.submit(work, on_error=failed)
