"""The clauses in a report's scope, for the dashboard and the bilan: every titulaire company's hours, and the lots
behind at the report's date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from erbm_desk.domain.clauses import ClauseStatus, CompanyLine, LotLine
from erbm_desk.domain.reporting import Period
from erbm_desk.services.clauses.obligations import ClauseFilter, company_lines, lot_lines
from erbm_desk.services.clauses.parameters import clause_defaults


def clause_overview(session: Session, cite_ids: list[int] | None, operation_id: int | None, period: Period,
                    as_of: date, lots: list[LotLine] | None = None) -> tuple[list[CompanyLine], list[LotLine]]:
    """(titulaires, lots behind) of the lots on `cite_ids` (None: everywhere), or of one operation, whose works
    meet `period`, as they stand at `as_of`. `lots`: those lots' lines when the caller has them already."""
    if lots is None:
        lots = lot_lines(session, as_of, ClauseFilter(cite_ids=cite_ids, operation_id=operation_id, period=period))
    behind = [line for line in lots if line.obligation.status == ClauseStatus.BEHIND]
    return company_lines(lots, clause_defaults(session).tolerance), behind


def lot_lines_again(session: Session, as_of: date, lines: list[LotLine], cite_ids: set[int]) -> list[LotLine]:
    """`lines` — every lot's line at `as_of` — with the lines of the lots on `cite_ids` read again: what
    `lot_lines(session, as_of)` gives when only those cités' data changed since (the dashboard after saving one
    record). When those cités' lots are no longer the same ones in the same order, every line is read again."""
    fresh = lot_lines(session, as_of, ClauseFilter(cite_ids=sorted(cite_ids)))
    if [line.id for line in fresh] != [line.id for line in lines if line.cite_id in cite_ids]:
        return lot_lines(session, as_of)
    again = iter(fresh)
    return [next(again) if line.cite_id in cite_ids else line for line in lines]
