"""What an export reads: the rows of each entity in the perimeter (scope × period) and every record they refer to,
as tuples in `row_keys(entity)` order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import null, or_, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import (
    MODELS,
    Beneficiary,
    Cite,
    Company,
    Contract,
    Funding,
    HoursEntry,
    Lot,
    Marche,
    Operation,
)
from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.reporting.scopes import scope_cites, scope_operations


def _where_period_overlaps(query, period: Period):
    if period.last_day:
        query = query.where(Contract.start_date <= period.last_day)
    if period.first_day:
        query = query.where(or_(Contract.end_date.is_(None), Contract.end_date >= period.first_day))
    return query


def row_keys(entity: str) -> list[str]:
    return ["id", "uuid", "updated_at", *SPECS[entity].keys] + (["pseudonym"] if entity == "beneficiary" else [])


def _select(session: Session, entity: str, *where, names: bool = True) -> list[Any]:
    model = MODELS[entity]
    keys = row_keys(entity)
    table = model.__table__
    hidden = set() if names else {c.key for c in SPECS[entity].columns if c.personal and c.kind is Kind.TEXT}
    query = select(*[null().label(k) if k in hidden else table.c[k] for k in keys]).order_by(table.c.id)
    for clause in where:
        if clause is not None:
            query = query.where(clause)
    return session.execute(query).all()


def collect_rows(session: Session, scope: Scope, period: Period, names: bool = True) -> dict[str, list[Any]]:
    """The rows of each entity in the perimeter, and every record they refer to (names only if `names`)."""
    ops = scope_operations(session, scope)
    cites = scope_cites(session, scope)
    everything = scope.kind == "territory" and period.start is None and period.end is None
    contract_q = _where_period_overlaps(select(Contract.id), period)
    if ops is not None:
        contract_q = contract_q.where(Contract.operation_id.in_(ops))
    rows = {
        "cite": _select(session, "cite", Cite.id.in_(cites) if cites is not None else None),
        "operation": _select(session, "operation", Operation.id.in_(ops) if ops is not None else None),
        "funding": _select(session, "funding", Funding.operation_id.in_(ops) if ops is not None else None),
    }
    contracts = None if everything else Contract.id.in_(contract_q)
    # The marchés and lots of the operations in scope, and their titulaires among the companies.
    marches = None if ops is None else Marche.operation_id.in_(ops)
    lots = None if ops is None else Lot.marche_id.in_(select(Marche.id).where(marches))
    rows["marche"] = _select(session, "marche", marches)
    rows["lot"] = _select(session, "lot", lots)
    titulaires = select(Lot.company_id) if lots is None else select(Lot.company_id).where(lots)
    if everything:
        rows["company"] = _select(session, "company")
        rows["beneficiary"] = _select(session, "beneficiary", names=names)
    else:
        rows["company"] = _select(session, "company", or_(
            Company.id.in_(contract_q.with_only_columns(Contract.company_id)), Company.id.in_(titulaires)))
        rows["beneficiary"] = _select(
            session, "beneficiary", Beneficiary.id.in_(contract_q.with_only_columns(Contract.beneficiary_id)),
            names=names)
    rows["contract"] = _select(session, "contract", contracts)
    months = []
    if period.start:
        months.append(HoursEntry.month >= rules.month_start(period.start))
    if period.end:
        months.append(HoursEntry.month <= rules.month_start(period.end))
    rows["hours_entry"] = _select(
        session, "hours_entry", None if everything else HoursEntry.contract_id.in_(contract_q), *months)
    people = None if everything else contract_q.with_only_columns(Contract.beneficiary_id)
    for entity in ("eligibility_check", "path_exit", "followup_action"):  # every record of the people exported
        model = MODELS[entity]
        rows[entity] = _select(session, entity, None if people is None else model.beneficiary_id.in_(people),
                               names=names)
    return rows

