"""Reading the audit log: entries as the journal window and `erbm-desk audit` show them (personal values put
back while they exist), filtered, and exported as .csv or .xlsx. Administrators only: the log holds personal
values."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import AuditEntry
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.security import authz
from erbm_desk.services.security.audit import canonical, log_event, personal_fields
from erbm_desk.services.security.audit_labels import ACTION_LABELS, ENTITY_LABELS
from erbm_desk.services.security.simple_workbook import csv_safe, write_sheet_workbook

SCRUBBED = "(effacé)"


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
        q = q.where(func.lower(AuditEntry.actor).contains(flt.actor.lower(), autoescape=True))  # typed text, literally
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
                    writer.writerow([csv_safe(c) for c in _export_cells(row)])
        else:
            write_sheet_workbook(tmp, "Journal", EXPORT_HEADERS, (_export_cells(r) for r in rows),
                                 widths=(8, 20, 20, 14, 22, 18, 38, 10, 90))
    log_event(session, "access", "audit_log", {"export": path.name, "entrées": len(rows)})
    return len(rows)

