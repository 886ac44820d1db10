"""The rules of `domain.parcours` in SQL: a person's entry into the clause, the eligibility check in force then,
and the publics it gives — for the list filters (« Public : bénéficiaires du RSA »), which must select exactly
the persons the indicators count (tests/parcours/test_entry_rules.py checks both against each other).

Beside `period_filters` for the same reason: the records folder (list filters) and the reporting folder both use
them, and neither may import the other.
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, extract, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import Contract, EligibilityCheck
from erbm_desk.domain import rules
from erbm_desk.domain.enums import AgeBand, Sex
from erbm_desk.domain.parcours import CRITERIA_KEYS


def first_contract_start(person) -> ColumnElement:
    """The start of the person's first insertion contract (NULL without one)."""
    c = aliased(Contract)
    return select(func.min(c.start_date)).where(c.beneficiary_id == person.id).correlate(person).scalar_subquery()


def entry_day(person) -> ColumnElement:
    """`domain.parcours.entry_into_clause`: the first contract's start, else the person's entry date."""
    return func.coalesce(first_contract_start(person), person.entry_date)


def _check_date_at_entry(person) -> ColumnElement:
    """The date of the check in force at entry: the latest on or before it, else the earliest."""
    before, first = aliased(EligibilityCheck), aliased(EligibilityCheck)
    entry = entry_day(person)
    latest_before = (select(func.max(before.check_date))
                     .where(before.beneficiary_id == person.id, before.check_date <= entry)
                     .correlate(person).scalar_subquery())
    earliest = (select(func.min(first.check_date)).where(first.beneficiary_id == person.id)
                .correlate(person).scalar_subquery())
    return func.coalesce(latest_before, earliest)


def criterion_at_entry(person, key: str) -> ColumnElement[bool]:
    """The person's check at entry has criterion `key` (« deld » also holds with DETLD only)."""
    if key not in CRITERIA_KEYS:
        raise ValueError(f"critère inconnu : {key}")
    check = aliased(EligibilityCheck)
    found = getattr(check, key) == True  # noqa: E712 - SQL expression
    if key == "deld":
        found = or_(found, check.detld == True)  # noqa: E712 - SQL expression
    return exists().where(check.beneficiary_id == person.id, check.check_date == _check_date_at_entry(person),
                          found).correlate(person)


def _age_at(birth, when) -> ColumnElement:
    """Age in whole years on a day, like domain.rules.age_at, in SQL (ISO dates)."""
    def day(d):
        return extract("month", d) * 100 + extract("day", d)

    return extract("year", when) - extract("year", birth) - case((day(when) < day(birth), 1), else_=0)


def under_26_at_entry(person) -> ColumnElement[bool]:
    """`domain.parcours.under_26_at_entry`: the age on the entry day, else the first contract's age band."""
    first = aliased(Contract)
    entry = entry_day(person)
    by_birth = and_(person.birth_date.is_not(None), entry.is_not(None),
                    _age_at(person.birth_date, entry) < rules.UNDER_AGE)
    by_band = and_(person.birth_date.is_(None), exists().where(
        first.beneficiary_id == person.id, first.start_date == first_contract_start(person),
        first.age_band == AgeBand.UNDER_26).correlate(person))
    return or_(by_birth, by_band)


def public_of(person, code: str) -> ColumnElement[bool]:
    """The person belongs to the public `code` of `domain.parcours.PUBLICS`."""
    if code == "women":
        return person.sex == Sex.FEMALE
    if code == "under_26":
        return under_26_at_entry(person)
    return criterion_at_entry(person, code)
