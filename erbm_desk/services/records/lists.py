"""Lists of records for tables: search, filters and sort are built in SQL. No Qt here.

A table asks `load_list(session, ListQuery(...), first)` once, in a worker: every matching id in order (a
cheap scan) and the display rows of the first ones. It then asks `display_rows(session, entity, ids)` chunk by
chunk: primary-key lookups, as fast at row 20 000 as at row 0 (no OFFSET). Rows are plain tuples of display
strings formatted by the entity's column spec: nothing live from the ORM leaves this module.

Search and sort are accent- and case-insensitive through `folding`; filters come from `filters`, names of
referenced records from `naming`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import MODELS
from erbm_desk.domain.entities import SPECS, Column, Kind
from erbm_desk.domain.entities import ListFilter as Filter
from erbm_desk.domain.french import format_date, format_month
from erbm_desk.domain.text import fold
from erbm_desk.services.records.filters import filter_clause, filters_of
from erbm_desk.services.records.folding import folded, prepare
from erbm_desk.services.records.naming import column_expr, dependents_text, pick_list, record_name, record_title
from erbm_desk.services.records.stand_ins import (
    searchable_stand_ins, shown, stand_in_expr, stand_in_values, with_stand_in)
from erbm_desk.services.security.authz import can_see_identity

# What the pages and forms use, besides the lists themselves.
__all__ = [
    "CHUNK", "Filter", "ListPage", "ListQuery", "count", "dependents_text", "display_rows", "filters_of",
    "hours_total", "load_list", "pick_list", "prepare", "record_name", "record_title", "record_values",
    "searchable", "select_ids", "where_clauses",
]

CHUNK = 256  # rows per fetch: one screen and a half of a tall window


# --- the list query ------------------------------------------------------------------------------------------

@dataclass
class ListQuery:
    entity: str
    search: str = ""
    filters: dict[str, Any] = field(default_factory=dict)  # filter key -> value (None: no filter)
    sort: str | None = None  # column key of the entity's spec; None: the natural order (by id)
    descending: bool = False


@dataclass
class ListPage:
    ids: list[int]  # every matching record, in order
    rows: list[tuple[int, tuple[str, ...]]]  # (id, display row) of the first ids
    total: int  # records of the entity, whatever the search and filters


def searchable(entity: str) -> list[Column]:
    return [c for c in SPECS[entity].columns if c.kind in (Kind.TEXT, Kind.REF)]


def _sort_key(session: Session, entity: str, column: Column) -> ColumnElement:
    expr = column_expr(entity, column)
    if column.kind in (Kind.TEXT, Kind.REF):
        return folded(session, expr)
    if column.kind is Kind.ENUM:  # by label, as people read them, not by stored code
        ranks = {m.value: i for i, m in enumerate(sorted(column.choices, key=lambda m: fold(m.label)))}
        return case(ranks, value=expr, else_=len(ranks))
    return expr


def where_clauses(session: Session, query: ListQuery) -> list[ColumnElement]:
    clauses = []
    for key, value in query.filters.items():
        if value is not None and value != "":
            clauses.append(filter_clause(query.entity, key, value))
    terms = fold(query.search).split()
    if terms:
        parts = [func.coalesce(column_expr(query.entity, c), "") for c in searchable(query.entity)]
        parts += [func.coalesce(expr, "") for expr in searchable_stand_ins(query.entity)]  # a pseudonym
        haystack = parts[0]
        for part in parts[1:]:
            haystack = haystack + " " + part
        text = folded(session, haystack)
        clauses.extend(text.contains(t, autoescape=True) for t in terms)
    return clauses


def select_ids(session: Session, query: ListQuery) -> list[int]:
    """Every id matching the search and filters, in the asked order (ties: by id)."""
    prepare(session)
    model = MODELS[query.entity]
    stmt = select(model.id).where(*where_clauses(session, query))
    order = []
    if query.sort:
        key = _sort_key(session, query.entity, SPECS[query.entity].column(query.sort))
        order += [key.is_(None), key.desc() if query.descending else key]
    order.append(model.id.desc() if query.descending else model.id)
    return list(session.scalars(stmt.order_by(*order)))


Row = tuple[str, ...]


@lru_cache(maxsize=None)
def _rows_statement(entity: str) -> Select:
    """SELECT id, every spec column (references by name) and the stand-ins of blank ones WHERE id IN :ids —
    built once per entity."""
    model = MODELS[entity]
    columns = [column_expr(entity, c) for c in SPECS[entity].columns]
    columns += [stand_in_expr(entity, c) for c in with_stand_in(entity)]
    return select(model.id, *columns).where(model.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=None)
def _formatters(entity: str) -> tuple[Callable[[Any], str], ...]:
    """Each spec column's display formatter (Column.format), with table lookups for enums and booleans."""
    out = []
    for c in SPECS[entity].columns:
        if c.kind is Kind.REF:
            out.append(lambda value: value or "")
        elif c.kind is Kind.DATE:  # Column.format's rule, without its dispatch on the kind
            out.append(format_date)
        elif c.kind is Kind.MONTH:
            out.append(format_month)
        elif c.kind in (Kind.ENUM, Kind.BOOL):
            known = {None: c.format(None), **({m: c.format(m) for m in c.choices} if c.choices else
                                              {True: c.format(True), False: c.format(False)})}
            out.append(lambda value, known=known, c=c: known[value] if value in known else c.format(value))
        else:
            out.append(c.format)
    return tuple(out)


