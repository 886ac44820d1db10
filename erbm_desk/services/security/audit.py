"""The audit log, written: who created, changed or deleted what, when, with old and new values, hash-chained.

Every ORM flush of a `Record` (forms, CLI, imports, GDPR erasure) is logged by an `after_flush` listener, so no
write path can forget it; bulk Core writes (demo data, fast imports) are summarised with a count per entity
(`record_bulk`, or automatically at commit). The listeners are attached by `install_audit_journal`, which the
opening pipeline (services.database.session_rules) calls for each Database it opens: a plain Session made
elsewhere writes no journal.

Chain: each entry stores `prev_hash` (the hash of the entry before it, 64 zeros for the first) and
`hash = HMAC-SHA256(key, prev_hash + canonical JSON of the entry)`, with a secret key kept outside the database
(audit_keys.py) whose fingerprint is stored in `key_id`. An entry edited, inserted or deleted outside the app
breaks the chain at that point, and `audit_chain.verify_audit_chain` names the first broken entry; without the
key, nobody can recompute the chain after an edit. Entries written before keyed chaining (`key_id` NULL) keep
their plain SHA-256 and are still verified; they may only come before every keyed entry (an unkeyed entry after
a keyed one is a forgery). After each commit the head of the chain is anchored outside the database, so deleting
the last entries is detected too.

Personal values (the spec's `personal` columns: names, birth date) are not hashed as such: the hashed
`changes` hold a salted SHA-256 of each one (`"sha256:<hex>"`), and the values and their random salt sit in the
`personal` column beside it. An erasure scrubs `personal` (sets it to NULL): the chain still verifies, and what
remains (a digest salted with a salt that is gone) reveals nothing about the person.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Iterable

from sqlalchemy import event, inspect, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from erbm_desk.db.erasure import AUDIT_PERSONAL_COLUMN
from erbm_desk.db.models import AuditEntry, Record, column_keys, utcnow
from erbm_desk.domain.entities import SPECS
from erbm_desk.services.security import audit_keys, authz
from erbm_desk.services.security.access_control import bulk_target

GENESIS = "0" * 64
SKIPPED = frozenset({"id", "created_at", "updated_at", "version"})
PG_LOCK_KEY = 7_007_001  # pg_advisory_xact_lock: one writer of the chain at a time on a shared server
_HEAD = "audit.head"
_BULK = "audit.bulk_counts"


def install_audit_journal(sessions: sessionmaker) -> None:
    """The journal of the sessions of one database: every flush logged, bulk writes summarised, head anchored."""
    event.listen(sessions, "after_flush", _log_flush)
    event.listen(sessions, "do_orm_execute", _count_bulk_writes)
    event.listen(sessions, "before_commit", _summarise_bulk_writes)
    event.listen(sessions, "after_commit", _anchor_head)
    event.listen(sessions, "after_soft_rollback", _forget_bulk_writes)


def personal_fields(entity: str) -> frozenset[str]:
    spec = SPECS.get(entity)
    return frozenset(c.key for c in spec.columns if c.personal) if spec else frozenset()


def jsonable(value: Any) -> Any:
    """A JSON value that says exactly what was stored (Decimal and dates as text, enums as their code)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def personal_digest(salt: str, key: str, value: Any) -> str:
    return "sha256:" + hashlib.sha256(f"{salt}|{key}|{canonical(value)}".encode()).hexdigest()


def _timestamp(at: datetime) -> str:
    return at.isoformat(sep=" ", timespec="microseconds")


