"""The audit log: who created, changed or deleted what, when, with old and new values, hash-chained.

Every ORM flush of a `Record` (forms, CLI, imports, GDPR erasure) is logged by an `after_flush` listener, so no
write path can forget it; bulk Core inserts (demo data, fast imports) call `record_bulk` with a count per entity.

Chain: each entry stores `prev_hash` (the hash of the entry before it, 64 zeros for the first) and
`hash = HMAC-SHA256(key, prev_hash + canonical JSON of the entry)`, with a secret key kept outside the database
(services/audit_keys.py) whose fingerprint is stored in `key_id`. An entry edited, inserted or deleted outside
the app breaks the chain at that point, and `verify_audit_chain` names the first broken entry; without the key,
nobody can recompute the chain after an edit. Entries written before keyed chaining (`key_id` NULL) keep their
plain SHA-256 and are still verified; they may only come before every keyed entry (an unkeyed entry after a
keyed one is a forgery). After each commit the head of the chain is anchored outside the database, so deleting
the last entries is detected too.

Personal values (the spec's `personal` columns: names, birth date) are not hashed as such: the hashed
`changes` hold a salted SHA-256 of each one (`"sha256:<hex>"`), and the values and their random salt sit in the
`personal` column beside it. An erasure scrubs `personal` (sets it to NULL): the chain still verifies, and what
remains (a digest salted with a salt that is gone) reveals nothing about the person. `verify_audit_chain` also
checks, while they exist, that the personal values match their digests.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from erbm_desk.db.models import AuditEntry, Record, utcnow
from erbm_desk.domain.entities import SPECS
from erbm_desk.services.security import audit_keys, authz

GENESIS = "0" * 64
SKIPPED = frozenset({"id", "created_at", "updated_at", "version"})
PG_LOCK_KEY = 7_007_001  # pg_advisory_xact_lock: one writer of the chain at a time on a shared server

ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "bulk": "Écriture groupée",
    "erase": "Effacement (RGPD)",
    "access": "Export des données d'une personne (RGPD)",
    "login": "Connexion",
    "login_failed": "Échec de connexion",
    "account": "Gestion des comptes",
    "setting": "Réglage",
    "database": "Base de données",
}
ENTITY_LABELS = {name: spec.label for name, spec in SPECS.items()} | {
    "bailleur": "Bailleur", "account": "Compte", "app_setting": "Réglage", "*": "Plusieurs", "database": "Base",
}


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


def _digest(salt: str, key: str, value: Any) -> str:
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
        sealed[key] = [None if old is None else _digest(salt, key, old), None if new is None else _digest(salt, key, new)]
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


_HEAD = "audit.head"


@event.listens_for(Session, "after_commit")
def _anchor_head(session: Session) -> None:
    """The committed head of the chain, written outside the database (services/audit_keys.py)."""
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


_BULK = "audit.bulk_counts"


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


@event.listens_for(Session, "do_orm_execute")
def _count_bulk_writes(state) -> None:
    """Core INSERT/UPDATE/DELETE of record tables run through a session are counted for the summary entry."""
    entity = authz.bulk_target(state)
    if entity is None:
        return
    params = state.parameters
    rows = len(params) if isinstance(params, (list, tuple)) else 1
    verb = "insert" if state.is_insert else "update" if state.is_update else "delete"
    counts = state.session.info.setdefault(_BULK, {})
    counts[f"{entity}:{verb}"] = counts.get(f"{entity}:{verb}", 0) + rows


@event.listens_for(Session, "before_commit")
def _summarise_bulk_writes(session: Session) -> None:
    counts = session.info.pop(_BULK, None)
    if counts:
        log_event(session, "bulk", "*", {"counts": dict(sorted(counts.items())),
                                         "note": "écriture groupée (insertion, modification ou suppression)"})


@event.listens_for(Session, "after_soft_rollback")
def _forget_bulk_writes(session: Session, _previous_transaction) -> None:
    session.info.pop(_BULK, None)
    session.info.pop(_HEAD, None)


def _column_keys(obj: Record) -> list[str]:
    return [a.key for a in inspect(type(obj)).column_attrs if a.key not in SKIPPED]


@event.listens_for(Session, "after_flush")
def _log_flush(session: Session, _flush_context) -> None:
    pending: list[Pending] = []
    for obj in sorted((o for o in session.new if isinstance(o, Record)), key=lambda o: (o.__tablename__, o.id or 0)):
        values = {k: jsonable(getattr(obj, k)) for k in _column_keys(obj)}
        changes = {k: [None, v] for k, v in values.items() if v is not None}
        pending.append(Pending("create", obj.__tablename__, obj.uuid, obj.id, changes))
    for obj in sorted((o for o in session.dirty if isinstance(o, Record)), key=lambda o: (o.__tablename__, o.id or 0)):
        state = inspect(obj)
        changes = {}
        for key in _column_keys(obj):
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
        changes = {k: [jsonable(loaded[k]), None] for k in _column_keys(obj) if loaded.get(k) is not None}
        pending.append(Pending("delete", obj.__tablename__, loaded.get("uuid"), loaded.get("id"), changes))
    if pending:
        write_entries(session, pending)


# --- Reading, verifying, exporting -------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainReport:
    ok: bool  # nothing altered AND everything could be verified
    checked: int
    head: str  # hash of the last entry
    first_broken_id: int | None = None
    message: str = ""
    altered: bool = False  # an alteration was detected (ok False with altered False: verification incomplete)
    keyed: int = 0  # entries sealed with a secret key (HMAC-SHA256)
    legacy: int = 0  # entries from before keyed chaining (plain SHA-256)
    unverified: int = 0  # keyed entries whose key is missing on this workstation
    missing_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # anchor and key information, in French


def _n(count: int, one: str, many: str) -> str:
    from erbm_desk.domain.rules import format_int

    return f"{format_int(count)} {one if count < 2 else many}"


def verify_audit_chain(session: Session) -> ChainReport:
    """Walk the whole log in order; report the first entry whose hash, link or personal values do not match,
    then compare the end of the log with its anchor outside the database (deleted last entries)."""
    authz.require(session, authz.AUDIT_READ)
    keys = audit_keys.available_keys()
    identity = audit_keys.database_identity(session.connection().engine.url)
    anchor = audit_keys.read_anchor(identity)
    anchor_id = int(anchor["id"]) if anchor else None
    prev = GENESIS
    checked = keyed = legacy = unverified = 0
    missing: dict[str, int] = {}
    first_hash = None
    anchored_hash = None
    last_id = 0

    def broken(row_id: int, text: str) -> ChainReport:
        return ChainReport(False, checked, prev, row_id, f"Journal altéré : {text}", True, keyed, legacy, unverified,
                           tuple(missing))

    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    for row in session.scalars(query):
        checked += 1
        if row.prev_hash != prev:
            return broken(row.id, f"l'entrée n° {row.id} ne suit pas l'entrée précédente (une entrée a été "
                          "supprimée, insérée ou modifiée hors de l'application).")
        if row.key_id is None:
            if keyed:
                return broken(row.id, f"l'entrée n° {row.id} n'est pas scellée par la clé secrète alors que les "
                              "précédentes le sont : entrée modifiée hors de l'application.")
            legacy += 1
            secret: bytes | None = None
        else:
            keyed += 1
            key = keys.get(row.key_id)
            secret = key.secret if key else None
        if row.key_id is not None and secret is None:
            unverified += 1
            missing[row.key_id] = missing.get(row.key_id, 0) + 1
        else:
            try:
                recomputed = entry_hash(prev, row.at, row.actor, row.role, row.action, row.entity, row.record_uuid,
                                        row.record_id, row.changes, secret)
            except (ValueError, TypeError):
                recomputed = None
            if recomputed != row.hash:
                return broken(row.id, f"l'entrée n° {row.id} a été modifiée hors de l'application.")
        if row.personal is not None and not _personal_matches(row):
            return broken(row.id, f"les valeurs personnelles de l'entrée n° {row.id} ont été modifiées hors de "
                          "l'application.")
        if first_hash is None:
            first_hash = row.hash
        if row.id == anchor_id:
            anchored_hash = row.hash
        prev = row.hash
        last_id = row.id

    notes: list[str] = []
    if anchor is None:
        notes.append("Aucune ancre de ce journal sur ce poste : la suppression des dernières entrées ne peut pas y "
                     "être détectée (l'ancre est écrite à chaque modification faite depuis ce poste).")
    else:
        when = audit_keys.french_time(anchor.get("at", ""))
        if anchor.get("rewritten"):
            old = anchor["rewritten"]
            return broken(int(old.get("id") or 0), f"le journal a été réécrit depuis le début hors de l'application "
                          f"(constaté le {audit_keys.french_time(old.get('seen', ''))} : il comptait au moins "
                          f"{old.get('id')} entrées le {audit_keys.french_time(old.get('at', ''))}).")
        if anchor.get("first") and first_hash is not None and anchor["first"] != first_hash:
            return broken(1, "la première entrée ne correspond plus à celle que ce poste a enregistrée : journal "
                          "réécrit depuis le début hors de l'application.")
        if anchor_id and last_id < anchor_id:
            return broken(last_id + 1, f"les dernières entrées ont été supprimées : ce poste a enregistré l'entrée "
                          f"n° {anchor_id} le {when}, le journal s'arrête à la n° {last_id} "
                          f"({_n(anchor_id - last_id, 'entrée manquante', 'entrées manquantes')} au moins).")
        if anchor_id and anchored_hash != anchor.get("hash"):
            return broken(anchor_id, f"l'entrée n° {anchor_id} ne correspond plus à l'ancre enregistrée sur ce poste "
                          f"le {when} : journal réécrit hors de l'application.")
        notes.append(f"Ancre sur ce poste : entrée n° {anchor_id} du {when}, conforme.")
        notes += [f"Historique de l'ancre : {n}" for n in anchor.get("notes", [])[-3:]]
    parts = []
    if keyed:
        parts.append(_n(keyed, "scellée", "scellées") + " par la clé secrète")
    if legacy:
        parts.append(_n(legacy, "antérieure", "antérieures") + " au scellement par clé (empreinte SHA-256 simple)")
    detail = f" ({', '.join(parts)})" if parts else ""
    if unverified:
        where = os.environ.get(audit_keys.ENV_KEY_FILE) and audit_keys.ENV_KEY_FILE or str(audit_keys.other_keys_dir())
        message = (f"Vérification incomplète : {_n(checked, 'entrée lue', 'entrées lues')}{detail} ; aucune "
                   f"altération détectée, mais {_n(unverified, 'entrée est scellée', 'entrées sont scellées')} par "
                   f"une clé secrète absente de ce poste (empreinte {', '.join(missing)}) : leur contenu n'a pas pu "
                   f"être vérifié. Copiez le fichier de clé du poste qui les a écrites dans « {where} ».")
        return ChainReport(False, checked, prev, None, message, False, keyed, legacy, unverified, tuple(missing),
                           tuple(notes))
    message = f"Journal intègre : {_n(checked, 'entrée vérifiée', 'entrées vérifiées')}{detail}."
    return ChainReport(True, checked, prev, None, message, False, keyed, legacy, 0, (), tuple(notes))


def _personal_matches(row: AuditEntry) -> bool:
    try:
        blob = json.loads(row.personal)
        sealed = json.loads(row.changes)
        salt = blob["salt"]
        for key, (old, new) in blob["values"].items():
            expected = [None if old is None else _digest(salt, key, old), None if new is None else _digest(salt, key, new)]
            if sealed.get(key) != expected:
                return False
    except (ValueError, KeyError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    role: str | None
    action: str
    entity: str
    record_uuid: str | None
    record_id: int | None
    changes: dict[str, Any]  # personal values restored from `personal`, or « (effacé) » once scrubbed

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        return ENTITY_LABELS.get(self.entity, self.entity)

    def describe(self) -> str:
        """Fields and values in one line: « nom : DURAND → MARTIN ; heures : 35.00 → 36.00 »."""
        if set(self.changes) <= {"counts", "note"} and "counts" in self.changes:
            parts = [f"{ENTITY_LABELS.get(k, k)} : {v}" for k, v in self.changes["counts"].items()]
            return " ; ".join(parts + ([self.changes["note"]] if "note" in self.changes else []))
        parts = []
        for key, value in self.changes.items():
            if isinstance(value, list) and len(value) == 2:
                old, new = ("" if v is None else v for v in value)
                parts.append(f"{key} : {old} → {new}" if old != "" else f"{key} : {new}")
            else:
                parts.append(f"{key} : {value}")
        return " ; ".join(parts)


SCRUBBED = "(effacé)"


def as_row(e: AuditEntry) -> AuditRow:
    changes = json.loads(e.changes)
    if isinstance(changes, dict):
        personal = json.loads(e.personal)["values"] if e.personal else {}
        for key in personal_fields(e.entity) & set(changes):
            changes[key] = personal.get(key) or [None if v is None else SCRUBBED for v in changes[key]]
    return AuditRow(e.id, e.at, e.actor, e.role, e.action, e.entity, e.record_uuid, e.record_id, changes)


@dataclass
class AuditFilter:
    entity: str | None = None
    actor: str | None = None
    action: str | None = None
    record_uuid: str | None = None
    since: datetime | date | None = None
    until: datetime | date | None = None  # inclusive day when a date
    text: str | None = None  # searched in the changes (personal values too)
    limit: int | None = None


def list_entries(session: Session, flt: AuditFilter | None = None) -> list[AuditRow]:
    """Entries matching the filter, newest first. Administrators only (the log holds personal values)."""
    authz.require(session, authz.AUDIT_READ)
    flt = flt or AuditFilter()
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if flt.entity:
        q = q.where(AuditEntry.entity == flt.entity)
    if flt.actor:
        q = q.where(func.lower(AuditEntry.actor).contains(flt.actor.lower()))
    if flt.action:
        q = q.where(AuditEntry.action == flt.action)
    if flt.record_uuid:
        q = q.where(AuditEntry.record_uuid == flt.record_uuid)
    if flt.since:
        since = flt.since if isinstance(flt.since, datetime) else datetime.combine(flt.since, datetime.min.time())
        q = q.where(AuditEntry.at >= since)
    if flt.until:
        until = flt.until if isinstance(flt.until, datetime) else datetime.combine(flt.until, datetime.max.time())
        q = q.where(AuditEntry.at <= until)
    rows = []
    needle = flt.text.lower() if flt.text else None
    for entry in session.scalars(q):
        row = as_row(entry)
        if needle and needle not in canonical(row.changes).lower() and needle not in (row.record_uuid or ""):
            continue
        rows.append(row)
        if flt.limit and len(rows) >= flt.limit:
            break
    return rows


EXPORT_HEADERS = ("N°", "Date (UTC)", "Utilisateur", "Rôle", "Action", "Type", "Identifiant (UUID)", "N° interne",
                  "Champs modifiés (ancienne → nouvelle valeur)")


def _export_cells(row: AuditRow) -> list[Any]:
    return [row.id, row.at.replace(microsecond=0), row.actor, row.role or "", row.action_label, row.entity_label,
            row.record_uuid or "", row.record_id if row.record_id is not None else "", row.describe()]


def export_entries(session: Session, path: str | Path, flt: AuditFilter | None = None) -> int:
    """Write the filtered log as .csv (UTF-8 with BOM, semicolons: opens in French Excel) or .xlsx."""
    from erbm_desk.services.atomic_files import atomic_path

    rows = list_entries(session, flt)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError("Format d'export du journal : .csv ou .xlsx.")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.writer(fh, delimiter=";")
                writer.writerow(EXPORT_HEADERS)
                for row in rows:
                    writer.writerow([_csv_safe(c) for c in _export_cells(row)])
        else:
            write_sheet_workbook(tmp, "Journal", EXPORT_HEADERS, (_export_cells(r) for r in rows),
                                 widths=(8, 20, 20, 14, 22, 18, 38, 10, 90))
    log_event(session, "access", "audit_log", {"export": path.name, "entrées": len(rows)})
    return len(rows)


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def clean_cell_text(text: str) -> str:
    """Text safe for openpyxl: no control characters (IllegalCharacterError)."""
    return "".join(ch if ch >= " " or ch in "\t\n" else " " for ch in text)


def write_sheet_workbook(path: Path, title: str, headers: Iterable[str], rows: Iterable[Iterable[Any]],
                         widths: Iterable[int] = ()) -> None:
    """A one-sheet workbook: bold frozen header, text forced to text (no formula can be injected)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    append_rows(ws, headers, rows, widths)
    wb.save(path)


def append_rows(ws, headers: Iterable[str], rows: Iterable[Iterable[Any]], widths: Iterable[int] = ()) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append(list(headers))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append([clean_cell_text(v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text begins with
    ws.freeze_panes = f"A{header_row + 1}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def scrub_personal(session: Session, entity: str, record_uuid: str) -> int:
    """Erase the personal values of a record's entries (the chain stays valid: see the module doc)."""
    authz.require(session, authz.GDPR_ERASE)
    result = session.execute(
        update(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.record_uuid == record_uuid, AuditEntry.personal.is_not(None))
        .values(personal=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
