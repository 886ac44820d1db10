"""What an import would do: the plan of each row and sheet, the problems and the conflicts (no logic that reads
the workbook or the database: see plan.py and merge.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from erbm_desk.db.models import utcnow
from erbm_desk.domain.entities import SPECS
from erbm_desk.domain.french import format_int
from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.site_log import Baseline


class Status(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    CONFLICT = "conflict"
    ERROR = "error"


STATUS_LABELS = {
    Status.NEW: "nouvelles",
    Status.CHANGED: "modifiées",
    Status.UNCHANGED: "inchangées",
    Status.KEPT: "conservées",
    Status.CONFLICT: "en conflit",
    Status.ERROR: "en erreur",
}
# The same words agreeing with the records counted: (masculine singular, plural, feminine singular, plural).
_AGREEING = {
    Status.NEW: ("nouveau", "nouveaux", "nouvelle", "nouvelles"),
    Status.CHANGED: ("modifié", "modifiés", "modifiée", "modifiées"),
    Status.UNCHANGED: ("inchangé", "inchangés", "inchangée", "inchangées"),
    Status.KEPT: ("conservé", "conservés", "conservée", "conservées"),
}


def status_count(entity: str, status: Status, n: int) -> str:
    """« 2 000 nouveaux » (bénéficiaires), « 1 nouvelle » (cité), « 3 en erreur »; the records are named when the
    sheet's title does not name them: « 4 lignes de financement inchangées » (Financements), « 1 mois d'heures
    modifié » (Heures)."""
    spec = SPECS[entity]
    said = _records(entity, n)
    words = _AGREEING.get(status)
    if words is None:
        return f"{said} {STATUS_LABELS[status]}"
    return f"{said} {words[(2 if spec.noun.feminine else 0) + (1 if n >= 2 else 0)]}"


def counted(entity: str, n: int, participle: str) -> str:
    """« 2 000 ajoutés » (bénéficiaires), « 24 889 mois d'heures ajoutés » (Heures): how many records of a sheet
    became what `participle` says, named as `status_count` names them."""
    return f"{_records(entity, n)} {SPECS[entity].noun.agreed(n, participle)}"


def _records(entity: str, n: int) -> str:
    """The count, with the records' name when the sheet's title does not name them (« Financements »)."""
    spec = SPECS[entity]
    if spec.noun.many.split()[0] != spec.plural.lower().split()[0]:
        return f"{format_int(n)} {spec.noun.many if n >= 2 else spec.noun.one}"
    return format_int(n)


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str
    notice: bool = False
    key: str | None = None  # the column key of the value at fault, when there is one

    def __str__(self) -> str:
        where = [f"feuille « {self.sheet} »"]
        if self.row:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne {self.column}")
        return f"{', '.join(where)} : {self.message}"


@dataclass
class Conflict:
    entity: str
    sheet: str
    row: int
    label: str
    differences: list[tuple[str, str, str]]  # (column, version here, version in the file)
    local_updated_at: datetime | None
    file_updated_at: datetime | None
    choice: str | None = None  # "local" or "file"
    local_values: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> tuple[str, int]:
        return (self.entity, self.row)


@dataclass(eq=False)
class NewBailleur:
    name: str
    db_id: int | None = None


@dataclass(eq=False, slots=True)
class RowPlan:
    """One row of the workbook, checked and matched. `values` holds the typed values of the columns present
    (references as a database id, a RowPlan or a NewBailleur); `final` the record as it would be saved."""

    entity: str
    row: int
    file_uuid: str | None
    values: dict[str, Any]
    final: dict[str, Any]
    status: Status = Status.NEW
    db_id: int | None = None
    uuid: str = ""
    updated_at: datetime | None = None
    file_updated_at: datetime | None = None
    fp_ok: bool = False
    conflict: Conflict | None = None
    texts: tuple[str, ...] = ()
    store: dict[str, Any] | None = None  # what applying writes (new: columns present, the others default)
    legacy: dict[str, Any] | None = None  # values of an older format's columns (format_v1.py)

    @property
    def text(self) -> str:
        return self.texts[0] if self.texts else ""


def ident(target: Any) -> tuple:
    """What two references to the same record have in common."""
    if isinstance(target, RowPlan):
        return ("db", target.db_id) if target.db_id is not None else ("row", target.entity, target.row)
    if isinstance(target, NewBailleur):
        return ("new-bailleur", fold(target.name))
    return ("db", target)


@dataclass
class SheetPlan:
    entity: str
    sheet: str
    present: set[str]
    rows: list[RowPlan] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass
class ImportPlan:
    path: Path
    sha256: str
    kind: str  # "classeur" or "relevé"
    metadata: dict[str, Any]
    baseline: Baseline
    sheets: dict[str, SheetPlan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    new_bailleurs: dict[str, NewBailleur] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    db_token: tuple = ()
    already_imported: bool = False
    planned_at: datetime = field(default_factory=utcnow)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.notice]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.problems if p.notice]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.choice not in ("local", "file")]

    def count(self, status: Status) -> int:
        return sum(sp.counts[status] for sp in self.sheets.values())

    @property
    def writes(self) -> int:
        """Rows that applying the plan would write (conflicts count once settled for the file)."""
        return (self.count(Status.NEW) + self.count(Status.CHANGED)
                + sum(1 for c in self.conflicts if c.choice == "file") + len(self.new_bailleurs))

    def table(self) -> list[tuple[str, dict[Status, int]]]:
        return [(sp.sheet, {s: sp.counts[s] for s in Status}) for sp in self.sheets.values()]

    def summary_lines(self) -> list[str]:
        lines = [f"{self.path.name} ({self.kind}) — {self.baseline.description}"]
        for sp in self.sheets.values():
            parts = [status_count(sp.entity, s, n) for s in Status if (n := sp.counts[s])]
            lines.append(f"  {sp.sheet} : {', '.join(parts) if parts else 'aucune ligne'}")
        return lines
