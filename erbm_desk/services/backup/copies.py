"""Backups of an SQLite database: consistent, checked copies, written whole or not at all.

- **Consistent** even while another connection or process writes: SQLite's online backup API in ONE step
  (`pages=-1`; a page-by-page backup restarts every time the source changes and may never finish). The source
  is opened read-only; the copy is written beside its final name, checked (`quick_check`), switched to a
  plain rollback journal, fsynced and renamed into place (`atomic_path`): a crash leaves no half backup.
- **When**: at start-up at most once a day (`startup_backup`), before every import (`backup_before(db,
  "import")`, called by the import code), before every schema upgrade (the opening pipeline), on demand
  (`backup_database(..., "manuelle")` or `save_copy(db, dest)` to a file the user chose).
- **Where** and how they are named: `location`; which ones are kept: `rotation`; restoring one:
  `services.database.restore`; erasing a person in them: `scrub`.

PostgreSQL databases are backed up by the server (pg_dump and the DBA's policy): these functions return None
or refuse with a French message for a `postgresql://` database.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from erbm_desk.db.sqlite_files import connect_recovering, header_ok, quick_check_problems
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.error_messages import integrity_summary, reason_at
from erbm_desk.services.backup.listing import BackupInfo, backups_in, read_backup_info
from erbm_desk.services.backup.location import (
    REASONS,
    STAMP,
    BackupError,
    DatabaseOrPath,
    backup_folder,
    db_file,
    key_file_beside,
    new_backup_path,
    slug,
)
from erbm_desk.services.backup.rotation import rotate


def write_backup(source: str | os.PathLike, dest: str | os.PathLike, engine=None) -> Path:
    """A consistent, checked copy of the database `source` at `dest` (replaced atomically).

    An encrypted file (SQLCipher, services/database/sqlcipher.py) is copied through `engine`, the open
    Database's own connection that holds the key, with `VACUUM INTO` (the copy is encrypted with the same key);
    its key file is copied beside it."""
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise BackupError(f"La base « {source} » n'existe pas : rien à sauvegarder.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if engine is not None and not header_ok(source) and source.stat().st_size > 0:
        return _write_encrypted_backup(engine, source, dest)
    try:
        with atomic_path(dest) as tmp:
            src = connect_recovering(source)
            try:
                out = sqlite3.connect(str(tmp))
                try:
                    src.backup(out, pages=-1)  # ONE step: never restarted by a concurrent writer
                    out.execute("PRAGMA journal_mode=DELETE")  # a backup is a plain file: no -wal beside it
                finally:
                    out.close()
            finally:
                src.close()
            problems = quick_check_problems(tmp, immutable=True)
            if problems:
                raise BackupError(f"La copie de « {source.name} » est illisible ({integrity_summary(problems)}) : "
                                  "sauvegarde abandonnée.")
    except sqlite3.Error as exc:
        raise BackupError(f"Sauvegarde de « {source.name} » impossible : {reason_at(exc, dest.parent, source.parent)}."
                          ) from exc
    except OSError as exc:
        raise BackupError(f"Sauvegarde impossible dans « {dest.parent} » : {reason_at(exc, dest.parent)}.") from exc
    return dest


def _write_encrypted_backup(engine, source: Path, dest: Path) -> Path:
    try:
        with atomic_path(dest) as tmp:
            with engine.connect() as conn:
                conn.exec_driver_sql("VACUUM INTO ?", (str(tmp),))  # one read transaction: consistent
        if key_file_beside(source).exists():
            with atomic_path(key_file_beside(dest)) as tmp:
                tmp.write_bytes(key_file_beside(source).read_bytes())
    except Exception as exc:  # noqa: BLE001 - any driver error becomes one French message
        raise BackupError(f"Sauvegarde de la base chiffrée « {source.name} » impossible : {exc}.") from exc
    return dest


def backup_database(db: DatabaseOrPath, reason: str = "manuelle", *, rotate_after: bool = True,
                    now: datetime | None = None, root: Path | None = None) -> BackupInfo | None:
    """Back up the database into its backup folder, then rotate. None for a database that is not a file."""
    db_path = db_file(db)
    if db_path is None:
        return None
    reason = reason if reason in REASONS else (slug(reason) or "manuelle")
    now = now or datetime.now()
    folder = backup_folder(db_path, root)
    dest = write_backup(db_path, new_backup_path(folder, db_path, reason, now), getattr(db, "engine", None))
    if rotate_after:
        rotate(folder, today=now.date())
    return read_backup_info(dest)


def backup_before(db: DatabaseOrPath, reason: str = "import") -> Path | None:
    """For the import code (and any bulk change): back up now, before writing. Returns the copy's path, or
    None when the database is not an SQLite file (PostgreSQL: the server's backups apply). Raises BackupError
    (French) if the copy cannot be made: the caller should then not go on with the import."""
    info = backup_database(db, reason)
    return info.path if info else None


def startup_backup(db: DatabaseOrPath, now: datetime | None = None) -> BackupInfo | None:
    """The start-up backup, at most once a day: None if a copy (of any kind) was already made today, or if the
    database is not a file or is still empty."""
    db_path = db_file(db)
    if db_path is None or not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    now = now or datetime.now()
    if any(b.created.date() == now.date() for b in backups_in(backup_folder(db_path))):
        return None
    return backup_database(db_path, "demarrage", now=now)


def save_copy(db: DatabaseOrPath, dest: str | os.PathLike) -> BackupInfo:
    """« Sauvegarder une copie… » / `erbm-desk backup DEST`: a consistent copy where the user said (a file,
    or a folder that then gets a dated name). Not rotated."""
    db_path = db_file(db)
    if db_path is None:
        raise BackupError(
            "Cette base est sur un serveur PostgreSQL : ses sauvegardes se font sur le serveur (pg_dump)."
        )
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / f"{slug(db_path.stem) or 'base'}_{datetime.now():{STAMP}}.sqlite"
    if dest.resolve() == db_path.resolve():
        raise BackupError("La copie ne peut pas remplacer la base elle-même : choisissez un autre fichier.")
    write_backup(db_path, dest, getattr(db, "engine", None))
    return read_backup_info(dest)
