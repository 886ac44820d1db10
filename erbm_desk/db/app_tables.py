"""The application's own tables, next to the records: this base's exchange identity and imports, saved import
mappings, accounts, the audit journal, the erasure register, settings and the report cache. Not entities: no
UUID, not in MODELS. Re-exported by models.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from erbm_desk.db.base import Base, new_uuid, utcnow

class ExchangeSite(Base):
    """This database's identity in the workbooks it exports (one row, created at the first exchange)."""

    __tablename__ = "exchange_site"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExchangeImport(Base):
    """A workbook imported: the site that exported it and when (its clock), when we imported it (ours).
    The last import from a site is the « last exchange » that tells a change from a conflict."""

    __tablename__ = "exchange_import"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_site: Mapped[str | None] = mapped_column(String(36), index=True)
    organisation: Mapped[str | None] = mapped_column(String(160))
    exported_at: Mapped[datetime | None] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    summary: Mapped[str | None] = mapped_column(Text)


class ImportMapping(Base):
    """How one layout of someone's workbook goes into the base (services/exchange/mapping): its sheets, the field
    of each column, the value choices, the records matched by hand, as JSON; proposed again for a file whose
    headers have the same `shape`."""

    __tablename__ = "import_mapping"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    shape: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- Access control, audit log and settings (personal data).


class Account(Base):
    """A person who signs in: Argon2id password hash, role, and the persisted failed-login counter."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """One line of the hash-chained audit log. `hash` = SHA-256(prev_hash + canonical JSON of the entry);
    personal values live in `personal` (outside the hash, sealed by salted digests inside `changes`), so an
    erasure can scrub them without breaking the chain."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "entity", "record_uuid"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    record_uuid: Mapped[str | None] = mapped_column(String(36))
    record_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text)
    personal: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Fingerprint of the secret key of the HMAC-SHA256 that made `hash` (services/audit_keys.py); NULL for the
    # entries written before keyed chaining (plain SHA-256), which may only precede every keyed entry.
    key_id: Mapped[str | None] = mapped_column(String(16))


class ErasureRecord(Base):
    """Register of erasures (GDPR art. 17): which beneficiary (UUID only, never an identity), when, why. Carried
    over and re-applied when an older backup is restored (services/backup.py, services/gdpr.py)."""

    __tablename__ = "erasure_register"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    beneficiary_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(200))


class Setting(Base):
    """An application setting stored in the database (JSON value), shared by every user of the file."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ReportState(Base):
    """One row: the generation of the data the indicators read, one step per transaction that changed it
    (services/reporting/report_cache.py), so that figures kept from an earlier computation are known current."""

    __tablename__ = "report_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class ReportSnapshot(Base):
    """The figures last computed for a scope (JSON), valid while `generation` is the data's and `rules` the
    code's: the dashboard's first screen at start-up without the full computation."""

    __tablename__ = "report_cache"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    rules: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
