"""Every creation, change and deletion of a record, and every month of hours saved, as a step of Édition >
Annuler / Rétablir (Ctrl+Z / Ctrl+Y).

Writes go through the database gateway's one writer (a delete that takes a cité's hundreds of hours with it
must not freeze the window). A step is pushed once its write has succeeded, and its undo/redo replay through the
same writer (a creation is undone by `delete_record`, redone by `restore_deleted`: same ids, same UUIDs).

Going back never overwrites what someone else wrote since (a shared database, another window): a changed record
is put back only if it still has the version this user's write gave it, a created one deleted only if unchanged
since, a month of hours put back only if its cells still hold what was saved. Otherwise nothing is written, the
user is told (`history_broken`) and the history is emptied, since it no longer matches the database. Each step
replayed is told through `replayed`, with the record to show again (an undone deletion brings the record back
into view).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from shiboken6 import isValid
from sqlalchemy.orm import Session

from erbm_desk.db.models import MODELS
from erbm_desk.domain.entities import SPECS
from erbm_desk.domain.french import format_month
from erbm_desk.services.hours.month_grid import replace_month
from erbm_desk.services.records.lists import record_title
from erbm_desk.services.records.writes import ConflictError, Deleted, delete_record, restore_deleted, save_record
from erbm_desk.ui.database.gateway import Gateway

Work = Callable[[Session], Any]
CHANGED_SINCE = ("« {title} » a été modifié entre-temps par quelqu'un d'autre (ou dans une autre fenêtre) : "
                 "pour ne pas écraser ce changement, rien n'a été modifié.")


@dataclass(frozen=True)
class Replayed:
    """A step undone or redone: what the status bar says, and the record to show again (None: none)."""

    message: str
    entity: str | None = None
    record_id: int | None = None


class _Step(QUndoCommand):
    """A write already made: `redo` (after an undo) and `undo` replay through the writer. `undo_shows` /
    `redo_shows`: (entity, id) of the record the replay brings back, to show it."""

    def __init__(self, history: "Records", text: str, undo: Work, redo: Work,
                 undo_shows: tuple[str, int] | None = None, redo_shows: tuple[str, int] | None = None,
                 undo_note: str = ""):
        super().__init__(text)
        self._history = history
        self._undo, self._redo = undo, redo
        self._shows = {"undo": undo_shows, "redo": redo_shows}
        self._undo_note = undo_note  # what the status bar adds once undone (« « X » est rétablie »)
        self._done = True

    def redo(self) -> None:
        if self._done:  # pushed after the write: nothing to do the first time
            self._done = False
            return
        self._history.replay(self._redo, Replayed(f"Rétabli : {self.text()}.", *(self._shows["redo"] or ())))

    def undo(self) -> None:
        note = f" ; {self._undo_note}" if self._undo_note else ""
        self._history.replay(self._undo, Replayed(f"Annulé : {self.text()}{note}.", *(self._shows["undo"] or ())))


class Records(QObject):
    """Creating, changing and deleting records, and saving months of hours, as undoable steps."""

    history_broken = Signal(str)  # an undo or redo failed: the history was cleared (French message)
    replayed = Signal(object)  # Replayed: an undo or redo was written

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
            obj = save_record(s, entity, dict(values), record_id, expected_version=expected)
            return obj.id, before, record_title(s, entity, obj.id), obj.version

        def done(result) -> None:
            rid, before, title, version = result
            if record_id is None:
                self._push_creation(entity, rid, title, version)
            elif before != values:
                self._push_change(entity, rid, title, before, values, version)
            if isValid(owner):
                on_done(rid)

        self.gateway.write(self, work, done, self._for(owner, on_error))

    def _push_change(self, entity: str, rid: int, title: str, before: dict, after: dict, version: int) -> None:
        seen = {"version": version}  # the version this user's last write left: anything else is someone else's

        def put(values: dict) -> Work:
            def work(s: Session) -> None:
                obj = s.get(MODELS[entity], rid)
                if obj is None or obj.version != seen["version"]:
                    raise ConflictError(CHANGED_SINCE.format(title=title))
                seen["version"] = save_record(s, entity, dict(values), rid).version
            return work

        self.stack.push(_Step(self, f"la modification de « {title} »", undo=put(before), redo=put(after),
                              undo_shows=(entity, rid), redo_shows=(entity, rid)))

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
                undo_shows=(entity, record_id),
                undo_note=f"« {title} » est {SPECS[entity].noun.agreed(1, 'rétabli')}",
            ))
            if on_done is not None and isValid(owner):
                on_done()

        self.gateway.write(self, work, done, self._for(owner, on_error))

    def push_hours(self, month: date, before: dict[int, Decimal | None], after: dict[int, Decimal | None]) -> None:
        """A month of hours just saved (`before` → `after`, by contract) as a step: undone only while its cells
        still hold what was saved."""
        self.stack.push(_Step(
            self, f"la saisie des heures de {format_month(month)}",
            undo=lambda s: replace_month(s, month, after, before),
            redo=lambda s: replace_month(s, month, before, after),
        ))

    @staticmethod
    def _for(owner: QObject, on_error: Callable[[BaseException], None] | None):
        """The write is this history's (its step is pushed whatever became of the form); the form hears of a
        refusal only while it exists."""
        if on_error is None:
            return None
        return lambda exc: on_error(exc) if isValid(owner) else None

    def _push_creation(self, entity: str, record_id: int, title: str, version: int) -> None:
        snapshot: dict[str, Deleted] = {}  # filled on the writer thread by the undo, read by the redo after it

        def undo(s: Session) -> None:
            obj = s.get(MODELS[entity], record_id)
            if obj is not None and obj.version != version:  # changed since: deleting it would lose that
                raise ConflictError(CHANGED_SINCE.format(title=title))
            snapshot["rows"] = delete_record(s, entity, record_id)

        self.stack.push(_Step(
            self, f"la création de « {title} »",
            undo=undo,
            redo=lambda s: restore_deleted(s, snapshot["rows"]),
            redo_shows=(entity, record_id),
        ))

    def replay(self, work: Work, replayed: Replayed) -> None:
        def done(_result) -> None:
            self.replayed.emit(replayed)

        def failed(exc: BaseException) -> None:
            self.stack.clear()  # the history no longer matches the database: start afresh
            what = "Impossible d'annuler ou de rétablir cette action"
            self.history_broken.emit(f"{what} : {exc}\n\nL'historique d'annulation a été vidé.")

        self.gateway.write(self, work, done, failed)
