"""Putting a backup's content into a database file, crash-safe: the file side of a restore.

What a restore also does to the data (current state backed up first, schema brought up to date, registered
erasures re-applied, audit anchor moved) is in `services.database.restore`, which opens the restored file
through the opening pipeline.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from datetime import datetime
from pathlib import Path

from erbm_desk.db.sqlite_files import connect_readonly, quick_check_problems
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.backup.listing import BackupInfo, read_backup_info
from erbm_desk.services.backup.location import STAMP, BackupError, backup_folder, slug


def verify_for_restore(backup: Path) -> BackupInfo:
    """The backup's description, or BackupError (French) when it is missing, damaged, not ours or newer."""
    from erbm_desk.db import migrate

    if not backup.is_file():
        raise BackupError(f"La sauvegarde « {backup} » n'existe pas.")
    problems = quick_check_problems(backup, immutable=True)
    if problems:
        raise BackupError(f"La sauvegarde « {backup.name} » est endommagée ({problems[0]}) : choisissez-en une autre.")
    info = read_backup_info(backup)
    if not info.readable or info.revision is None:
        raise BackupError(f"« {backup.name} » n'est pas une sauvegarde ERBM Desk.")
    if not migrate.known_revision(info.revision):
        raise BackupError(
            f"La sauvegarde « {backup.name} » vient d'une version plus récente d'ERBM Desk : mettez l'application "
            "à jour pour la restaurer."
        )
    return info


def keep_damaged_aside(db_path: Path) -> Path:
    """A copy of a damaged database file (and its journal) in the backup folder, as it is."""
    folder = backup_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder / f"{slug(db_path.stem) or 'base'}_{datetime.now():{STAMP}}_endommagee.sqlite.bad"
    shutil.copy2(db_path, aside)
    for suffix in ("-wal", "-journal"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            shutil.copy2(side, aside.with_name(aside.name + suffix))
    return aside


BUSY_WAIT = 30.0  # seconds a restore waits for another program's write to end


def _give_up_after(seconds: float):
    """sqlite3's backup retries for ever while another connection writes: stop it after `seconds`, as a locked
    database (nothing has been copied: the destination's write lock was never had)."""
    deadline = time.monotonic() + seconds

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    return progress


def copy_into_live_file(backup: Path, db_path: Path) -> None:
    """The backup's pages written into the live file by SQLite: one write transaction, journaled, so a crash
    leaves the old content or the new one; other connections simply see a change."""
    src = connect_readonly(backup, immutable=True)
    try:
        dst = sqlite3.connect(str(db_path), timeout=30)
        try:
            src.backup(dst, pages=-1, progress=_give_up_after(BUSY_WAIT))
        finally:
            dst.close()
    finally:
        src.close()


def replace_file(backup: Path, db_path: Path) -> None:
    """A damaged or missing database file replaced whole by the backup, atomically."""
    with atomic_path(db_path) as tmp:
        src = connect_readonly(backup, immutable=True)
        try:
            out = sqlite3.connect(str(tmp))
            try:
                src.backup(out, pages=-1)
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
        finally:
            src.close()
        for suffix in ("-wal", "-shm", "-journal"):  # they belong to the damaged file (kept aside)
            side = db_path.with_name(db_path.name + suffix)
            if side.exists():
                side.unlink()


def put_back(backup: Path, db_path: Path) -> None:
    """Put a backup back into a healthy live file (used when a schema upgrade fails); no backup of the
    current state first: the caller made `backup` a moment ago for this purpose."""
    copy_into_live_file(Path(backup), Path(db_path))
