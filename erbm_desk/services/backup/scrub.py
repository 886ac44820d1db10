"""Erasing people in the automatic backups (GDPR art. 17), after their erasure in the database.

A backup cannot be opened as a Database (no audit of its own, no signed-in user): the same erasure rule as the
database's (`db.erasure`: which columns become what) is applied to it in SQL, then VACUUM so the old pages are
gone. A backup is never changed in place: the erasure is made on a copy beside it, which then takes its place in
one rename (`atomic_path`), so that a process killed half-way leaves the old backup whole (still listed, still
to clean: `erasure_followup` takes the work up again) and never a half-written one. Encrypted copies are skipped
(the erasure is re-applied when one is restored); copies saved elsewhere by the user are out of reach.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from erbm_desk.db.erasure import AUDIT_PERSONAL_COLUMN, dependent_personal_columns, erasure_of, identity_columns
from erbm_desk.db.sqlite_files import connect_readonly, header_ok
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.error_messages import reason
from erbm_desk.services.backup.listing import backups_in
from erbm_desk.services.backup.location import DatabaseOrPath, backup_folder, db_file
from erbm_desk.domain.french import agreed, count_agreed


@dataclass
class ScrubResult:
    scrubbed: list[Path] = field(default_factory=list)  # backups that held one of the people, now erased
    unchanged: int = 0  # backups that did not hold them (or already anonymous)
    skipped: list[str] = field(default_factory=list)  # French notes: encrypted or unreadable copies
    failed: list[Path] = field(default_factory=list)  # backups that still hold someone (could not be cleaned)
    seconds: float = 0.0

    def message(self) -> str:
        total = len(self.scrubbed) + self.unchanged
        if self.scrubbed:
            text = (f"Sauvegardes automatiques : {len(self.scrubbed)} sur {total} contenaient encore cette identité "
                    f"et ont été nettoyées ({self.seconds:.1f} s).")
        elif total:
            text = f"Sauvegardes automatiques : aucune des {total} ne contenait cette identité."
        else:
            text = "Aucune sauvegarde automatique à nettoyer."
        return text + "".join(f" {n}" for n in self.skipped)


def scrub_backups(db: DatabaseOrPath, people: dict[str, str | None], root: Path | None = None) -> ScrubResult:
    """Erase the given people (UUID -> pseudonym) in every automatic backup of the database, in place."""
    started = time.perf_counter()
    result = ScrubResult()
    db_path = db_file(db)
    if db_path is None or not people:
        return result
    encrypted = 0
    for entry in backups_in(backup_folder(db_path, root)):
        if not header_ok(entry.path):
            encrypted += 1
            continue
        try:
            if _scrub_copy(entry.path, people):
                result.scrubbed.append(entry.path)
            else:
                result.unchanged += 1
        except (sqlite3.Error, OSError) as exc:
            result.failed.append(entry.path)
            result.skipped.append(f"« {entry.path.name} » n'a pas pu être nettoyée ({reason(exc)}) : elle le sera "
                                  "à la prochaine ouverture, ou supprimez-la.")
    if encrypted:
        result.skipped.append(f"{count_agreed(encrypted, 'sauvegarde', 'chiffré', True)} non "
                              f"{agreed(encrypted, 'nettoyé', True)} : l'effacement y sera réappliqué si "
                              f"{'elle est restaurée' if encrypted < 2 else 'elles sont restaurées'}.")
    result.seconds = time.perf_counter() - started
    return result


def _day(value) -> date:
    return date.fromisoformat(str(value)[:10])


def _holds_anyone(path: Path, people: dict[str, str | None]) -> bool:
    """Does this backup still identify one of these people? (read without writing a byte)"""
    identified = " OR ".join(f"{column} IS NOT NULL" for column in identity_columns())
    conn = connect_readonly(path, immutable=True)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'beneficiary'").fetchone() is None:
            return False
        marks = ", ".join("?" for _ in people)
        return conn.execute(f"SELECT 1 FROM beneficiary WHERE uuid IN ({marks}) AND ({identified}) LIMIT 1",
                            list(people)).fetchone() is not None
    finally:
        conn.close()


def _scrub_copy(path: Path, people: dict[str, str | None]) -> bool:
    """Erase the people in a copy of the backup, then put the copy in its place (one rename)."""
    if not _holds_anyone(path, people):
        return False
    with atomic_path(path) as tmp:
        shutil.copyfile(path, tmp)
        _scrub_file(tmp, people)
        conn = sqlite3.connect(str(tmp))
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    return True


def _scrub_file(path: Path, people: dict[str, str | None]) -> bool:
    identified = " OR ".join(f"{column} IS NOT NULL" for column in identity_columns())
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "beneficiary" not in tables:
            return False
        audit_columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")} if "audit_log" in tables else set()
        changed = False
        with conn:
            for uuid, pseudonym in people.items():
                row = conn.execute(f"SELECT id, birth_date, pseudonym FROM beneficiary WHERE uuid = ? AND ({identified})",
                                   (uuid,)).fetchone()
                if row is None:
                    continue
                bid, birth, own = row
                contracts = conn.execute("SELECT id, start_date FROM contract WHERE beneficiary_id = ?", (bid,)).fetchall()
                erasure = erasure_of(_day(birth) if birth else None, [(cid, _day(start)) for cid, start in contracts],
                                     own or pseudonym)
                for cid, band in erasure.contract_age_bands.items():
                    conn.execute("UPDATE contract SET age_band = ? WHERE id = ?", (band.value, cid))
                assignments = ", ".join(f"{column} = ?" for column in erasure.beneficiary)
                conn.execute(f"UPDATE beneficiary SET {assignments} WHERE id = ?", (*erasure.beneficiary.values(), bid))
                if AUDIT_PERSONAL_COLUMN in audit_columns:
                    conn.execute(f"UPDATE audit_log SET {AUDIT_PERSONAL_COLUMN} = NULL WHERE entity = 'beneficiary' AND "
                                 "record_uuid = ?", (uuid,))
                for table, columns in dependent_personal_columns().items():
                    if table not in tables:  # a backup made before these records existed
                        continue
                    if AUDIT_PERSONAL_COLUMN in audit_columns:
                        conn.execute(f"UPDATE audit_log SET {AUDIT_PERSONAL_COLUMN} = NULL WHERE entity = ? AND "
                                     f"record_uuid IN (SELECT uuid FROM {table} WHERE beneficiary_id = ?)", (table, bid))
                    assignments = ", ".join(f"{column} = NULL" for column in columns)
                    conn.execute(f"UPDATE {table} SET {assignments} WHERE beneficiary_id = ?", (bid,))
                changed = True
        if changed:
            conn.execute("VACUUM")
        return changed
    finally:
        conn.close()
