"""What backups there are: date, reason, content counts and schema revision of each, read without writing."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from erbm_desk.db.sqlite_files import connect_readonly, connect_recovering, header_ok, quick_check_problems
from erbm_desk.domain.entities import SPECS, CountPlace, counted_in
from erbm_desk.domain.french import format_datetime
from erbm_desk.services.backup.location import (
    REASONS,
    DatabaseOrPath,
    backup_folder,
    db_file,
    key_file_beside,
    parse_name,
)

# A backup's counts: one per recorded entity (its table); its summary shows those whose entity description says
# so (`counted_in` the backup place), with their short noun.
COUNTED_TABLES = tuple(SPECS)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    reason: str  # a key of REASONS, or another slug
    counts: dict[str, int] | None = None  # None: the copy cannot be read
    revision: str | None = None  # schema revision of the copy
    size: int = 0

    @property
    def readable(self) -> bool:
        return self.counts is not None

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason.replace("-", " "))

    @property
    def date_label(self) -> str:
        return format_datetime(self.created)

    def summary(self) -> str:
        """« 35 cités, 2 000 bénéficiaires, 2 500 contrats, 25 000 mois d'heures » (or why it is unreadable)."""
        if self.counts is None:
            return "chiffrée (contenu lisible avec sa clé)" if key_file_beside(self.path).exists() else "illisible"
        return describe_counts(self.counts)


def describe_counts(counts: dict[str, int]) -> str:
    """« 35 cités, 30 opérations, 2 000 bénéficiaires, 2 500 contrats, 25 000 mois d'heures »."""
    return ", ".join(spec.short_noun.count(counts.get(spec.name, 0)) for spec in counted_in(CountPlace.BACKUP))


def file_counts(path: str | os.PathLike, immutable: bool = True) -> tuple[dict[str, int], str | None]:
    """Row counts of the main tables and the schema revision of a database file (read-only)."""
    conn = connect_readonly(path, immutable=True) if immutable else connect_recovering(Path(path))
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTED_TABLES if t in tables}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return counts, revision
    finally:
        conn.close()


@dataclass(frozen=True)
class BackupEntry:
    path: Path
    created: datetime
    reason: str


def backups_in(folder: Path) -> list[BackupEntry]:
    """Backups in a folder, newest first (files not named by us are ignored)."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        parsed = parse_name(path) if path.is_file() else None
        if parsed:
            out.append(BackupEntry(path, *parsed))
    return sorted(out, key=age_key, reverse=True)


def age_key(entry: BackupEntry):
    """Newest last; two copies of the same second are ordered by the file's modification time."""
    try:
        written = entry.path.stat().st_mtime_ns
    except OSError:
        written = 0
    return entry.created, written, entry.path.name


def read_backup_info(path: str | os.PathLike) -> BackupInfo:
    """Date, reason, counts and schema revision of one backup file (never writes to it)."""
    path = Path(path)
    parsed = parse_name(path)
    try:
        stat = path.stat()
    except OSError:
        stat = None
    created, reason = parsed if parsed else (datetime.fromtimestamp(stat.st_mtime) if stat else datetime.now(), "copie")
    counts = revision = None
    if header_ok(path):
        try:
            counts, revision = file_counts(path)
        except sqlite3.Error:
            counts = None
    return BackupInfo(path, created, reason, counts, revision, stat.st_size if stat else 0)


def list_backups(db: DatabaseOrPath, root: Path | None = None) -> list[BackupInfo]:
    """The automatic and manual backups of this database in its backup folder, newest first."""
    db_path = db_file(db)
    if db_path is None:
        return []
    return [read_backup_info(e.path) for e in backups_in(backup_folder(db_path, root))]


def latest_good_backup(db: DatabaseOrPath, root: Path | None = None) -> BackupInfo | None:
    """The newest backup that passes `quick_check` (read without writing a byte)."""
    db_path = db_file(db)
    if db_path is None:
        return None
    for entry in backups_in(backup_folder(db_path, root)):
        if not quick_check_problems(entry.path, immutable=True):
            info = read_backup_info(entry.path)
            if info.readable:
                return info
    return None