def entry_hash(prev_hash: str, at: datetime, actor: str, role: str | None, action: str, entity: str,
               record_uuid: str | None, record_id: int | None, changes: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 under `key`; plain SHA-256 without one (entries written before keyed chaining)."""
    body = canonical({
        "at": _timestamp(at), "actor": actor, "role": role, "action": action, "entity": entity,
        "record_uuid": record_uuid, "record_id": record_id, "changes": json.loads(changes),
    })
    if key is None:
        return hashlib.sha256((prev_hash + body).encode()).hexdigest()
    return audit_keys.seal(key, prev_hash + body)


@dataclass
class Pending:
    action: str
    entity: str
    record_uuid: str | None = None
    record_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # {field: [old, new]} or a free summary


def _seal(entity: str, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Replace personal values by salted digests; return (hashed changes, personal blob or None)."""
    personal = personal_fields(entity) & set(changes)
    if not personal:
        return changes, None
    salt = secrets.token_hex(16)
    sealed = dict(changes)
    values: dict[str, Any] = {}
    for key in personal:
        old, new = changes[key]
        values[key] = [old, new]
        sealed[key] = [None if v is None else personal_digest(salt, key, v) for v in (old, new)]
    return sealed, {"salt": salt, "values": values}


def _actor(session: Session) -> tuple[str, str | None]:
    try:
        user = authz.current_user(session)
    except authz.SignInRequired:
        return "non connecté", None
    return user.actor, user.role.value


def _tail(conn: Connection) -> str:
    """The last hash, with the chain locked for this transaction (SQLite: the write lock is already held)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
    last = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    return last or GENESIS


def write_entries(session: Session, entries: Iterable[Pending], actor: str | None = None,
                  role: str | None = None) -> None:
    """Append entries to the chain in the session's transaction (they commit or roll back with it)."""
    entries = list(entries)
    if not entries:
        return
    if actor is None:
        actor, role = _actor(session)
    key = audit_keys.signing_key()
    conn = session.connection()
    prev = _tail(conn)
    genesis = prev == GENESIS
    at = utcnow()
    rows = []
    for e in entries:
        sealed, personal = _seal(e.entity, {k: v for k, v in e.changes.items()})
        changes = canonical(sealed)
        digest = entry_hash(prev, at, actor, role, e.action, e.entity, e.record_uuid, e.record_id, changes, key.secret)
        rows.append(dict(at=at, actor=actor, role=role, action=e.action, entity=e.entity, record_uuid=e.record_uuid,
                         record_id=e.record_id, changes=changes,
                         personal=canonical(personal) if personal else None, prev_hash=prev, hash=digest,
                         key_id=key.id))
        prev = digest
    conn.execute(insert(AuditEntry), rows)
    # the chain is locked for this transaction (see _tail): the newest row is ours
    head_id = conn.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    first = rows[0]["hash"] if genesis else session.info.get(_HEAD, {}).get("first")
    if first is None:
        first = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id).limit(1)).scalar()
    session.info[_HEAD] = {"base": audit_keys.database_identity(conn.engine.url), "id": head_id, "hash": prev,
                           "first": first, "genesis": genesis or session.info.get(_HEAD, {}).get("genesis", False)}


def _anchor_head(session: Session) -> None:
    """The committed head of the chain, written outside the database (audit_keys.py)."""
    head = session.info.pop(_HEAD, None)
    if head and head["id"] is not None:
        audit_keys.write_anchor(head["base"], head["id"], head["hash"], head["first"], reset=head["genesis"],
                                note="journal commencé (nouvelle base, ou journal vidé)" if head["genesis"] else None)


def anchor_current_head(session: Session, note: str) -> None:
    """Re-anchor on the chain as it is now (after restoring a backup: its log is legitimately shorter)."""
    conn = session.connection()
    last = conn.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    first = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id).limit(1)).scalar()
    if last is not None:
        audit_keys.write_anchor(audit_keys.database_identity(conn.engine.url), last.id, last.hash, first,
                                reset=True, note=note)


def log_event(session: Session, action: str, entity: str, changes: dict[str, Any] | None = None,
              record_uuid: str | None = None, record_id: int | None = None, actor: str | None = None,
              role: str | None = None) -> None:
    """One entry for something that is not an ORM write of a record (sign-in, account, setting, export…)."""
    write_entries(session, [Pending(action, entity, record_uuid, record_id, changes or {})], actor, role)


