"""Hours month by month: realised, cumulated, against the hours required by the operations spread evenly over each
operation's months of works. For a report's scope (the dashboard) and for each of its cités (the bilan's pages,
from one grouped query)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Contract, HoursEntry, Operation
from erbm_desk.domain import rules
from erbm_desk.domain.figures import MonthlyHours
from erbm_desk.domain.reporting import Period, required_by_month as spread_required, works_months
from erbm_desk.services.period_filters import hours_in
from erbm_desk.services.reporting.engine import Report

ZERO = Decimal("0.00")


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    return list(_months_between(rules.month_start(first), last))


@lru_cache(maxsize=4096)
def _months_between(first: date, last: date) -> tuple[date, ...]:
    """The months of a span, remembered: the operations of the territory share a few hundred spans, and the
    dashboard spreads their required hours over them at each refresh."""
    out, m = [], first
    while m <= last:
        out.append(m)
        m = next_month(m)
    return tuple(out)


def data_date(session: Session) -> date:
    """The date of the data: the end of the last month with hours, or the last delivery, whichever is later."""
    last_month = session.scalar(select(func.max(HoursEntry.month)))
    last_delivery = session.scalar(select(func.max(Operation.delivery_date)))
    candidates = [d for d in (last_month and rules.month_end(last_month), last_delivery) if d]
    return max(candidates) if candidates else date.today()


def monthly_hours(session: Session, r: Report) -> MonthlyHours:
    """The series of the report's scope."""
    # Grouped by an expression of the month, not the column: SQLite would otherwise walk the month index and
    # fetch every row from the table in that order (random reads: 1 s for the territory at demo scale 10); a
    # scan of the table and a small sort take a seventh of that. PostgreSQL plans both alike.
    month = func.coalesce(HoursEntry.month, HoursEntry.month)
    query = select(month, func.sum(HoursEntry.hours))
    if r.operation_ids is not None:
        query = query.join(Contract, HoursEntry.contract_id == Contract.id).where(
            Contract.operation_id.in_(r.operation_ids))
    if not r.period.is_whole:
        query = query.where(hours_in(r.period))
    by_month = dict(session.execute(query.group_by(month)).all())
    return series(by_month, r.operations, r.period)


def monthly_hours_by_cite(session: Session, r: Report) -> dict[int, MonthlyHours]:
    """The series of each cité of the report, from one query grouped by cité and month."""
    month = func.coalesce(HoursEntry.month, HoursEntry.month)
    query = (
        select(Operation.cite_id, month, func.sum(HoursEntry.hours))
        .join(Contract, HoursEntry.contract_id == Contract.id)
        .join(Operation, Contract.operation_id == Operation.id)
    )
    if r.operation_ids is not None:
        query = query.where(Operation.id.in_(r.operation_ids))
    if not r.period.is_whole:
        query = query.where(hours_in(r.period))
    by_cite: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for cid, m, hours in session.execute(query.group_by(Operation.cite_id, month)):
        by_cite[cid][m] = hours
    operations: dict[int, list[Row]] = defaultdict(list)
    for op in r.operations:
        operations[op.cite_id].append(op)
    return {cid: series(by_cite.get(cid, {}), operations.get(cid, []), r.period) for cid in r.cites}


def required_by_month(operations: list[Row]) -> dict[date, Decimal]:
    """Hours required, spread evenly over each operation's months (`domain.reporting.required_by_month`)."""
    spread: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for op in operations:
        months = works_months(op.start_date, op.end_date, op.delivery_date)
        for m, hours in spread_required(op.hours_required, op.phase, months).items():
            spread[m] += hours
    return spread


def series(by_month: dict[date, Decimal], operations: list[Row], period: Period) -> MonthlyHours:
    """From the first to the last month of the period (or with hours, when the period is open on that side)."""
    required = required_by_month(operations)
    required_total = sum(required.values(), ZERO)  # what the engine counts over the whole programme
    known = [m for m, h in by_month.items() if h]
    first = rules.month_start(period.start) if period.start else (min(known) if known else None)
    last = rules.month_start(period.end) if period.end else (max(known) if known else None)
    if first is None or last is None or last < first:
        return MonthlyHours([], [], [], [], required_total)
    months = months_between(first, last)
    realised = [by_month.get(m, ZERO) or ZERO for m in months]
    cumulative, required_cumulative = [], []
    total = ZERO
    req = sum((v for m, v in required.items() if m < first), ZERO) if period.start is None else ZERO
    for m, h in zip(months, realised):
        total += h
        req += required.get(m, ZERO)
        cumulative.append(total)
        required_cumulative.append(req)
    return MonthlyHours(months, realised, cumulative, required_cumulative, required_total)
