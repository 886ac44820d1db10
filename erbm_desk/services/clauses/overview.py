"""The clauses in a report's scope, for the dashboard and the bilan: every titulaire company's hours, and the lots
behind at the report's date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from erbm_desk.domain.clauses import ClauseStatus, CompanyLine, LotLine
from erbm_desk.services.clauses.obligations import ClauseFilter, by_name, company_lines, lot_lines
from erbm_desk.services.clauses.parameters import clause_defaults


def clause_overview(session: Session, lots: list[LotLine], titulaires: list[CompanyLine] | None = None
                    ) -> tuple[list[CompanyLine], list[LotLine]]:
    """(titulaires, lots behind) of `lots` (a scope's lines at a date: `dashboard_data.scope_lots`).
    `titulaires`: their companies' lines, when the caller has them already."""
    behind = [line for line in lots if line.obligation.status == ClauseStatus.BEHIND]
    if titulaires is None:
        titulaires = company_lines(lots, clause_defaults(session).tolerance)
    return titulaires, behind


def lot_lines_again(session: Session, as_of: date, lines: list[LotLine], cite_ids: set[int]) -> list[LotLine]:
    """`lines` — every lot's line at `as_of` — with the lines of the lots on `cite_ids` read again: what
    `lot_lines(session, as_of)` gives when only those cités' data changed since (the dashboard after saving one
    record). When those cités' lots are no longer the same ones in the same order, every line is read again."""
    fresh = lot_lines(session, as_of, ClauseFilter(cite_ids=sorted(cite_ids)))
    if [line.id for line in fresh] != [line.id for line in lines if line.cite_id in cite_ids]:
        return lot_lines(session, as_of)
    again = iter(fresh)
    return [next(again) if line.cite_id in cite_ids else line for line in lines]


def titulaires_again(session: Session, lines: list[LotLine], old_lines: list[LotLine], kept: list[CompanyLine],
                     cite_ids: set[int]) -> list[CompanyLine]:
    """`company_lines` of `lines`, from `kept` — those of `old_lines` — when only the lots on `cite_ids` changed:
    the titulaires of those lots, before or after, summed again, the others kept."""
    touched = {line.company_id for line in (*old_lines, *lines) if line.cite_id in cite_ids}
    tolerance = clause_defaults(session).tolerance
    again = company_lines([line for line in lines if line.company_id in touched], tolerance)
    return sorted([c for c in kept if c.id not in touched] + again, key=by_name)
