"""Every creation, change and deletion of a record as a step of Édition > Annuler / Rétablir (Ctrl+Z / Ctrl+Y).

Writes go through the database gateway's one writer (a delete that takes a cité's hundreds of hours with it
must not freeze the window). A step is pushed once its write has succeeded, and its undo/redo replay through the
same writer (a creation is undone by `delete_record`, redone by `restore_deleted`: same ids, same UUIDs).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from shiboken6 import isValid
from sqlalchemy.orm import Session

from erbm_desk.db.models import MODELS
from erbm_desk.services.records.lists import record_title
from erbm_desk.services.records.writes import Deleted, delete_record, restore_deleted, save_record
from erbm_desk.ui.database.gateway import Gateway

Work = Callable[[Session], Any]


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

    def __init__(self, gateway: Gateway, stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.gateway = gateway
        self.stack = stack

    def save(self, owner: QObject, entity: str, values: dict[str, Any], record_id: int | None,
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
            if isValid(owner):
                on_done(rid)

        self.gateway.write(self, work, done, self._for(owner, on_error))

    def delete(self, owner: QObject, entity: str, record_id: int, on_done: Callable[[], None] | None = None,
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
            if on_done is not None and isValid(owner):
                on_done()

        self.gateway.write(self, work, done, self._for(owner, on_error))

    @staticmethod
    def _for(owner: QObject, on_error: Callable[[BaseException], None] | None):
        """The write is this history's (its step is pushed whatever became of the form); the form hears of a
        refusal only while it exists."""
        if on_error is None:
            return None
        return lambda exc: on_error(exc) if isValid(owner) else None

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

        self.gateway.write(self, work, failed=failed)
