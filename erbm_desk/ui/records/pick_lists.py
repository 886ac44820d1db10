"""The (id, name) lists a record picker offers, read once in a worker and forgotten when their records change."""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Signal

from erbm_desk.domain.entities import ALL_SPECS
from erbm_desk.services.database.opening import Database
from erbm_desk.services.error_log import short_reason
from erbm_desk.services.records.lists import pick_list
from erbm_desk.ui.database.changes import Changes, shown_with
from erbm_desk.ui.database.gateway import gateway_for

Choices = list[tuple[int, str]]

log = logging.getLogger(__name__)


class PickLists(QObject):
    invalidated = Signal()  # some lists are out of date: pickers load them again when next used
    # (entity, « La liste des … n'a pas pu être lue : <why> »): its list could not be read; asking again retries
    unreadable = Signal(str, str)

    def __init__(self, db: Database, parent: QObject | None = None):
        super().__init__(parent)
        self.gateway = gateway_for(db)
        self._lists: dict[str, Choices] = {}
        self._waiting: dict[str, list[Callable[[Choices], None]]] = {}
        self._outdated: set[str] = set()  # lists whose records changed while they were being read

    def get(self, entity: str, then: Callable[[Choices], None]) -> None:
        """Call `then(choices)`: at once when known, else when loaded (once, however often asked meanwhile)."""
        if entity in self._lists:
            then(self._lists[entity])
            return
        first = entity not in self._waiting
        waiting = self._waiting.setdefault(entity, [])
        if then not in waiting:  # a picker asks again at every key typed while its list is on its way
            waiting.append(then)
        if not first:
            return

        def done(choices: Choices) -> None:
            callbacks = self._waiting.pop(entity, [])
            if entity in self._outdated:  # read before a change was written: it may lack a record just made
                self._outdated.discard(entity)
                for callback in callbacks:
                    self.get(entity, callback)
                return
            self._lists[entity] = choices
            for callback in callbacks:
                callback(choices)

        def failed(exc: BaseException) -> None:
            self._waiting.pop(entity, None)
            self._outdated.discard(entity)
            log.warning("Liste de choix « %s » illisible : %s", entity, exc)
            self.unreadable.emit(entity, f"La liste des {ALL_SPECS[entity].noun.many} n'a pas pu être lue : "
                                         f"{short_reason(exc)}")

        self.gateway.read(self, lambda s: pick_list(s, entity), done, failed)

    def invalidate(self, changes: Changes | None = None) -> None:
        """Forget the lists that `changes` may have made wrong (a pick list names records by what they show: a
        contract by its person and company), every list without `changes`."""
        def touched(entity: str) -> bool:
            return changes is None or changes.touches(*shown_with(entity))

        stale = [e for e in self._lists if touched(e)]
        outdated = {e for e in self._waiting if touched(e)}
        if changes is not None and not stale and not outdated:
            return
        for entity in stale:
            del self._lists[entity]
        self._outdated |= outdated
        self.invalidated.emit()
