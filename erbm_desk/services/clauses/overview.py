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
                    as_of: date) -> tuple[list[CompanyLine], list[LotLine]]:
    """(titulaires, lots behind) of the lots on `cite_ids` (None: everywhere), or of one operation, whose works
    meet `period`, as they stand at `as_of`."""
    lots = lot_lines(session, as_of, ClauseFilter(cite_ids=cite_ids, operation_id=operation_id, period=period))
    behind = [line for line in lots if line.obligation.status == ClauseStatus.BEHIND]
    return company_lines(lots, clause_defaults(session).tolerance), behind
