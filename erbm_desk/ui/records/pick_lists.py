"""The (id, name) lists a record picker offers, read once in a worker and forgotten when their records change."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from erbm_desk.services.database.opening import Database
from erbm_desk.services.records.lists import pick_list
from erbm_desk.ui.database.changes import Changes, shown_with
from erbm_desk.ui.database.gateway import gateway_for

Choices = list[tuple[int, str]]


class PickLists(QObject):
    invalidated = Signal()  # some lists are out of date: pickers load them again when next used

    def __init__(self, db: Database, parent: QObject | None = None):
        super().__init__(parent)
        self.gateway = gateway_for(db)
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

        self.gateway.read(self, lambda s: pick_list(s, entity), done, lambda exc: self._waiting.pop(entity, None))

    def invalidate(self, changes: Changes | None = None) -> None:
        """Forget the lists that `changes` may have made wrong (a pick list names records by what they show: a
        contract by its person and company), every list without `changes`."""
        stale = [e for e in self._lists if changes is None or changes.touches(*shown_with(e))]
        if changes is not None and not stale and not any(changes.touches(*shown_with(e)) for e in self._waiting):
            return
        self._generation += 1
        for entity in stale:
            del self._lists[entity]
        self.invalidated.emit()
