"""How records are named, from each entity's `Naming`: in pick lists, reference columns and messages.

Names built from text and references are computed in SQL (a join per reference), so that a table of 20 000
contracts shows and sorts the beneficiary's and the company's names without loading a record. A name that
also shows an enumerated value or a month (a funding line, a month of hours) is written in Python from the
loaded record, with the column's own formatter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import MODELS
from erbm_desk.domain.entities import ALL_SPECS, SPECS, Column, EntitySpec, Kind
from erbm_desk.domain.french import format_date
from erbm_desk.services.records.folding import sql_fold
from erbm_desk.services.security.authz import can_see_identity


def _sql_name(spec: EntitySpec, model, joins: list) -> ColumnElement:
    """The SQL text naming a record of `spec` read through `model`; references add their joins to `joins`."""
    naming = spec.naming
    parts = []
    for key in naming.parts:
        column = spec.column(key)
        if column.kind is Kind.REF:
            ref = aliased(MODELS[column.ref])
            joins.append((ref, ref.id == getattr(model, key)))
            parts.append(_sql_name(ALL_SPECS[column.ref], ref, joins))
        elif column.kind is Kind.TEXT:
            parts.append(getattr(model, key))
        else:
            raise ValueError(f"{spec.name} : « {key} » ne se nomme pas en SQL")
    name = parts[0]
    for part in parts[1:]:
        name = name + naming.separator + part
    if naming.fallback:
        name = func.coalesce(name, getattr(model, naming.fallback), "")
    return name


def named_in_sql(entity: str) -> bool:
    """Whether every part of the entity's name is text or a reference named in SQL in its turn."""
    spec = ALL_SPECS[entity]
    for key in spec.naming.parts:
        column = spec.column(key)
        if column.kind is Kind.REF and not named_in_sql(column.ref):
            return False
        if column.kind not in (Kind.TEXT, Kind.REF):
            return False
    return True


def named(entity: str, detailed: bool = False) -> tuple[Any, Select]:
    """(alias, SELECT of the text naming a record of `entity`): the caller correlates on alias.id.

    `detailed` adds a second column that tells apart two records of the same name in a pick list (INSEE code,
    birth date, contract start), formatted by `label`.
    """
    spec = ALL_SPECS[entity]
    model = aliased(MODELS[entity])
    joins: list = []
    query = select(_sql_name(spec, model, joins)).select_from(model)
    for ref, on in joins:
        query = query.join(ref, on)
    if detailed and spec.naming.detail:
        query = query.add_columns(getattr(model, spec.naming.detail))
    return model, query


def _detail_hidden(session: Session, entity: str) -> bool:
    """A personal detail (a birth date) is not shown to a role that may not see identities."""
    spec = ALL_SPECS[entity]
    detail = spec.naming.detail
    personal = detail in spec.keys and spec.column(detail).personal
    return personal and not can_see_identity(session)


def _named_for(session: Session, entity: str, detailed: bool) -> tuple[Any, Select]:
    return named(entity, detailed and not _detail_hidden(session, entity))


def label(entity: str, name: str | None, detail: Any = None) -> str:
    name = name or ""
    if detail is None:
        return name
    text = format_date(detail) if isinstance(detail, date) else str(detail)
    return ALL_SPECS[entity].naming.detail_format.format(name=name, detail=text)


def ref_name(ref: str, fk: ColumnElement) -> ColumnElement:
    """The display name of the record `fk` points to (a correlated primary-key lookup)."""
    alias, query = named(ref)
    return query.where(alias.id == fk).scalar_subquery()


def column_expr(entity: str, column: Column) -> ColumnElement:
    attr = getattr(MODELS[entity], column.key)
    return ref_name(column.ref, attr) if column.kind is Kind.REF else attr


def record_name(session: Session, entity: str, record_id: int, detailed: bool = True) -> str:
    alias, query = _named_for(session, entity, detailed)
    row = session.execute(query.where(alias.id == record_id)).first()
    return label(entity, *row) if row else ""


def record_title(session: Session, entity: str, record_id: int) -> str:
    """What a message calls a record: its name; for a funding line or a month of hours, what it is of."""
    if named_in_sql(entity):
        return record_name(session, entity, record_id, detailed=False)
    spec = ALL_SPECS[entity]
    obj = session.get(MODELS[entity], record_id)
    if obj is None:
        return ""
    parts = []
    for key in spec.naming.parts:
        column, value = spec.column(key), getattr(obj, key)
        parts.append(record_name(session, column.ref, value, False) if column.kind is Kind.REF
                     else column.format(value))
    return spec.naming.separator.join(parts)


def pick_list(session: Session, entity: str) -> list[tuple[int, str]]:
    """(id, name) of every record of `entity`, sorted as people read them: the choices of a picker."""
    alias, query = _named_for(session, entity, detailed=True)
    rows = [(rid, label(entity, *names)) for *names, rid in session.execute(query.add_columns(alias.id))]
    return sorted(rows, key=lambda r: sql_fold(r[1]))


def dependents_text(counts: dict[str, int]) -> str:
    """« 2 opérations, 14 contrats d'insertion et 120 mois d'heures » (empty when nothing depends)."""
    parts = [SPECS[entity].noun.count(counts[entity]) for entity in SPECS if counts.get(entity)]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " et " + parts[-1]
    return parts[0] if parts else ""