def record_bulk(session: Session, counts: dict[str, int], note: str = "") -> None:
    """The summary entry of a bulk Core write (demo data, fast import): how many rows of each entity.

    Call it in the same transaction as the inserts. The rows themselves are not logged one by one. Bulk
    writes that nobody summarises are summarised automatically at commit (`_summarise_bulk_writes`); a call
    here replaces that automatic summary."""
    session.info.pop(_BULK, None)
    summary: dict[str, Any] = {"counts": {k: int(v) for k, v in sorted(counts.items()) if v}}
    if note:
        summary["note"] = note
    log_event(session, "bulk", "*", summary)


def _count_bulk_writes(state) -> None:
    """Core INSERT/UPDATE/DELETE of record tables run through a session are counted for the summary entry."""
    entity = bulk_target(state)
    if entity is None:
        return
    params = state.parameters
    rows = len(params) if isinstance(params, (list, tuple)) else 1
    verb = "insert" if state.is_insert else "update" if state.is_update else "delete"
    counts = state.session.info.setdefault(_BULK, {})
    counts[f"{entity}:{verb}"] = counts.get(f"{entity}:{verb}", 0) + rows


def _summarise_bulk_writes(session: Session) -> None:
    counts = session.info.pop(_BULK, None)
    if counts:
        log_event(session, "bulk", "*", {"counts": dict(sorted(counts.items())),
                                         "note": "écriture groupée (insertion, modification ou suppression)"})


def _forget_bulk_writes(session: Session, _previous_transaction) -> None:
    session.info.pop(_BULK, None)
    session.info.pop(_HEAD, None)


@cache  # per model class: a flush logs hundreds of rows of the same few tables
def _column_keys(model: type[Record]) -> tuple[str, ...]:
    return tuple(k for k in column_keys(model) if k not in SKIPPED)


def _log_flush(session: Session, _flush_context) -> None:
    pending: list[Pending] = []
    for obj in sorted((o for o in session.new if isinstance(o, Record)), key=lambda o: (o.__tablename__, o.id or 0)):
        values = {k: jsonable(getattr(obj, k)) for k in _column_keys(type(obj))}
        changes = {k: [None, v] for k, v in values.items() if v is not None}
        pending.append(Pending("create", obj.__tablename__, obj.uuid, obj.id, changes))
    for obj in sorted((o for o in session.dirty if isinstance(o, Record)), key=lambda o: (o.__tablename__, o.id or 0)):
        state = inspect(obj)
        changes = {}
        logged = _column_keys(type(obj))
        for key in list(state.committed_state):  # the attributes set since loading: the others have no history
            if key not in logged:
                continue
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = jsonable(hist.deleted[0]) if hist.deleted else None
            new = jsonable(hist.added[0]) if hist.added else None
            if old != new:
                changes[key] = [old, new]
        if changes:
            pending.append(Pending("update", obj.__tablename__, obj.uuid, obj.id, changes))
    for obj in sorted((o for o in session.deleted if isinstance(o, Record)), key=lambda o: (o.__tablename__, o.id or 0)):
        loaded = inspect(obj).dict
        changes = {k: [jsonable(loaded[k]), None] for k in _column_keys(type(obj)) if loaded.get(k) is not None}
        pending.append(Pending("delete", obj.__tablename__, loaded.get("uuid"), loaded.get("id"), changes))
    if pending:
        write_entries(session, pending)


def scrub_personal(session: Session, entity: str, record_uuid: str) -> int:
    """Erase the personal values of a record's entries (the chain stays valid: see the module doc); part of
    erasing a person (db.erasure)."""
    authz.require(session, authz.GDPR_ERASE)
    result = session.execute(
        update(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.record_uuid == record_uuid, AuditEntry.personal.is_not(None))
        .values({AUDIT_PERSONAL_COLUMN: None})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
