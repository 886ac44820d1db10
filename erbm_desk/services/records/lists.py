"""Lists of records for tables, filters and pick lists: search, filters and sort are built in SQL. No Qt here.

A table asks `load_list(session, ListQuery(...), first)` once, in a worker: every matching id in order (a
cheap scan) and the display rows of the first ones. It then asks `display_rows(session, entity, ids)` chunk by
chunk: primary-key lookups, as fast at row 20 000 as at row 0 (no OFFSET). Rows are plain tuples of display
strings formatted by the entity's column spec: nothing live from the ORM leaves this module.

Accent- and case-insensitive search: a `fold` SQL function (the app's own `domain.text.fold`) is registered
on the SQLite connection before each query, rather than keeping a folded copy of the text in the tables.
A stored column would need a migration of shared models and would go stale whenever something writes a name
without recomputing it (imports, workbooks merged from other sites, a manual fix in SQL); the function is
always right and folds exactly like the rest of the app. Its cost, one cached Python call per row scanned,
is measured at 10× ERBM scale by bench/bench_ui.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import Select, and_, bindparam, case, exists, extract, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import (
    MODELS,
    Beneficiary,
    Cite,
    Commune,
    Company,
    Contract,
    Funding,
    HoursEntry,
    Operation,
)
from erbm_desk.domain import rules
from erbm_desk.domain.enums import (
    AgeBand,
    CompanyKind,
    ContractType,
    Funder,
    OperationNature,
    Phase,
    Sex,
)
from erbm_desk.domain.text import fold
from erbm_desk.domain.entities import SPECS, Column, Kind
from erbm_desk.services.security.authz import can_see_identity
from erbm_desk.services.records.writes import DEPENDENTS

CHUNK = 256  # rows per fetch: one screen and a half of a tall window


# --- the fold() SQL function -------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def _sql_fold(text: str | None) -> str:
    return "" if text is None else fold(text)


def prepare(session: Session) -> None:
    """Register `fold(text)` on the connection the session uses (cheap; idempotent)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.connection.driver_connection.create_function("fold", 1, _sql_fold, deterministic=True)


_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿ’"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy'"


def _fold(session: Session, expr: ColumnElement) -> ColumnElement:
    if session.get_bind().dialect.name == "sqlite":
        return func.fold(expr)
    # A server database (PostgreSQL): the same folding for the letters French names use, in plain SQL.
    return func.translate(func.lower(func.coalesce(expr, "")), _ACCENTED, _PLAIN)


# --- how a record is named -----------------------------------------------------------------------------------

def _person(b) -> ColumnElement:
    return func.coalesce(b.last_name + " " + b.first_name, b.pseudonym, "")


def _named(entity: str, detailed: bool = False) -> tuple[Any, Select]:
    """(alias, SELECT of the text naming a record of `entity`): the caller correlates on alias.id.

    `detailed` adds a second column that tells apart two records of the same name in a pick list (INSEE code,
    birth date, contract start), formatted by `_label`.
    """
    m = aliased(MODELS[entity])
    extra = {"beneficiary": "birth_date", "commune": "insee_code", "contract": "start_date", "epci": "name"}
    if entity == "beneficiary":
        query = select(_person(m))
    elif entity == "operation":
        c = aliased(Cite)
        query = select(m.name + " · " + c.name).select_from(m).join(c, c.id == m.cite_id)
    elif entity == "contract":
        b, co = aliased(Beneficiary), aliased(Company)
        query = (
            select(_person(b) + " — " + co.name)
            .select_from(m)
            .join(b, b.id == m.beneficiary_id)
            .join(co, co.id == m.company_id)
        )
    else:
        query = select(m.short_name if entity == "epci" else m.name)  # cite, company, bailleur, commune, epci
    if detailed and entity in extra:
        query = query.add_columns(getattr(m, extra[entity]))
    return m, query


def _named_for(session: Session, entity: str, detailed: bool) -> tuple[Any, Select]:
    """`_named`, without the birth date that tells two people apart for a role that may not see it."""
    return _named(entity, detailed and (entity != "beneficiary" or can_see_identity(session)))


