"""The period rules of `domain.reporting.Period` in SQL: a contract active in a period, hours of a period's months.

Shared by the feature folders that filter by period — records (the « Actifs en » list filter), hours (the month
grid), reporting (every figure) — so it sits beside them rather than inside one: the reporting folder reads
the database's settings, whose folder imports records, and a rule there would tie them in a circle.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, true
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import Contract, Funding, HoursEntry
from erbm_desk.domain import rules
from erbm_desk.domain.reporting import Period


def active_in(start: ColumnElement, end: ColumnElement, period: Period) -> ColumnElement[bool]:
    """Records whose dates [start, end] overlap `period` (no end: still running): `Period.overlaps` in SQL."""
    clauses = []
    if period.last_day:
        clauses.append(start <= period.last_day)
    if period.first_day:
        clauses.append(or_(end.is_(None), end >= period.first_day))
    return and_(*clauses) if clauses else true()


def contract_active_in(period: Period) -> ColumnElement[bool]:
    """Contracts whose dates overlap `period` (an open-ended contract runs on)."""
    return active_in(Contract.start_date, Contract.end_date, period)


def hours_in(period: Period) -> ColumnElement[bool]:
    """Monthly hours rows of the period's months (`Period.contains_month` in SQL)."""
    clauses = []
    if period.start:
        clauses.append(HoursEntry.month >= rules.month_start(period.start))
    if period.end:
        clauses.append(HoursEntry.month <= rules.month_start(period.end))
    return and_(*clauses) if clauses else true()


def granted_in(period: Period) -> ColumnElement[bool]:
    """Funding lines granted on a day of the period (`Period.contains_day` in SQL); an undated line counts over
    the whole programme only."""
    if period.is_whole:
        return true()
    clauses = []
    if period.first_day:
        clauses.append(Funding.granted_on >= period.first_day)
    if period.last_day:
        clauses.append(Funding.granted_on <= period.last_day)
    return and_(*clauses)
