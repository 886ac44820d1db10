"""Exits and the situation six months later, as the reporting engine counts them per cité.

An exit counts in a cité when its person had an insertion contract there that started on or before the exit
day (the path the exit ends went through that cité), and in a period when its date lies in the period. Like
people, an exit counts once in each group: a person who worked on two cités counts in both, once in their EPCI.
Its six-month situation is due six months after the exit (domain/parcours.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Contract, Operation, PathExit
from erbm_desk.domain.parcours import six_months_after
from erbm_desk.domain.reporting import Period


@dataclass(frozen=True)
class ExitFact:
    # codes, not the enumerations: a tally's row counts them without an enum attribute lookup per exit
    outcome: str  # ExitOutcome's code
    situation: str | None  # SixMonthSituation's code
    due: bool  # six months have passed since the exit


def add_exits(session: Session, period: Period, in_scope: Callable[[Select], Select], tallies: dict,
              today: date | None = None) -> None:
    """Each exit of the period into `tally.exits` (exit id -> ExitFact) of every cité its path went through."""
    today = today or date.today()
    query = in_scope(
        select(Operation.cite_id, PathExit.id, PathExit.exit_date, PathExit.outcome, PathExit.situation_6m)
        .select_from(PathExit)
        .join(Contract, (Contract.beneficiary_id == PathExit.beneficiary_id)
              & (Contract.start_date <= PathExit.exit_date))
        .join(Operation, Contract.operation_id == Operation.id)
        .distinct()
    )
    if period.first_day:
        query = query.where(PathExit.exit_date >= period.first_day)
    if period.last_day:
        query = query.where(PathExit.exit_date <= period.last_day)
    for cid, exit_id, day, outcome, situation in session.execute(query):
        tallies[cid].exits[exit_id] = ExitFact(outcome.value, situation.value if situation else None,
                                               six_months_after(day) <= today)
