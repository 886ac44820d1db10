"""What the record pages of one open database share: its gateway (ui/database/gateway.py), the undoable history
of their writes (and of the hours saved), the pick lists, and how to talk to the window (status bar, going to
a record, starting a new one)."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from sqlalchemy.orm import Session

from erbm_desk.services.database.opening import Database
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.records.pick_lists import PickLists
from erbm_desk.ui.records.undo import Records, Replayed


class Workspace(QObject):
    """One open database as the pages see it."""

    def __init__(self, db: Database, status: Callable[[str], None], open_record: Callable[[str, int], None],
                 parent: QObject | None = None,
                 new_record: Callable[[str, dict[str, Any]], None] | None = None):
        super().__init__(parent)
        self.db = db
        self.gateway = gateway_for(db)
        self.undo_stack = QUndoStack(self)
        self.records = Records(self.gateway, self.undo_stack, self)
        self.records.replayed.connect(self._replayed)
        self.picks = PickLists(db, self)
        self.status = status
        self.open_record = open_record
        self.new_record = new_record  # a new record started on its entity's page, from defaults
        self.gateway.changed.connect(self._changed)

    def read(self, owner: QObject, work: Callable[[Session], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None] | None = None, *, latest: str | None = None) -> None:
        self.gateway.read(owner, work, done, failed, latest=latest)

    def _changed(self, changes: Changes) -> None:
        self.picks.invalidate(changes)

    def _replayed(self, replayed: Replayed) -> None:
        """An undo or redo was written: say so, and show the record it brought back (an undone deletion)."""
        self.status(replayed.message)
        if replayed.record_id is not None:
            self.open_record(replayed.entity, replayed.record_id)