def display_rows(session: Session, entity: str, ids: list[int]) -> list[tuple[int, Row]]:
    """(id, display strings one per spec column) of the records `ids` still there, in the order of `ids`."""
    if not ids:
        return []
    stmt = _rows_statement(entity)
    formatters = _formatters(entity)
    # Names arrive already NULL for a role that may not see them (authz.mask_names); birth dates stay readable
    # in SQL for the « moins de 26 ans » indicators, so the personal columns are blanked here before display.
    if any(c.personal for c in SPECS[entity].columns) and not can_see_identity(session):
        formatters = tuple((lambda _value: "") if c.personal else f
                           for c, f in zip(SPECS[entity].columns, formatters))
    # A value the record never had shows its stand-in (a pseudonym, an age band), whoever looks.
    stand_ins = [(SPECS[entity].columns.index(c), c.stand_in) for c in with_stand_in(entity)]
    width = len(formatters)
    found: dict[int, Row] = {}
    for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        for rid, *values in session.execute(stmt, {"ids": ids[start:start + 900]}):
            row = [f(value) for f, value in zip(formatters, values)]
            for extra, (i, key) in enumerate(stand_ins):
                if values[i] is None:
                    row[i] = shown(key, values[width + extra])
            found[rid] = tuple(row)
    return [(i, found[i]) for i in ids if i in found]


def count(session: Session, entity: str) -> int:
    return session.scalar(select(func.count()).select_from(MODELS[entity]))


def load_list(session: Session, query: ListQuery, first: int = CHUNK, through: int | None = None) -> ListPage:
    """The ids of a list and the display rows of its first `first` records (and at least up to the record
    `through`, so that a table can show it selected again): what a table shows at once."""
    ids = select_ids(session, query)
    if through is not None:
        try:
            first = max(first, (ids.index(through) // CHUNK + 1) * CHUNK)
        except ValueError:
            pass
    rows = display_rows(session, query.entity, ids[:first])
    if len(rows) < len(ids[:first]):  # deleted between the two queries
        present = {rid for rid, _ in rows}
        ids = [i for i in ids[:first] if i in present] + ids[first:]
    return ListPage(ids, rows, count(session, query.entity))


def record_values(session: Session, entity: str, record_id: int) -> tuple[dict[str, Any], dict[str, str]] | None:
    """(typed values by spec key, plus its `version`, names of the referenced records by key) of one record;
    None if it is gone."""
    obj = session.get(MODELS[entity], record_id)
    if obj is None:
        return None
    values = {c.key: getattr(obj, c.key) for c in SPECS[entity].columns}
    values["version"] = obj.version  # saving checks nobody changed the record meanwhile (ConflictError)
    fallback = SPECS[entity].naming.fallback
    if fallback:  # a person named by a pseudonym needs no name (validation.record_problems)
        values[fallback] = getattr(obj, fallback)
    values.update(stand_in_values(session, entity, record_id))  # what the form shows instead of a blank
    names = {
        c.key: record_name(session, c.ref, values[c.key])
        for c in SPECS[entity].columns
        if c.kind is Kind.REF and values[c.key] is not None
    }
    return values, names


def hours_total(session: Session, query: ListQuery) -> Decimal:
    """Exact sum of the entity's `summed` column over a list: the hours of a contract's or a person's months."""
    prepare(session)
    summed = getattr(MODELS[query.entity], SPECS[query.entity].summed)
    total = session.scalar(select(func.sum(summed)).where(*where_clauses(session, query)))
    return total if total is not None else Decimal("0.00")
