"""Where each obligation stands at a date: one line per lot (hours required, realised by month and cumulated,
rate, expected to date, status, shortfall) and one per titulaire company (the sum of its lots).

Hours realised on a lot are those of the contracts attached to it (whoever employs the person: the titulaire,
an ETTI, a GEIQ, an SIAE…) in the months up to the date. A lot's works period is its own dates, else its
marché's, else its operation's. The rules are `domain/clauses.py`; the defaults and tolerance come from the base.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Cite, Commune, Company, Contract, Epci, HoursEntry, Lot, Marche, Operation
from erbm_desk.domain import rules
from erbm_desk.domain.clauses import (
    ClauseStatus,
    ClauseTerms,
    CompanyLine,
    LotLine,
    combined,
    lot_obligation,
)
from erbm_desk.domain.reporting import Period
from erbm_desk.services.clauses.parameters import clause_defaults

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ClauseFilter:
    """Which lots to follow: by titulaire company, cité, EPCI, bailleur, operation, marché or lot (ids), by a
    SELECT or a list of cité ids (a scope of the CLI, the dashboard), by status, and by a period their works
    overlap."""

    company_id: int | None = None
    cite_id: int | None = None
    epci_id: int | None = None
    bailleur_id: int | None = None
    operation_id: int | None = None
    marche_id: int | None = None
    lot_ids: tuple[int, ...] | None = None
    cite_ids: Select | list[int] | None = None
    status: ClauseStatus | None = None
    period: Period = Period()


def _works_start():
    return func.coalesce(Lot.start_date, Marche.works_start, Operation.start_date)


def _works_end():
    return func.coalesce(Lot.end_date, Marche.works_end, Operation.end_date)


def _works_meet(flt: ClauseFilter, start: date | None, end: date | None) -> bool:
    """Whether a lot's works (`start`…`end`) meet the filter's period; a lot without dates is always followed."""
    return flt.period.is_whole or start is None or flt.period.overlaps(start, end)


def any_lot(session: Session, flt: ClauseFilter) -> bool:
    """Whether `lot_lines` gives at least one line for `flt` (without a status: the status depends on the hours),
    without reading any hours."""
    if flt.status is not None:
        raise ValueError("any_lot: a lot's status needs its hours (lot_lines)")
    query = _lots_query(flt).with_only_columns(_works_start(), _works_end())
    if flt.period.is_whole:
        query = query.limit(1)
    return any(_works_meet(flt, start, end) for start, end in session.execute(query))


def _lots_query(flt: ClauseFilter) -> Select:
    query = (
        select(Lot.id, Lot.number, Lot.label, Lot.marche_id, Marche.reference, Marche.owner, Bailleur.name,
               Operation.id, Operation.name, Cite.id, Cite.name, Epci.short_name, Company.id, Company.name,
               Company.siret, Company.kind, Lot.amount, Lot.labour_share, Lot.insertion_rate, Lot.hourly_cost,
               Lot.hours_stated, Lot.penalty_per_hour, _works_start(), _works_end())
        .join(Marche, Lot.marche_id == Marche.id)
        .join(Operation, Marche.operation_id == Operation.id)
        .join(Cite, Operation.cite_id == Cite.id)
        .join(Commune, Cite.commune_id == Commune.id)
        .join(Epci, Commune.epci_id == Epci.id)
        .outerjoin(Bailleur, Cite.bailleur_id == Bailleur.id)
        .join(Company, Lot.company_id == Company.id)
        .order_by(Epci.short_name, Cite.name, Marche.reference, Lot.number, Lot.id)
    )
    for value, column in ((flt.company_id, Company.id), (flt.cite_id, Cite.id), (flt.epci_id, Epci.id),
                          (flt.bailleur_id, Bailleur.id), (flt.operation_id, Operation.id),
                          (flt.marche_id, Marche.id)):
        if value is not None:
            query = query.where(column == value)
    if flt.lot_ids is not None:
        query = query.where(Lot.id.in_(flt.lot_ids))
    if flt.cite_ids is not None:
        query = query.where(Cite.id.in_(flt.cite_ids))
    return query


def realised_by_month(session: Session, as_of: date, lot_ids: list[int] | None = None
                      ) -> dict[int, dict[date, Decimal]]:
    """Lot id -> month -> hours realised on it, for the months up to `as_of`'s."""
    query = (select(Contract.lot_id, HoursEntry.month, func.sum(HoursEntry.hours))
             .join(Contract, HoursEntry.contract_id == Contract.id)
             .where(Contract.lot_id.is_not(None), HoursEntry.month <= rules.month_start(as_of))
             .group_by(Contract.lot_id, HoursEntry.month))
    if lot_ids is not None and len(lot_ids) < 500:
        query = query.where(Contract.lot_id.in_(lot_ids))
    out: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for lot_id, month, hours in session.execute(query):
        out[lot_id][month] = hours or ZERO
    return out


