"""What a list or a form shows in place of a value a record never had (the `stand_in` of a column): a person
from an anonymous workbook has a pseudonym instead of a name and, instead of a birth date, the age band their
first contract travelled with. A stand-in is a column of the model, or a value derived here in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import MODELS, Contract
from erbm_desk.domain.entities import SPECS, Column
from erbm_desk.domain.enums import AgeBand


def _first_band(model) -> ColumnElement:
    """The age band of the person's first contract that has one (stored only when the birth date is not)."""
    return (select(Contract.age_band).where(Contract.beneficiary_id == model.id, Contract.age_band.is_not(None))
            .order_by(Contract.start_date, Contract.id).limit(1).scalar_subquery())


_DERIVED = {("beneficiary", "age_band"): _first_band}
_FORMATS = {"age_band": lambda value: AgeBand(value).label}


def with_stand_in(entity: str) -> list[Column]:
    return [c for c in SPECS[entity].columns if c.stand_in]


def stand_in_expr(entity: str, column: Column) -> ColumnElement:
    model = MODELS[entity]
    derived = _DERIVED.get((entity, column.stand_in))
    return derived(model) if derived else getattr(model, column.stand_in)


def searchable_stand_ins(entity: str) -> list[ColumnElement]:
    """Stand-ins a search looks into as into the names (a pseudonym)."""
    return [getattr(MODELS[entity], c.stand_in) for c in with_stand_in(entity)
            if (entity, c.stand_in) not in _DERIVED]


def shown(key: str, value: Any) -> str:
    """The display text of a stand-in value ('' when there is none)."""
    if value is None or value == "":
        return ""
    return _FORMATS[key](value) if key in _FORMATS else str(value)


def described(key: str, value: Any) -> str:
    """A stand-in said in a sentence: the age band with the moment it was taken."""
    text = shown(key, value)
    return f"{text} au premier contrat" if text and key == "age_band" else text


def stand_in_values(session: Session, entity: str, record_id: int) -> dict[str, Any]:
    """The stand-ins of one record by their key (the pseudonym, the age band), None when it has none."""
    columns = with_stand_in(entity)
    if not columns:
        return {}
    model = MODELS[entity]
    row = session.execute(select(*(stand_in_expr(entity, c) for c in columns)).where(model.id == record_id)).first()
    return {c.stand_in: (row[i] if row else None) for i, c in enumerate(columns)}
