"""Restoring a backup into a database file, and bringing its data back to what the current database promises.

- **The file** (`services.backup.restore_files`): the copy is checked, the current state backed up first (or, if
  the current file is damaged, kept aside untouched), then the copy is written into the live file through
  SQLite (one transaction, crash-safe); a damaged or missing file is replaced whole, atomically.
- **Erasures survive a restore** (GDPR art. 17): a backup made before a person was erased still holds their
  identity. Before replacing the file, the erasure register of the current database is read (UUIDs and dates
  only); right after, the restored copy is brought to the current schema, every registered person it still
  identifies is erased again (`gdpr.reapply_erasures`), the restore is logged and the file is rewritten
  (VACUUM). The restore message says how many people were erased again. The audit anchor is moved to the
  restored log, which is legitimately shorter.
- **Rights**: restoring needs `database.admin`, checked before anything is touched. The sessions of that work
  are a Database's, with the session rules of the opening pipeline: the open Database given, or for a file
  given by its path, a Database made by the pipeline's `connect` step acting as `user` — the user the CLI
  signed in, or by default the operating-system user (the rescue of a damaged file nobody can sign in to).

PostgreSQL databases are restored on the server (pg_restore): refused with a French message.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect as sa_inspect

from erbm_desk.db import migrate
from erbm_desk.db.sqlite_files import quick_check_problems
from erbm_desk.services.backup.copies import backup_database
from erbm_desk.services.backup.listing import BackupInfo
from erbm_desk.services.backup.location import BackupError, db_file
from erbm_desk.services.backup.restore_files import (
    copy_into_live_file,
    keep_damaged_aside,
    replace_file,
    verify_for_restore,
)
from erbm_desk.services.database import locking
from erbm_desk.services.database.connectors import SqliteFileConnector
from erbm_desk.services.database.opening import Database, FileAccess, connect
from erbm_desk.services.error_messages import reason
from erbm_desk.services.reporting.report_cache import forget as forget_figures
from erbm_desk.services.security import audit, authz, gdpr, interrupted_restore
from erbm_desk.domain.french import count_agreed


@dataclass
class RestoreResult:
    restored: BackupInfo
    previous_state: Path | None = None  # the backup of the state that was replaced
    damaged_copy: Path | None = None  # a damaged file kept aside as it was
    notes: list[str] = field(default_factory=list)
    erasures_reapplied: int = 0  # registered erasures done again in the restored copy (GDPR)


def restore_backup(target: Database | str | os.PathLike, backup: str | os.PathLike, *,
                   user: authz.CurrentUser | None = None) -> RestoreResult:
    """Replace the content of the database file by a backup, after backing up the current state.

    With an open `Database`, its connections are dropped before and after, its user must hold `database.admin`,
    and it is upgraded if the backup has an older schema. With a path, `user` acts (see the module doc). Raises
    BackupError (French) and changes nothing when the backup is unusable or another instance has the file
    open; AccessDenied when the user may not restore."""
    db_path = db_file(target)
    if db_path is None:
        raise BackupError("Cette base est sur un serveur PostgreSQL : sa restauration se fait sur le serveur.")
    if getattr(target, "read_only", False):
        raise BackupError("La base est ouverte en lecture seule : la restauration est impossible.")
    open_db = None if isinstance(target, (str, os.PathLike)) else target
    acting = authz.require(open_db if open_db is not None else (user or authz.system_user()), authz.DATABASE_ADMIN)
    backup = Path(backup)
    info = verify_for_restore(backup)
    result = RestoreResult(info)
    try:
        lock = locking.acquire_lock(db_path)  # re-entrant in this process; refuses if another instance has the file
    except locking.LockHeldError as exc:
        raise BackupError(f"La base « {db_path.name} » est ouverte en écriture par {exc.holder.describe()} : "
                          "fermez-la avant de restaurer une sauvegarde.") from exc
    engine = getattr(open_db, "engine", None)
    try:
        if engine is not None:
            engine.dispose()
        healthy = db_path.is_file() and db_path.stat().st_size > 0 and not quick_check_problems(db_path)
        register, unreadable = _read_erasure_register(db_path, open_db, acting)
        if unreadable:
            result.notes.append(unreadable)
        if register:  # kept beside the file until re-applied: a restore killed half-way is finished at next opening
            interrupted_restore.owe_erasures(db_path, register)
        if healthy:
            pre = backup_database(db_path, "avant-restauration")
            result.previous_state = pre.path if pre else None
            copy_into_live_file(backup, db_path)
        else:
            if db_path.exists() and db_path.stat().st_size > 0:
                result.damaged_copy = keep_damaged_aside(db_path)
            replace_file(backup, db_path)
    except (sqlite3.Error, OSError) as exc:
        interrupted_restore.settle_erasures(db_path)  # nothing was replaced: nothing is owed
        locking.release_lock(lock)
        raise BackupError(f"Restauration impossible : {reason(exc)}. La base est restée telle qu'elle était.") from exc
    try:
        if engine is not None:
            engine.dispose()
        _after_restore(db_path, open_db, acting, register, info, result)
        interrupted_restore.settle_erasures(db_path)
    except Exception as exc:  # noqa: BLE001 - the copy is in place: say plainly what is left to do
        raise BackupError(
            f"La sauvegarde a été restaurée, mais les effacements enregistrés (RGPD) n'ont pas pu y être "
            f"réappliqués ({reason(exc)}) : ils le seront à la prochaine ouverture de la base.") from exc
    finally:
        if engine is not None:
            engine.dispose()
        locking.release_lock(lock)
    return result


def _on_file(db_path: Path, acting: authz.CurrentUser, read_only: bool = False) -> Database:
    """A Database on a file the restore is working on (the lock is the restore's own), acting as `acting`."""
    reason = "lecture du registre des effacements" if read_only else None
    return connect(SqliteFileConnector(f"sqlite:///{db_path}", db_path), FileAccess(read_only_reason=reason), acting)


def _read_erasure_register(db_path: Path, open_db: Database | None, acting: Any):
    """The erasures the database about to be replaced knows of (UUIDs and dates), and a French note if they
    could not be read."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return [], None
    db = open_db or _on_file(db_path, acting, read_only=True)
    try:
        tables = set(sa_inspect(db.engine).get_table_names())
        if "audit_log" not in tables:
            return [], None
        with db.sessions() as s:
            return gdpr.erasure_register(s, with_table="erasure_register" in tables), None
    except Exception as exc:  # noqa: BLE001 - a damaged file: the restore goes on, the user is told
        return [], (f"Attention : le registre des effacements de la base remplacée n'a pas pu être lu ({reason(exc)}). "
                    "Les personnes effacées depuis la date de cette sauvegarde doivent être effacées à nouveau "
                    "(Sécurité → Données d'une personne).")
    finally:
        if open_db is None:
            db.close()


def _after_restore(db_path: Path, open_db: Database | None, acting: Any, register, info: BackupInfo,
                   result: RestoreResult) -> None:
    """Schema brought up to date, registered erasures re-applied, restore logged, audit anchor moved."""
    db = open_db or _on_file(db_path, acting)
    try:
        forget_figures(db)  # the file holds other data now: figures kept in memory for it no longer apply
        if migrate.needs_upgrade(db.engine):
            migrate.upgrade(db.engine)  # the backup being restored is itself the copy from before this upgrade
            result.notes.append("Le schéma de la sauvegarde a été mis à jour.")
        with db.sessions.begin() as s:
            reports = gdpr.reapply_erasures(s, register)
            audit.log_event(s, "database", "database", {
                "restauration": info.path.name, "sauvegarde du": info.date_label,
                "effacements réappliqués": len(reports)})
        with db.sessions() as s:
            audit.anchor_current_head(s, f"sauvegarde du {info.date_label} restaurée")
        if reports:
            gdpr.vacuum(db.engine)
            one, again = len(reports) < 2, ("l'a" if len(reports) < 2 else "l'ont")
            result.notes.append(
                f"{count_agreed(len(reports), 'personne', 'effacé', True)} après la date de cette sauvegarde "
                f"{again} été à nouveau (registre des effacements) : "
                f"{'son' if one else 'leur'} identité n'est pas revenue avec la sauvegarde.")
        elif register:
            one = len(register) < 2
            also = "l'est" if one else "le sont"
            result.notes.append(f"Registre des effacements vérifié : {'la' if one else 'les'} "
                                f"{count_agreed(len(register), 'personne', 'effacé', True)} "
                                f"{also} aussi dans la base restaurée.")
        result.erasures_reapplied = len(reports)
    finally:
        if open_db is None:
            db.close()
