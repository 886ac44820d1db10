"""The SQL of list filters, built from the declarations in each entity's description (`ListFilter`).

A filter's path of references becomes nested `id IN (SELECT …)` lookups; its `Match` is written here once.
The publics (« moins de 26 ans »…) are counted as the indicators count them.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import and_, case, exists, extract, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import MODELS, Contract
from erbm_desk.domain import rules
from erbm_desk.domain.entities import ALL_SPECS, SPECS, ListFilter, Match
from erbm_desk.domain.enums import AgeBand, Sex
from erbm_desk.domain.reporting import Period
from erbm_desk.services.period_filters import active_in

UNDER_26 = "under_26"  # the public counted by age at the start of an insertion contract
WOMEN = "women"


def filters_of(entity: str, visible_only: bool = True) -> tuple[ListFilter, ...]:
    return tuple(f for f in SPECS[entity].filters if f.visible or not visible_only)


def filter_clause(entity: str, key: str, value: Any) -> ColumnElement:
    """The WHERE clause of the filter `key` of `entity` set to `value`."""
    f = SPECS[entity].filter(key)
    if f.match is Match.PUBLIC:
        return _public(entity, f.steps, value)
    return _along(entity, MODELS[entity], f.steps, lambda model, last: _matches(f, model, last, value))


def _along(entity: str, model, steps: tuple[str, ...], leaf: Callable[[Any, str], ColumnElement]) -> ColumnElement:
    """`leaf(model, column)` at the end of a path of references: « operation_id.cite_id.bailleur_id = 3 » is
    « operation_id IN (SELECT id FROM cite WHERE … bailleur_id = 3) », one lookup per step."""
    if len(steps) == 1:
        return leaf(model, steps[0])
    ref = ALL_SPECS[entity].column(steps[0]).ref
    target = aliased(MODELS[ref])
    return getattr(model, steps[0]).in_(select(target.id).where(_along(ref, target, steps[1:], leaf)))


def _matches(f: ListFilter, model, key: str, value: Any) -> ColumnElement:
    column = getattr(model, key)
    match f.match:
        case Match.EQUALS:
            return column == value
        case Match.SAME_MONTH:
            return column == rules.month_start(value)
        case Match.OPEN_OR_CLOSED:
            return column.is_(None) if value == "open" else column.is_not(None)
        case Match.ACTIVE_IN_MONTH:
            return active_in(column, getattr(model, f.until), Period.of_month(value))
    raise AssertionError(f.match)


# --- publics -------------------------------------------------------------------------------------------------

def _age_at(birth, when) -> ColumnElement:
    """Age in whole years on a day, like domain.rules.age_at, in SQL (ISO dates)."""
    def day(d):
        return extract("month", d) * 100 + extract("day", d)

    return extract("year", when) - extract("year", birth) - case((day(when) < day(birth), 1), else_=0)


def _under_26(birth, start, band) -> ColumnElement:
    """« Moins de 26 ans » at a contract's start, as the indicators count it (age band when no birth date)."""
    return or_(
        and_(birth.is_not(None), _age_at(birth, start) < rules.UNDER_AGE),
        and_(birth.is_(None), band == AgeBand.UNDER_26),
    )


def _criterion(person, value: str) -> ColumnElement:
    """A public that is a fact about the person: a criterion column, or « women »."""
    if value == WOMEN:
        return person.sex == Sex.FEMALE
    return getattr(person, value) == True  # noqa: E712 - SQL expression


def _public(entity: str, steps: tuple[str, ...], value: str) -> ColumnElement:
    """The records whose person is of the public `value`: the person itself (no steps) or the person a
    contract points to, whose age then counts at that contract's start."""
    model = MODELS[entity]
    if not steps:
        if value == UNDER_26:  # at the start of any of the person's contracts
            return exists().where(Contract.beneficiary_id == model.id,
                                  _under_26(model.birth_date, Contract.start_date, Contract.age_band))
        return _criterion(model, value)
    (key,) = steps
    person = aliased(MODELS[ALL_SPECS[entity].column(key).ref])
    clause = (_under_26(person.birth_date, model.start_date, model.age_band) if value == UNDER_26
              else _criterion(person, value))
    return exists().where(person.id == getattr(model, key), clause)
