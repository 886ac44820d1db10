"""What the indicators know about a person whatever the scope and period: the publics of their entry into the
clause (domain/parcours.py). Read once per report for the persons in scope, from their first contract over the
whole database — never from the contracts of one cité or one period, so a person who started at 25 stays a
« jeune » in every cité and every later period.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Beneficiary, Contract, EligibilityCheck
from erbm_desk.domain.enums import Sex
from erbm_desk.domain.parcours import CRITERIA_KEYS, Check, entry_into_clause, person_publics


@dataclass(frozen=True)
class PersonFacts:
    publics: frozenset[str]
    checked: bool  # has at least one eligibility check (else: no public of a criterion, a data problem)


def person_facts(session: Session, people: Select | None) -> dict[int, PersonFacts]:
    """The facts of the persons whose ids `people` selects (None: every person)."""

    def only(query: Select, column) -> Select:
        return query if people is None else query.where(column.in_(people))

    firsts = dict(session.execute(only(
        select(Contract.beneficiary_id, func.min(Contract.start_date)).group_by(Contract.beneficiary_id),
        Contract.beneficiary_id)).all())
    bands: dict[int, list] = {}
    for pid, start, band in session.execute(only(
            select(Contract.beneficiary_id, Contract.start_date, Contract.age_band)
            .where(Contract.age_band.is_not(None)), Contract.beneficiary_id)):
        bands.setdefault(pid, []).append((start, band))
    checks: dict[int, list[Check]] = {}
    criteria = [getattr(EligibilityCheck, key) for key in CRITERIA_KEYS]
    for pid, day, *flags in session.execute(only(
            select(EligibilityCheck.beneficiary_id, EligibilityCheck.check_date, *criteria),
            EligibilityCheck.beneficiary_id)):
        found = frozenset(key for key, flag in zip(CRITERIA_KEYS, flags) if flag)
        checks.setdefault(pid, []).append(Check(day, found))
    facts = {}
    for pid, birth, sex, entry_date in session.execute(only(
            select(Beneficiary.id, Beneficiary.birth_date, Beneficiary.sex, Beneficiary.entry_date), Beneficiary.id)):
        first = firsts.get(pid)
        entry = entry_into_clause(first, entry_date)
        band = next((b for start, b in bands.get(pid, ()) if start == first), None)
        mine = checks.get(pid, ())
        facts[pid] = PersonFacts(frozenset(person_publics(birth, sex == Sex.FEMALE, entry, band, mine)), bool(mine))
    return facts
