"""One import of someone's file, from reading it to writing it: the one code path of the window's wizard and of
`erbm-desk import --mapping`.

    intake = Intake.open(path, saved)           # read, checked, mapping proposed (a saved one if it fits)
    analysis = analyse(session, intake)         # records grouped and matched with the base; what is missing
    result = review(session, intake, analysis)  # the exchange's planner on them: the preview and its problems
    apply_review(db, intake, result)            # backup, then ONE transaction (data and mapping)

Nothing is written before `apply_review`, and it refuses a review with errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from erbm_desk.domain.french import format_count
from erbm_desk.services.exchange.apply import ApplySummary, PlanNotReady, apply_import
from erbm_desk.services.paused_gc import paused_gc
from erbm_desk.services.exchange.mapping.columns import ColumnProposal
from erbm_desk.services.exchange.mapping.fields import target
from erbm_desk.services.exchange.mapping.gaps import (
    Gap,
    column_gaps,
    month_gaps,
    required_gaps,
    value_gaps,
    year_gaps,
)
from erbm_desk.services.exchange.mapping.model import Mapping
from erbm_desk.services.exchange.mapping.prepare import CellKey, PreparedSheet, RowKey, prepare, prepare_sheet
from erbm_desk.services.exchange.mapping.proposal import propose, propose_sheet
from erbm_desk.services.exchange.mapping.records import Records
from erbm_desk.services.exchange.mapping.reshape import reshape
from erbm_desk.services.exchange.mapping.review import Review, build_review
from erbm_desk.services.exchange.mapping.saved import save_mapping
from erbm_desk.services.exchange.mapping.source import SourceBook, read_source
from erbm_desk.services.exchange.plan import plan_sheets
from erbm_desk.services.exchange.snapshot import DbSnapshot
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.security import authz


@dataclass
class Intake:
    book: SourceBook
    mapping: Mapping
    proposals: dict[str, list[ColumnProposal]]
    corrections: dict[CellKey, Any] = field(default_factory=dict)  # cells typed again in the review
    left_out: set[RowKey] = field(default_factory=set)  # rows the user chose not to import
    saved_name: str | None = None  # the saved mapping proposed for this file

    @classmethod
    @paused_gc(keep=True)
    def open(cls, path: str | Path, saved: list[Mapping] = (), progress: Progress | None = None) -> Intake:
        return cls.of(read_source(path, progress), saved)

    @classmethod
    def of(cls, book: SourceBook, saved: list[Mapping] = ()) -> Intake:
        """The file already read, with the mapping proposed for it (the first saved mapping that fits)."""
        mapping, proposals = propose(book, saved)
        return cls(book, mapping, proposals, saved_name=mapping.name or None)

    def set_header_row(self, sheet: str, row: int) -> None:
        """Read `sheet`'s columns from another row (the proposal for its columns is made again)."""
        sheet_mapping, proposals = propose_sheet(self.book, sheet, row)
        self.mapping.sheets = [sheet_mapping if s.sheet == sheet else s for s in self.mapping.sheets]
        self.proposals[sheet] = proposals

    def use_sheet(self, sheet: str, used: bool, header_row: int | None = None) -> None:
        present = self.mapping.sheet(sheet) is not None
        if used and not present:
            sheet_mapping, proposals = propose_sheet(self.book, sheet, header_row or 1)
            order = [s.name for s in self.book.sheets]
            self.mapping.sheets.append(sheet_mapping)
            self.mapping.sheets.sort(key=lambda s: order.index(s.sheet))
            self.proposals[sheet] = proposals
        elif not used and present:
            self.mapping.sheets = [s for s in self.mapping.sheets if s.sheet != sheet]

    def prepared(self) -> list[PreparedSheet]:
        return prepare(self.book, self.mapping, self.corrections, self.left_out)

    def prepared_rows(self, sheet: str, with_left_out: bool = False) -> list[tuple[int, list]]:
        """(row number, cells as corrected) of one sheet's data rows."""
        sm = self.mapping.sheet(sheet)
        left_out = set() if with_left_out else self.left_out
        return prepare_sheet(self.book, self.mapping, sm, self.corrections, left_out).rows

    def correct(self, sheet: str, row: int, col: int, value: Any) -> None:
        """A cell typed again in the review (the file itself is never changed)."""
        self.corrections[(sheet, row, col)] = value

    def leave_out(self, sheet: str, row: int, out: bool = True) -> None:
        if out:
            self.left_out.add((sheet, row))
        else:
            self.left_out.discard((sheet, row))

@dataclass
class Analysis:
    records: Records
    sheets: list[PreparedSheet]
    db: DbSnapshot
    gaps: list[Gap]


# Tens of thousands of records and no cycle among them, kept for the review: as when the exchange's planner reads.
@paused_gc(keep=True)
def analyse(session: Session, intake: Intake, progress: Progress | None = None) -> Analysis:
    """The file's rows grouped into records and matched with the base, and what the mapping still lacks."""
    progress = progress or NullProgress()
    authz.require(session, authz.DATA_IMPORT)
    progress.start(0, "Rapprochement avec la base")
    db = DbSnapshot(session)
    sheets = intake.prepared()
    records = Records(db, intake.mapping)
    records.read(sheets)
    check_cancel(progress)
    read = {code: records.reader.seen(code) for code in intake.mapping.targets_used() if target(code).maps_values}
    gaps = (column_gaps(intake.proposals, intake.mapping) + year_gaps(sheets) + month_gaps(sheets)
            + value_gaps(read, intake.mapping) + required_gaps(records.groups))
    return Analysis(records, sheets, db, gaps)


@paused_gc(keep=True)
def review(session: Session, intake: Intake, analysis: Analysis | None = None,
           progress: Progress | None = None) -> Review:
    """Every record checked by the exchange's planner; its problems pointed at the file's cells."""
    progress = progress or NullProgress()
    analysis = analysis or analyse(session, intake, progress)
    reshaped = reshape(analysis.records)
    plan = plan_sheets(session, intake.book.path, intake.book.sha256, reshaped.sheets, progress, db=analysis.db)
    return build_review(plan, analysis.records, reshaped, analysis.sheets)


def apply_review(db, intake: Intake, result: Review, progress: Progress | None = None,
                 save_as: str | None = None) -> ApplySummary:
    """A backup of the base, then ONE transaction: the records of the review and, under `save_as`, the mapping.
    Refused (nothing written) while the review has errors."""
    from erbm_desk.services.backup.copies import backup_before

    if not result.ok:
        raise PlanNotReady(f"{format_count(len(result.problems), 'erreur')} à corriger ou lignes à laisser de côté : "
                           "rien n'a été importé.")
    if result.writes:
        backup_before(db, "import")  # a copy first; if it cannot be made, nothing is imported
    with db.session() as s:
        summary = apply_import(s, result.plan, progress)
        if save_as:
            save_mapping(s, save_as, intake.mapping)
    return summary
