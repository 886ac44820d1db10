"""What a write changed, so that only the views concerned refresh (in the spirit of Anki's OpChanges).

Every write through the gateway ends with a `Changes`: the entities written and the ids of their records (or
« any record » when a statement touched many at once), or `everything` when the whole content may differ (another
user signed in, so names are masked or not). `source` is the widget that asked for the write: a view that made the
change itself may skip what it already did. A view asks `changes.touches(*entities)` or
`changes.touches_record(entity, id)`; `shown_with(entity)` says which entities a list of `entity` displays.

Plain Python: no Qt, no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Iterable, Mapping

from erbm_desk.domain.entities import ALL_SPECS, SPECS, Kind

AnyRecord = None  # in `Changes.records`: any record of the entity may have changed


@dataclass(frozen=True)
class Changes:
    records: Mapping[str, frozenset[int] | None] = field(default_factory=dict)
    everything: bool = False
    source: object | None = field(default=None, compare=False)

    @classmethod
    def of(cls, entity: str, ids: Iterable[int] | None = None, source: object | None = None) -> Changes:
        """Records of one entity (`ids` None: any of them)."""
        return cls({entity: None if ids is None else frozenset(ids)}, source=source)

    @classmethod
    def all(cls, source: object | None = None) -> Changes:
        return cls(everything=True, source=source)

    def __bool__(self) -> bool:
        return self.everything or bool(self.records)

    def touches(self, *entities: str) -> bool:
        return self.everything or any(e in self.records for e in entities)

    def ids(self, entity: str) -> frozenset[int] | None:
        """The records of `entity` that changed; None when it may be any (or everything changed)."""
        if self.everything:
            return None
        return self.records.get(entity, frozenset())

    def touches_record(self, entity: str, record_id: int | None) -> bool:
        if record_id is None or not self.touches(entity):
            return False
        ids = self.ids(entity)
        return ids is None or record_id in ids

    def merged(self, other: Changes) -> Changes:
        if self.everything or other.everything:
            return Changes(everything=True, source=self.source or other.source)
        records: dict[str, frozenset[int] | None] = dict(self.records)
        for entity, ids in other.records.items():
            mine = records.get(entity, frozenset())
            records[entity] = None if ids is None or mine is None else mine | ids
        return Changes(records, source=self.source or other.source)

    def with_source(self, source: object | None) -> Changes:
        return Changes(self.records, self.everything, source)

    def describe(self) -> str:
        """For logs and test messages: « cite: 3, 7 · hours_entry: tous »."""
        if self.everything:
            return "tout"
        return " · ".join(f"{e}: {'tous' if ids is None else ', '.join(map(str, sorted(ids)))}"
                          for e, ids in sorted(self.records.items())) or "rien"


@cache
def shown_with(entity: str) -> frozenset[str]:
    """`entity` and every entity whose names a record of it shows (a contract shows its beneficiary, its company
    and its operation, which shows its cité, which shows its commune…): a list of `entity` is out of date when any
    of them changed."""
    found: set[str] = set()
    todo = [entity]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        spec = ALL_SPECS.get(current)
        if spec is not None:
            todo.extend(c.ref for c in spec.columns if c.kind is Kind.REF and c.ref)
    return frozenset(found)


DATA_ENTITIES: frozenset[str] = frozenset().union(*(shown_with(e) for e in SPECS))  # what the indicators read
