"""Access control on every session of an open database, whatever the path of a read or a write.

`install_access_control(sessions, engine)` is called by the opening pipeline (services.database.session_rules)
for each Database it opens; nothing here is attached at import time, and a plain Session made elsewhere is
left alone.

- **Writes**: no ORM write (`before_flush`) and no Core bulk write run through a session (`do_orm_execute`:
  demo data, fast imports) by a user without `write:<entity>`.
- **Identities**, for a role that may not see them (`authz.identity_visible`): on every query of the session,
  names are replaced by NULL wherever the statement mentions them (columns, conditions, ordering, subqueries —
  `mask_names`); Core statements run on the session's connection are masked too, and hand-written SQL naming an
  identity column is refused (engine events); a `Beneficiary` loaded as an object arrives with its names and
  birth date blanked. Birth dates stay readable as columns because the « moins de 26 ans » indicators need them.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from sqlalchemy import Select, event, null, type_coerce
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, attributes, sessionmaker
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause, TextClause

from erbm_desk.db.models import Beneficiary, Record
from erbm_desk.domain.entities import WRITABLE_ENTITIES
from erbm_desk.services.security.authz import AccessDenied, require_write, sees_identities

_NAME_COLUMNS = {"last_name", "first_name"}
_MASKED_ON_LOAD = ("last_name", "first_name", "birth_date")
_RECORD_TABLES = {m.__tablename__ for m in Record.__subclasses__()} | set(WRITABLE_ENTITIES)
_SESSION_KEY = "erbm_authz_session"
_RAW_IDENTITY = re.compile(r"\b(last_name|first_name|birth_date)\b", re.IGNORECASE)


def install_access_control(sessions: sessionmaker, engine: Engine) -> None:
    """Rights on writes and identity masking for the sessions of one database (its factory and its engine)."""
    event.listen(sessions, "before_flush", _guard_writes)
    event.listen(sessions, "do_orm_execute", _guard_bulk_writes)
    event.listen(sessions, "do_orm_execute", _mask_identity_reads)
    event.listen(sessions, "after_begin", _remember_session)
    _guard_engine(engine)
    _mask_loaded_people()


# --- Writes ---------------------------------------------------------------------------------------------

def _guard_writes(session: Session, _flush_context, _instances) -> None:
    """No ORM write, whatever its path, by a user without `write:<entity>`."""
    dirty = session.dirty  # a property that walks the identity map: read once, not once per object
    entities = {obj.__tablename__ for obj in (*session.new, *session.deleted) if isinstance(obj, Record)}
    entities.update(obj.__tablename__ for obj in dirty if isinstance(obj, Record) and session.is_modified(obj))
    if entities:
        require_write(session, *sorted(entities))


def bulk_target(state) -> str | None:
    """The record table a Core INSERT/UPDATE/DELETE run through a session writes to, or None."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    return name if name in _RECORD_TABLES else None


def _guard_bulk_writes(state) -> None:
    """Core bulk writes through a session (demo data, fast imports) need the same rights as ORM writes."""
    entity = bulk_target(state)
    if entity is not None:
        require_write(state.session, entity)


# --- Identities -----------------------------------------------------------------------------------------

def _is_name_column(element: Any) -> bool:
    if not isinstance(element, ColumnClause):
        return False
    table = Beneficiary.__table__
    return any(getattr(base, "table", None) is table and getattr(base, "name", None) in _NAME_COLUMNS
               for base in element.proxy_set)


def mask_names(statement: Any) -> Any | None:
    """The statement with every reference to a beneficiary's last or first name (in columns, conditions,
    ordering, subqueries, aliases) replaced by NULL; None when it has none. Selected columns keep their name."""
    top = {id(c) for c in statement.selected_columns} if isinstance(statement, Select) else set()
    found = []

    def replace(element):
        if _is_name_column(element):
            found.append(element)
            blank = type_coerce(null(), element.type)
            return blank.label(element.key) if id(element) in top else blank
        return None

    masked = visitors.replacement_traverse(statement, {}, replace)
    return masked if found else None


def _mask_identity_reads(state):
    """For a role that may not see identities, every query of its session runs with names replaced by NULL:
    a list, an export or a search by name gets nothing (a person then shows as pseudonym or number)."""
    if not state.is_select or sees_identities(state.session):
        return None
    try:
        masked = mask_names(state.statement)
    except Exception:  # noqa: BLE001 - a statement we cannot rewrite is refused, never run unmasked
        raise AccessDenied("Accès refusé : requête sur l'identité des bénéficiaires.") from None
    if masked is None:
        return None
    return state.invoke_statement(statement=masked)


def _remember_session(session: Session, _transaction, connection) -> None:
    """The connection a session uses knows that session while it has it (see `_guard_engine`)."""
    connection.info[_SESSION_KEY] = weakref.ref(session)


def _session_of(conn) -> Session | None:
    ref = conn.info.get(_SESSION_KEY)
    return ref() if ref is not None else None


def _guard_engine(engine: Engine) -> None:
    """Names are masked also in Core statements run on a session's connection (`session.connection()
    .execute(...)`, which the ORM events do not see). Once per engine."""
    if getattr(engine, "_erbm_guarded", False):
        return
    engine._erbm_guarded = True

    @event.listens_for(engine, "before_execute", retval=True)
    def _mask_core_reads(conn, clauseelement, multiparams, params, _execution_options):
        session = _session_of(conn)
        if session is None or not getattr(clauseelement, "is_select", False) or sees_identities(session):
            return clauseelement, multiparams, params
        masked = mask_names(clauseelement)
        return (clauseelement if masked is None else masked), multiparams, params

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_raw_identity_sql(conn, _cursor, statement, _parameters, context, _executemany):
        """Hand-written SQL (`text()`, `exec_driver_sql`) cannot be rewritten like a SELECT built with
        SQLAlchemy: for a role that may not see identities, one that names an identity column is refused."""
        compiled = getattr(context, "compiled", None)
        if compiled is not None and not isinstance(getattr(compiled, "statement", None), TextClause):
            return
        session = _session_of(conn)
        if session is None or not _RAW_IDENTITY.search(statement or "") or sees_identities(session):
            return
        raise AccessDenied("Accès refusé : requête SQL directe sur l'identité des bénéficiaires.")

    @event.listens_for(engine.pool, "checkin")
    def _forget_session(_dbapi_connection, record) -> None:
        if record is not None:
            record.info.pop(_SESSION_KEY, None)


def _mask_loaded_people() -> None:
    """SQLAlchemy has load and refresh events per mapped class only, not per session factory: these two are
    attached once, by the first database opened, and act only for the sessions of an open Database."""
    if not event.contains(Beneficiary, "load", _mask_loaded):
        event.listen(Beneficiary, "load", _mask_loaded)
        event.listen(Beneficiary, "refresh", _mask_refreshed)


def _mask(target: Beneficiary, session: Session | None) -> None:
    if session is None or "database" not in session.info or sees_identities(session):
        return
    for key in _MASKED_ON_LOAD:
        attributes.set_committed_value(target, key, None)


def _mask_loaded(target, context) -> None:
    _mask(target, context.session)


def _mask_refreshed(target, context, _attrs) -> None:
    _mask(target, context.session)
