"""The review before anything is written: per entity what is new, changed, unchanged or in error, and every
problem pointed at the cell of the file it comes from — those found while reading the rows into records and
those of the exchange's planner (every rule a form obeys), brought back from its sheets to the file's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from erbm_desk.domain.entities import SPECS
from erbm_desk.services.exchange.mapping.groups import Cell, Issue
from erbm_desk.services.exchange.mapping.matches import group_label
from erbm_desk.services.exchange.mapping.prepare import PreparedSheet, RowKey
from erbm_desk.services.exchange.mapping.reshape import Reshaped
from erbm_desk.services.exchange.model import ImportPlan, Status, status_count

NEW, CHANGED, UNCHANGED, ERRORS = "new", "changed", "unchanged", "errors"
COUNTS = (NEW, CHANGED, UNCHANGED, ERRORS)
COUNT_LABELS = {NEW: "Nouveaux", CHANGED: "Modifiés", UNCHANGED: "Inchangés", ERRORS: "En erreur"}
_STATUS = {NEW: Status.NEW, CHANGED: Status.CHANGED, UNCHANGED: Status.UNCHANGED, ERRORS: Status.ERROR}


def count_text(entity: str, what: str, n: int) -> str:
    """« 2 nouvelles », « 1 inchangé »: agreed with the entity's noun."""
    return status_count(entity, _STATUS[what], n)


NO_COLUMN = " Aucune colonne du fichier ne le donne : associez-en une, ou donnez une valeur pour toutes les lignes."


@dataclass(frozen=True)
class CellProblem:
    sheet: str | None
    row: int | None
    col: int | None  # 0-based column of the file; None: the row (or the file) as a whole
    message: str
    entity: str | None = None
    where: str = ""  # « NOM » (B)

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.row:
            parts.append(f"ligne {self.row}")
        if self.where:
            parts.append(f"colonne {self.where}")
        return f"{', '.join(parts)} : {self.message}" if parts else self.message


@dataclass(frozen=True)
class Change:
    """A record of the base whose values the file changes: (column, in the base, in the file)."""

    sheet: str | None
    row: int | None
    label: str
    differences: list[tuple[str, str, str]]


@dataclass
class Review:
    plan: ImportPlan
    problems: list[CellProblem]
    notices: list[str]
    counts: dict[str, Counter]  # entity -> NEW/CHANGED/UNCHANGED/ERRORS
    changes: list[Change] = field(default_factory=list)  # records of the base the file changes

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def writes(self) -> int:
        return self.plan.writes

    def rows_in_error(self) -> dict[RowKey, list[CellProblem]]:
        out: dict[RowKey, list[CellProblem]] = {}
        for p in self.problems:
            if p.sheet is not None and p.row is not None:
                out.setdefault((p.sheet, p.row), []).append(p)
        return out

    def general_problems(self) -> list[CellProblem]:
        return [p for p in self.problems if p.row is None]

    def summary_lines(self) -> list[str]:
        lines = []
        for entity, c in self.counts.items():
            parts = [count_text(entity, k, c[k]) for k in COUNTS if c[k]]
            lines.append(f"  {SPECS[entity].plural} : {', '.join(parts) if parts else 'rien'}")
        return lines


def build_review(plan: ImportPlan, records, reshaped: Reshaped, sheets: list[PreparedSheet]) -> Review:
    issues: list[Issue] = records.issues
    by_name = {s.name: s for s in sheets}
    problems: list[CellProblem] = []
    error_rows: dict[str, set] = {}

    def add(cell: Cell | None, message: str, entity: str | None) -> None:
        if cell is None:
            problems.append(CellProblem(None, None, None, message, entity))
            return
        sheet = by_name.get(cell.sheet)
        where = sheet.where(cell.col) if sheet is not None else ""
        problems.append(CellProblem(cell.sheet, cell.row, cell.col, message, entity, where))
        if entity:
            error_rows.setdefault(entity, set()).add((cell.sheet, cell.row))

    for issue in issues:
        add(issue.cell, issue.message, issue.entity)
    notices: list[str] = []
    for p in plan.problems:
        groups = reshaped.origins.get(p.sheet)
        if groups is None or not p.row or p.row > len(groups):
            if p.notice:
                notices.append(p.message if not p.sheet else f"{p.sheet} : {p.message}")
            else:
                add(None, str(p), None)
            continue
        group = groups[p.row - 1]
        # « legacy:rsa »: a person's version-1 column (fields.py), read from the cell of the person's « rsa »
        cell = group.cells.get(p.key.removeprefix("legacy:")) if p.key else None
        message = p.message
        if cell is None:
            cell = Cell(group.first.sheet, group.first.row) if group.first else None
            if p.key and p.key not in group.covered and p.key in {c.key for c in SPECS[group.entity].columns}:
                message += NO_COLUMN
        if p.notice:
            notices.append(f"{cell.sheet}, ligne {cell.row} : {message}" if cell else message)
        else:
            add(cell, message, group.entity)
    if plan.already_imported:
        notices.insert(0, "Ce fichier a déjà été importé : seules ses différences avec la base seront écrites.")
    counts: dict[str, Counter] = {}
    for entity, sp in plan.sheets.items():
        c = counts[entity] = Counter()
        c[NEW] = sp.counts[Status.NEW]
        c[CHANGED] = sp.counts[Status.CHANGED] + sp.counts[Status.CONFLICT]
        c[UNCHANGED] = sp.counts[Status.UNCHANGED] + sp.counts[Status.KEPT]
        c[ERRORS] = sp.counts[Status.ERROR]
    for entity, rows in error_rows.items():
        c = counts.setdefault(entity, Counter())
        c[ERRORS] = max(c[ERRORS], len(rows))
    changes = []
    for c in plan.conflicts:
        c.choice = "file"  # the file brought in is the source: its values replace the base's (listed as changes)
        group = reshaped.origins[c.sheet][c.row - 1]
        first = group.first
        changes.append(Change(first.sheet if first else None, first.row if first else None,
                              group_label(records.db, group), c.differences))
    return Review(plan, problems, notices, counts, changes)
