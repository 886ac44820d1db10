"""The records of someone's file as the import sees them: a `Group` per record (its values, the cells they were
read from, the record of the base it is), and the `Issue`s found while reading them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from erbm_desk.services.exchange.mapping.cells import Commune

FAILED = object()  # a row piece that could not be read: its issue says why, its dependents are skipped quietly


class Cell(NamedTuple):
    sheet: str
    row: int
    col: int | None = None  # None: the row as a whole


@dataclass(slots=True)
class Issue:
    cell: Cell | None  # None: the whole file (a mapping to complete)
    message: str
    entity: str | None = None


@dataclass(eq=False, slots=True)
class Group:
    """One record of the file (or of the base, reached from the file)."""

    entity: str
    key: tuple | None
    fields: dict[str, Any] = field(default_factory=dict)  # column key -> value (references: a Group)
    cells: dict[str, Cell] = field(default_factory=dict)  # where each value was read
    covered: set[str] = field(default_factory=set)  # columns the file gives for it (a blank cell: empty)
    first: Cell | None = None
    db_id: int | None = None
    uuid: str | None = None
    chosen: bool = False  # matched by hand with `db_id`: its identity is the base's
    ident: str = ""  # its identity as a mapping remembers it
    rows: int = 0  # pieces read from the file

    @property
    def from_file(self) -> bool:
        return self.rows > 0


def token(target_: Any) -> Any:
    """How a reference takes part in a natural key: the base's record, or this very group."""
    if isinstance(target_, Group):
        return ("db", target_.db_id) if target_.db_id is not None else ("new", id(target_))
    if isinstance(target_, Commune):
        return ("db", target_.id)
    return ("db", target_)