def _label(entity: str, name: str | None, detail: Any = None) -> str:
    name = name or ""
    if detail is None:
        return name
    if entity == "contract":
        return f"{name} (début {detail:%d/%m/%Y})"
    if entity == "epci":
        return f"{name} — {detail}"
    return f"{name} ({detail:%d/%m/%Y})" if isinstance(detail, date) else f"{name} ({detail})"


def ref_name(ref: str, fk: ColumnElement) -> ColumnElement:
    """The display name of the record `fk` points to (a correlated primary-key lookup)."""
    alias, query = _named(ref)
    return query.where(alias.id == fk).scalar_subquery()


def column_expr(entity: str, column: Column) -> ColumnElement:
    attr = getattr(MODELS[entity], column.key)
    return ref_name(column.ref, attr) if column.kind is Kind.REF else attr


# --- filters -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """One way to narrow a list. `kind`: "choice" (fixed `choices`), "ref" (a record of `ref`), "month"."""

    key: str
    label: str
    kind: str
    where: Callable[[Any], ColumnElement]
    choices: tuple[tuple[str, Any], ...] = ()
    ref: str | None = None
    visible: bool = True  # False: used by the related-records panels only


def _enum_choices(enum) -> tuple[tuple[str, Any], ...]:
    return tuple((m.label, m) for m in enum)


def _communes_of(epci_id: int) -> Select:
    return select(Commune.id).where(Commune.epci_id == epci_id)


def _cites_where(clause) -> Select:
    return select(Cite.id).where(clause)


def _operations_where(clause) -> Select:
    return select(Operation.id).join(Cite, Cite.id == Operation.cite_id).where(clause)


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


PUBLIC_CHOICES = (
    ("Bénéficiaires du RSA", "rsa"),
    ("Moins de 26 ans", "under_26"),
    ("DELD", "deld"),
    ("DETLD", "detld"),
    ("Résidents QPV", "qpv"),
    ("RQTH", "rqth"),
    ("Femmes", "women"),
)


def _public_of_person(value: str, b=Beneficiary) -> ColumnElement:
    if value == "women":
        return b.sex == Sex.FEMALE
    return getattr(b, value) == True  # noqa: E712 - SQL expression


def _beneficiary_public(value: str) -> ColumnElement:
    if value == "under_26":
        return exists().where(
            Contract.beneficiary_id == Beneficiary.id,
            _under_26(Beneficiary.birth_date, Contract.start_date, Contract.age_band),
        )
    return _public_of_person(value)


def _contract_public(value: str) -> ColumnElement:
    b = aliased(Beneficiary)
    clause = (
        _under_26(b.birth_date, Contract.start_date, Contract.age_band)
        if value == "under_26"
        else _public_of_person(value, b)
    )
    return exists().where(b.id == Contract.beneficiary_id, clause)


def _active_in(month: date) -> ColumnElement:
    first, last = rules.month_start(month), rules.month_end(month)
    return and_(Contract.start_date <= last, or_(Contract.end_date.is_(None), Contract.end_date >= first))


def _epci_of_operations(v) -> ColumnElement:
    return Contract.operation_id.in_(_operations_where(Cite.commune_id.in_(_communes_of(v))))


