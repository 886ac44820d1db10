"""The monthly hours grid: every contract active in a month, and saving the month's hours in one go.

`month_rows` reads plain rows (no ORM objects) for the grid; `save_month` checks every value first and
writes nothing unless all are valid, then upserts/deletes the month's entries in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Beneficiary, Cite, Company, Contract, HoursEntry, Operation
from erbm_desk.domain import rules
from erbm_desk.domain.entities import HOURS
from erbm_desk.domain.french import format_month
from erbm_desk.domain.reporting import Period
from erbm_desk.services.period_filters import contract_active_in
from erbm_desk.services.security import authz
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.records.writes import write_batch
from erbm_desk.services.records.writes import ConflictError
from erbm_desk.domain.french import count_agreed


class MonthRow(NamedTuple):
    contract_id: int
    beneficiary: str
    company: str
    operation: str
    cite: str
    start_date: date
    end_date: date | None
    hours: Decimal | None  # None: nothing entered for this month yet


class MonthInvalid(ValueError):
    """Some values of the month break a rule; nothing was written. `problems`: (contract id, French message)."""

    def __init__(self, problems: list[tuple[int, str]], labels: dict[int, str]):
        self.problems = problems
        lines = [f"{labels.get(cid, f'Contrat n° {cid}')} : {message}" for cid, message in problems]
        super().__init__(f"{count_agreed(len(problems), 'valeur', 'refusé', True)}, rien n'a été enregistré :\n" + "\n".join(lines))


def month_rows(
    session: Session, month: date, company_id: int | None = None, operation_id: int | None = None
) -> list[MonthRow]:
    """Every contract active in `month` (optionally of one company / operation) with that month's hours,
    sorted as a company's report lists its people: by company, then person."""
    month = rules.month_start(month)
    # names only for a role that may see them (authz.name_columns gives NULLs otherwise)
    last_name, first_name = authz.name_columns(session)
    query = (
        select(
            Contract.id, last_name, first_name, Beneficiary.pseudonym, Beneficiary.id,
            Company.name, Operation.name, Cite.name, Contract.start_date, Contract.end_date, HoursEntry.hours,
        )
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
        .join(Company, Contract.company_id == Company.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .join(Cite, Operation.cite_id == Cite.id)
        .outerjoin(HoursEntry, and_(HoursEntry.contract_id == Contract.id, HoursEntry.month == month))
        .where(contract_active_in(Period.of_month(month)))
        .order_by(Company.name, last_name, first_name, Beneficiary.pseudonym, Contract.start_date, Contract.id)
    )
    if company_id is not None:
        query = query.where(Contract.company_id == company_id)
    if operation_id is not None:
        query = query.where(Contract.operation_id == operation_id)
    return [
        MonthRow(cid, authz.person_label(session, last, first, pseudo, bid), company, operation, cite, start, end,
                 hours)
        for cid, last, first, pseudo, bid, company, operation, cite, start, end, hours in session.execute(query)
    ]


def month_problems(session: Session, month: date, values: dict[int, Decimal | None]) -> list[tuple[int, str]]:
    """Every (contract id, French message) that would stop `save_month`, in contract order."""
    month = rules.month_start(month)
    periods = dict(
        (cid, (start, end))
        for cid, start, end in session.execute(
            select(Contract.id, Contract.start_date, Contract.end_date).where(Contract.id.in_(list(values)))
        )
    )
    problems: list[tuple[int, str]] = []
    for cid in sorted(values):
        hours = values[cid]
        if cid not in periods:
            problems.append((cid, "Ce contrat n'existe plus (supprimé entre-temps ?)."))
            continue
        if hours is None:
            continue  # a blank erases the month's entry, whatever the period
        try:
            rules.check_hours(hours)
            rules.check_month_in_contract(month, *periods[cid])
        except rules.RuleError as exc:
            problems.append((cid, exc.message))
    return problems


def _labels(session: Session, contract_ids: list[int]) -> dict[int, str]:
    query = (
        select(Contract.id, *authz.name_columns(session), Beneficiary.pseudonym, Beneficiary.id)
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
        .where(Contract.id.in_(contract_ids))
    )
    return {cid: f"{authz.person_label(session, *rest)} (contrat n° {cid})" for cid, *rest in session.execute(query)}


def save_month(
    session: Session, month: date, values: dict[int, Decimal | None], progress: Progress | None = None
) -> int:
    """Write the month's hours {contract id: hours, None = erase} in the caller's transaction.

    Validates everything first, in bulk (the contract exists, the hours rule, the month within the contract),
    and raises `MonthInvalid` listing every problem before writing anything. Then one batch write
    (`write_batch`: rights, value rules at flush, one journal entry and a version step per record, as a form's
    save would); cancelling (`progress`) raises `Cancelled`, and the caller's transaction rolls back.
    Returns the number of entries created, changed or erased.
    """
    progress = progress or NullProgress()
    month = rules.month_start(month)
    problems = month_problems(session, month, values)
    if problems:
        raise MonthInvalid(problems, _labels(session, [cid for cid, _ in problems]))
    # The contracts as objects in the session: the flush's rule guard finds each entry's contract in the identity
    # map instead of reading it. The map holds objects weakly: keep a reference.
    ids = list(values)
    contracts = session.scalars(select(Contract).where(Contract.id.in_(ids))).all()  # noqa: F841
    existing = {
        e.contract_id: e
        for e in session.scalars(select(HoursEntry).where(HoursEntry.month == month, HoursEntry.contract_id.in_(ids)))
    }
    progress.start(len(values) + 1, f"Enregistrement des heures de {format_month(month)}")
    new, changed, gone = [], [], []
    for cid in sorted(values):
        hours, entry = values[cid], existing.get(cid)
        if hours == (entry.hours if entry else None):
            continue  # unchanged: keep its updated_at, so merges of workbooks see no change
        if hours is None:
            gone.append(entry)
        elif entry is None:
            new.append({"contract_id": cid, "month": month, "hours": hours})
        else:
            changed.append((entry, {"hours": hours}))
    progress.advance(len(values))
    check_cancel(progress)
    write_batch(session, HOURS.name, new, changed, gone)
    progress.advance()
    check_cancel(progress)  # until the caller commits, cancelling still rolls the whole month back
    return len(new) + len(changed) + len(gone)


HOURS_CONFLICT = ("les heures de ce mois ont été modifiées entre-temps par quelqu'un d'autre (ou dans une autre "
                  "fenêtre)")


def replace_month(session: Session, month: date, expected: dict[int, Decimal | None],
                  values: dict[int, Decimal | None]) -> int:
    """Write `values` (as `save_month`) only if the month's entries of those contracts still hold `expected`
    (what this user saw): going back on a save never overwrites someone else's later change
    (ConflictError instead)."""
    month = rules.month_start(month)
    ids = list(expected)
    current = dict(session.execute(select(HoursEntry.contract_id, HoursEntry.hours)
                                   .where(HoursEntry.month == month, HoursEntry.contract_id.in_(ids))).all())
    if any(current.get(cid) != hours for cid, hours in expected.items()):
        raise ConflictError(f"Rien n'a été changé : {HOURS_CONFLICT}.")
    return save_month(session, month, values)