def lot_lines(session: Session, as_of: date, flt: ClauseFilter = ClauseFilter()) -> list[LotLine]:
    """The lots `flt` selects, where each stands at `as_of` (by EPCI, cité, marché and lot number)."""
    defaults = clause_defaults(session)
    rows = session.execute(_lots_query(flt)).all()
    months = realised_by_month(session, as_of, [r[0] for r in rows])
    lines = []
    for (lot_id, number, label, marche_id, reference, owner, bailleur, operation_id, operation, cite_id, cite,
         epci, company_id, company, siret, kind, amount, share, rate, cost, stated, penalty_per_hour, start,
         end) in rows:
        if not _works_meet(flt, start, end):
            continue
        by_month = dict(sorted(months.get(lot_id, {}).items()))
        realised = sum(by_month.values(), ZERO)
        terms = ClauseTerms(amount, share, rate, cost, stated, penalty_per_hour)
        obligation = lot_obligation(terms, defaults, start, end, realised, as_of)
        if flt.status is not None and obligation.status != flt.status:
            continue
        lines.append(LotLine(lot_id, number, label, marche_id, reference, owner or bailleur or "", operation_id,
                             operation, cite_id, cite, epci, company_id, company, siret, kind.label, start, end,
                             terms, obligation, penalty_per_hour, by_month))
    return lines


def company_lines(lines: list[LotLine], tolerance: Decimal) -> list[CompanyLine]:
    """One line per titulaire company of `lines`: its lots summed (by name)."""
    by_company: dict[int, list[LotLine]] = defaultdict(list)
    for line in lines:
        by_company[line.company_id].append(line)
    out = []
    for lots in by_company.values():
        first = lots[0]
        behind = sum(1 for lot in lots if lot.obligation.status == ClauseStatus.BEHIND)
        out.append(CompanyLine(first.company_id, first.company, first.siret, first.company_kind, len(lots), behind,
                               combined([lot.obligation for lot in lots], tolerance)))
    return sorted(out, key=by_name)


def by_name(line: CompanyLine) -> tuple[str, int]:
    """The order of the titulaires' lines."""
    return line.name.lower(), line.id


def titulaire_lines(session: Session, as_of: date, flt: ClauseFilter = ClauseFilter()) -> list[CompanyLine]:
    return company_lines(lot_lines(session, as_of, flt), clause_defaults(session).tolerance)


def latest_hours_month(session: Session) -> date | None:
    """The last month with hours recorded (the figures usually stand at its end)."""
    return session.scalar(select(func.max(HoursEntry.month)))


def unattached_hours(session: Session, as_of: date, operation_ids: list[int]) -> dict[int, Decimal]:
    """Operation id -> hours realised up to `as_of` under contracts attached to no lot, for operations that have
    lots (hours that count for the operation but for no company's obligation)."""
    with_lots = select(Marche.operation_id).join(Lot, Lot.marche_id == Marche.id)
    query = (select(Contract.operation_id, func.sum(HoursEntry.hours))
             .join(Contract, HoursEntry.contract_id == Contract.id)
             .where(Contract.lot_id.is_(None), Contract.operation_id.in_(with_lots),
                    HoursEntry.month <= rules.month_start(as_of))
             .group_by(Contract.operation_id))
    if operation_ids:
        query = query.where(Contract.operation_id.in_(operation_ids))
    return {op: hours for op, hours in session.execute(query) if hours}


@dataclass(frozen=True)
class FollowUpChoices:
    """What the « Suivi des clauses » page's filters offer: (label, id) of the titulaires, cités and EPCIs that
    have lots."""

    companies: list[tuple[str, int]]
    cites: list[tuple[str, int]]
    epcis: list[tuple[str, int]]


def follow_up_choices(session: Session) -> FollowUpChoices:
    lots = (select(Lot.company_id, Cite.id.label("cite_id"), Epci.id.label("epci_id"))
            .join(Marche, Lot.marche_id == Marche.id).join(Operation, Marche.operation_id == Operation.id)
            .join(Cite, Operation.cite_id == Cite.id).join(Commune, Cite.commune_id == Commune.id)
            .join(Epci, Commune.epci_id == Epci.id)).subquery()
    companies = session.execute(select(Company.name, Company.siret, Company.id)
                                .where(Company.id.in_(select(lots.c.company_id))).order_by(Company.name)).all()
    cites = session.execute(select(Cite.name, Commune.name, Cite.id).join(Commune, Cite.commune_id == Commune.id)
                            .where(Cite.id.in_(select(lots.c.cite_id))).order_by(Cite.name, Commune.name)).all()
    epcis = session.execute(select(Epci.short_name, Epci.id).where(Epci.id.in_(select(lots.c.epci_id)))
                            .order_by(Epci.short_name)).all()
    return FollowUpChoices([(f"{name} ({siret})", cid) for name, siret, cid in companies],
                           [(f"{name} — {commune}", cid) for name, commune, cid in cites], [tuple(e) for e in epcis])
