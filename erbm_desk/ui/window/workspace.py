"""What the pages of one open database share: the database, the writer and its history, the pick lists,
and how to talk to the window (status bar, going to a record)."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.orm import Session

from erbm_desk.services.database.opening import Database
from erbm_desk.services.records.lists import pick_list
from erbm_desk.ui.records.undo import Records, Writer
from erbm_desk.ui.database.workers import run_job

Choices = list[tuple[int, str]]


def read_in(db: Database, pool: QThreadPool | None, work: Callable[[Session], Any], on_done: Callable[[Any], None],
            owner: QObject, on_error: Callable[[BaseException], None] | None = None) -> None:
    """Run `work(session)` (reading only) in a worker of `pool`; `on_done(result)` back on the UI thread."""

    def job(_progress):
        with db.sessions() as s:
            return work(s)

    run_job(job, on_done, on_error or (lambda exc: None), owner=owner, pool=pool)


class PickLists(QObject):
    """(id, name) lists of the records a picker offers, loaded once in a worker and forgotten after a write."""

    invalidated = Signal()  # the lists are out of date: pickers load them again when next used

    def __init__(self, db: Database, pool: QThreadPool | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.pool = pool
        self._lists: dict[str, Choices] = {}
        self._waiting: dict[str, list[Callable[[Choices], None]]] = {}
        self._generation = 0

    def get(self, entity: str, then: Callable[[Choices], None]) -> None:
        """Call `then(choices)`: at once when known, else when loaded."""
        if entity in self._lists:
            then(self._lists[entity])
            return
        first = entity not in self._waiting
        self._waiting.setdefault(entity, []).append(then)
        if not first:
            return
        generation = self._generation

        def done(choices: Choices) -> None:
            callbacks = self._waiting.pop(entity, [])
            if generation == self._generation:
                self._lists[entity] = choices
            for callback in callbacks:
                callback(choices)

        read_in(self.db, self.pool, lambda s: pick_list(s, entity), done, self,
                lambda exc: self._waiting.pop(entity, None))

    def invalidate(self) -> None:
        self._generation += 1
        self._lists.clear()
        self.invalidated.emit()


class Workspace(QObject):
    """One open database as the pages see it."""

    changed = Signal()  # data was written (by a page of this workspace or another feature)

    def __init__(self, db: Database, status: Callable[[str], None], open_record: Callable[[str, int], None],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.reads = QThreadPool(self)  # the pages' reads: waited for when the database is closed
        self.reads.setMaxThreadCount(2)
        self.undo_stack = QUndoStack(self)
        self.writer = Writer(db, self)
        self.records = Records(self.writer, self.undo_stack, self)
        self.picks = PickLists(db, self.reads, self)
        self.status = status
        self.open_record = open_record
        self.writer.written.connect(self.notify_changed)

    def read(self, work: Callable[[Session], Any], on_done: Callable[[Any], None], owner: QObject,
             on_error: Callable[[BaseException], None] | None = None) -> None:
        read_in(self.db, self.reads, work, on_done, owner, on_error)

    def wait(self, msecs: int = 30_000) -> None:
        """Let every read and write of this database finish (before closing it)."""
        self.reads.waitForDone(msecs)
        self.writer.wait(msecs)

    def notify_changed(self) -> None:
        self.picks.invalidate()
        self.changed.emit()