FILTERS: dict[str, tuple[Filter, ...]] = {
    "cite": (
        Filter("epci", "EPCI", "ref", lambda v: Cite.commune_id.in_(_communes_of(v)), ref="epci"),
        Filter("bailleur", "Bailleur", "ref", lambda v: Cite.bailleur_id == v, ref="bailleur"),
        Filter("priority", "Priorité", "choice", lambda v: Cite.priority == v,
               (("Cités prioritaires", True), ("Autres cités", False))),
    ),
    "operation": (
        Filter("epci", "EPCI", "ref",
               lambda v: Operation.cite_id.in_(_cites_where(Cite.commune_id.in_(_communes_of(v)))), ref="epci"),
        Filter("bailleur", "Bailleur", "ref",
               lambda v: Operation.cite_id.in_(_cites_where(Cite.bailleur_id == v)), ref="bailleur"),
        Filter("cite", "Cité", "ref", lambda v: Operation.cite_id == v, ref="cite"),
        Filter("phase", "Phase", "choice", lambda v: Operation.phase == v, _enum_choices(Phase)),
        Filter("nature", "Nature", "choice", lambda v: Operation.nature == v, _enum_choices(OperationNature)),
    ),
    "funding": (
        Filter("operation", "Opération", "ref", lambda v: Funding.operation_id == v, ref="operation",
               visible=False),
        Filter("funder", "Financeur", "choice", lambda v: Funding.funder == v, _enum_choices(Funder)),
    ),
    "company": (
        Filter("kind", "Type", "choice", lambda v: Company.kind == v, _enum_choices(CompanyKind)),
        Filter("epci", "EPCI", "ref", lambda v: Company.commune_id.in_(_communes_of(v)), ref="epci"),
    ),
    "beneficiary": (
        Filter("public", "Public", "choice", _beneficiary_public, PUBLIC_CHOICES),
        Filter("epci", "EPCI de résidence", "ref", lambda v: Beneficiary.commune_id.in_(_communes_of(v)),
               ref="epci"),
        Filter("path", "Parcours", "choice",
               lambda v: Beneficiary.exit_date.is_(None) if v == "open" else Beneficiary.exit_date.is_not(None),
               (("En parcours", "open"), ("Sortis", "closed"))),
    ),
    "contract": (
        Filter("epci", "EPCI", "ref", _epci_of_operations, ref="epci"),
        Filter("bailleur", "Bailleur", "ref",
               lambda v: Contract.operation_id.in_(_operations_where(Cite.bailleur_id == v)), ref="bailleur"),
        Filter("cite", "Cité", "ref",
               lambda v: Contract.operation_id.in_(select(Operation.id).where(Operation.cite_id == v)),
               ref="cite"),
        Filter("company", "Entreprise", "ref", lambda v: Contract.company_id == v, ref="company"),
        Filter("type", "Type de contrat", "choice", lambda v: Contract.contract_type == v,
               _enum_choices(ContractType)),
        Filter("public", "Public", "choice", _contract_public, PUBLIC_CHOICES),
        Filter("active", "Actifs en", "month", _active_in),
        Filter("operation", "Opération", "ref", lambda v: Contract.operation_id == v, ref="operation",
               visible=False),
        Filter("beneficiary", "Bénéficiaire", "ref", lambda v: Contract.beneficiary_id == v, ref="beneficiary",
               visible=False),
    ),
    "hours_entry": (
        Filter("contract", "Contrat", "ref", lambda v: HoursEntry.contract_id == v, ref="contract", visible=False),
        Filter("beneficiary", "Bénéficiaire", "ref",
               lambda v: HoursEntry.contract_id.in_(select(Contract.id).where(Contract.beneficiary_id == v)),
               ref="beneficiary", visible=False),
        Filter("month", "Mois", "month", lambda v: HoursEntry.month == rules.month_start(v)),
    ),
}


def filters_of(entity: str, visible_only: bool = True) -> tuple[Filter, ...]:
    return tuple(f for f in FILTERS.get(entity, ()) if f.visible or not visible_only)


def _filter(entity: str, key: str) -> Filter:
    for f in FILTERS.get(entity, ()):
        if f.key == key:
            return f
    raise KeyError(f"{entity}: pas de filtre « {key} »")


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
        return _fold(session, expr)
    if column.kind is Kind.ENUM:  # by label, as people read them, not by stored code
        ranks = {m.value: i for i, m in enumerate(sorted(column.choices, key=lambda m: fold(m.label)))}
        return case(ranks, value=expr, else_=len(ranks))
    return expr


def where_clauses(session: Session, query: ListQuery) -> list[ColumnElement]:
    clauses = []
    for key, value in query.filters.items():
        if value is not None and value != "":
            clauses.append(_filter(query.entity, key).where(value))
    terms = fold(query.search).split()
    if terms:
        parts = [func.coalesce(column_expr(query.entity, c), "") for c in searchable(query.entity)]
        haystack = parts[0]
        for part in parts[1:]:
            haystack = haystack + " " + part
        folded = _fold(session, haystack)
        clauses.extend(folded.contains(t, autoescape=True) for t in terms)
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
    """SELECT id and every spec column (references by name) WHERE id IN :ids — built once per entity."""
    model = MODELS[entity]
    columns = (column_expr(entity, c) for c in SPECS[entity].columns)
    return select(model.id, *columns).where(model.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=None)
