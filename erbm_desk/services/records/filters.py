"""The SQL of list filters, built from the declarations in each entity's description (`ListFilter`).

A filter's path of references becomes nested `id IN (SELECT …)` lookups; its `Match` is written here once.
The publics (« moins de 26 ans »…) are counted as the indicators count them: at entry into the clause.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import MODELS
from erbm_desk.domain import rules
from erbm_desk.domain.entities import ALL_SPECS, SPECS, ListFilter, Match
from erbm_desk.domain.reporting import Period
from erbm_desk.services.entry_filters import public_of
from erbm_desk.services.period_filters import active_in


def filters_of(entity: str, visible_only: bool = True) -> tuple[ListFilter, ...]:
    return tuple(f for f in SPECS[entity].filters if f.visible or not visible_only)


def filter_clause(entity: str, key: str, value: Any) -> ColumnElement:
    """The WHERE clause of the filter `key` of `entity` set to `value`."""
    f = SPECS[entity].filter(key)
    if f.match is Match.PUBLIC:
        return _public(entity, f.steps, value)
    if f.match is Match.HAS_RECORD:
        return _has_record(f, MODELS[entity], value)
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

def _public(entity: str, steps: tuple[str, ...], value: str) -> ColumnElement:
    """The records whose person is of the public `value`, as the indicators count it (criteria and age at entry
    into the clause: services/entry_filters.py): the person itself (no steps) or the person a record points to."""
    model = MODELS[entity]
    if not steps:
        return public_of(model, value)
    (key,) = steps
    person = aliased(MODELS[ALL_SPECS[entity].column(key).ref])
    return exists().where(person.id == getattr(model, key), public_of(person, value))


def _has_record(f: ListFilter, model, value: str) -> ColumnElement:
    """« closed »: at least one record of `f.ref` points here (a person with an exit); « open »: none."""
    other = aliased(MODELS[f.ref])
    found = exists().where(getattr(other, f.of) == model.id)
    return found if value == "closed" else ~found