def _formatters(entity: str) -> tuple[Callable[[Any], str], ...]:
    """Each spec column's display formatter (Column.format), with table lookups for enums and booleans."""
    out = []
    for c in SPECS[entity].columns:
        if c.kind is Kind.REF:
            out.append(lambda value: value or "")
        elif c.kind is Kind.DATE:  # = values.format_date, without strftime (slow, and it imports on each call)
            out.append(lambda d: "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year:04d}")
        elif c.kind is Kind.MONTH:
            out.append(lambda d: "" if d is None else f"{d.month:02d}/{d.year:04d}")
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
    found: dict[int, Row] = {}
    for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        for rid, *values in session.execute(stmt, {"ids": ids[start:start + 900]}):
            found[rid] = tuple(f(value) for f, value in zip(formatters, values))
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


# --- single records and pick lists ---------------------------------------------------------------------------

def record_name(session: Session, entity: str, record_id: int, detailed: bool = True) -> str:
    alias, query = _named_for(session, entity, detailed)
    row = session.execute(query.where(alias.id == record_id)).first()
    return _label(entity, *row) if row else ""


def record_title(session: Session, entity: str, record_id: int) -> str:
    """What a message calls a record: its name, or for a funding line or a month of hours, what it is of."""
    if entity == "funding":
        obj = session.get(Funding, record_id)
        return f"{obj.funder.label} · {record_name(session, 'operation', obj.operation_id)}" if obj else ""
    if entity == "hours_entry":
        obj = session.get(HoursEntry, record_id)
        return f"{obj.month:%m/%Y} · {record_name(session, 'contract', obj.contract_id, False)}" if obj else ""
    return record_name(session, entity, record_id, detailed=False)


def record_values(session: Session, entity: str, record_id: int) -> tuple[dict[str, Any], dict[str, str]] | None:
    """(typed values by spec key, plus its `version`, names of the referenced records by key) of one record;
    None if it is gone."""
    obj = session.get(MODELS[entity], record_id)
    if obj is None:
        return None
    values = {c.key: getattr(obj, c.key) for c in SPECS[entity].columns}
    values["version"] = obj.version  # saving checks nobody changed the record meanwhile (ConflictError)
    if entity == "beneficiary":
        values["pseudonym"] = obj.pseudonym  # an anonymous person needs no name (validation.record_problems)
    names = {
        c.key: record_name(session, c.ref, values[c.key])
        for c in SPECS[entity].columns
        if c.kind is Kind.REF and values[c.key] is not None
    }
    return values, names


def pick_list(session: Session, entity: str) -> list[tuple[int, str]]:
    """(id, name) of every record of `entity`, sorted as people read them: the choices of a picker."""
    alias, query = _named_for(session, entity, detailed=True)
    rows = [(rid, _label(entity, *named)) for *named, rid in session.execute(query.add_columns(alias.id))]
    return sorted(rows, key=lambda r: _sql_fold(r[1]))


# --- what goes with a record ---------------------------------------------------------------------------------

DEPENDENT_WORDS = {
    "operation": ("opération", "opérations"),
    "funding": ("ligne de financement", "lignes de financement"),
    "contract": ("contrat d'insertion", "contrats d'insertion"),
    "hours_entry": ("mois d'heures", "mois d'heures"),
}


def dependents_text(counts: dict[str, int]) -> str:
    """« 2 opérations, 14 contrats d'insertion et 120 mois d'heures » (empty when nothing depends)."""
    parts = []
    for entity in ("operation", "funding", "contract", "hours_entry"):
        n = counts.get(entity, 0)
        if n:
            one, many = DEPENDENT_WORDS[entity]
            parts.append(f"{rules.format_int(n)} {one if n == 1 else many}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " et " + parts[-1]
    return parts[0] if parts else ""


assert set(DEPENDENT_WORDS) >= {child for deps in DEPENDENTS.values() for child, _ in deps}


def hours_total(session: Session, query: ListQuery) -> Decimal:
    """Exact sum of the hours of an `hours_entry` list (a contract's months, a person's months…)."""
    prepare(session)
    total = session.scalar(select(func.sum(HoursEntry.hours)).where(*where_clauses(session, query)))
    return total if total is not None else Decimal("0.00")
