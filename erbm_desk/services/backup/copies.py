"""Backups of an SQLite database: consistent copies, rotation, listing with content counts, restore.

- **Consistent** even while another connection or process writes: SQLite's online backup API in ONE step
  (`pages=-1`; a page-by-page backup restarts every time the source changes and may never finish). The source
  is opened read-only; the copy is written beside its final name, checked (`quick_check`), switched to a
  plain rollback journal, fsynced and renamed into place (`atomic_path`): a crash leaves no half backup.
- **When**: at start-up at most once a day (`startup_backup`), before every import (`backup_before(db,
  "import")`, called by the import code), before every schema upgrade (`services.database`), on demand
  (`backup_database(..., "manuelle")` or `save_copy(db, dest)` to a file the user chose).
- **Where**: `<backup folder>/<database name>-<8 hex>/<name>_<AAAA-MM-JJ_HH-MM-SS>_<motif>.sqlite`. The backup
  folder defaults to `Sauvegardes` in the user's data folder and is a user setting (`set_backup_root`) kept
  in a JSON file, not in the database: see `services.user_settings`. One sub-folder per database file (its
  name and a hash of its full path) so that two databases never rotate each other's copies.
- **Rotation** (after each new backup in the folder): the newest copy of each of the last 7 days that have
  one, of the last 4 weeks and of the last 12 months, plus always the 5 most recent copies (so the copy
  made before this morning's import survives this afternoon's). Copies saved elsewhere by the user are
  never touched.
- **Restore** (`restore_backup`): checks the copy, backs up the current state first (or, if the current file
  is damaged, keeps it aside untouched), then writes the copy into the live file through SQLite (one
  transaction, crash-safe). A damaged or missing file is replaced whole, atomically.
- **Erasures survive a restore** (GDPR art. 17): a backup made before a person was erased still holds their
  identity. Before replacing the file, the erasure register of the current database is read (UUIDs and dates
  only); right after, the restored copy is brought to the current schema, every registered person it still
  identifies is erased again (`gdpr.reapply_erasures`), the restore is logged and the file is rewritten
  (VACUUM). The restore message says how many people were erased again. The audit anchor is moved to the
  restored log, which is legitimately shorter.

PostgreSQL databases are backed up by the server (pg_dump and the DBA's policy): these functions return None
or refuse with a French message for a `postgresql://` database.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from erbm_desk.db.engine import sqlite_uri
from erbm_desk.domain.french import format_datetime
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.backup.folder_setting import get_setting, set_setting

if TYPE_CHECKING:
    from erbm_desk.services.database.opening import Database

REASONS = {
    "demarrage": "au démarrage",
    "import": "avant un import",
    "mise-a-jour": "avant une mise à jour du schéma",
    "manuelle": "à la demande",
    "avant-restauration": "avant une restauration",
}
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_LATEST = 7, 4, 12, 5
STAMP = "%Y-%m-%d_%H-%M-%S"
_NAME = re.compile(r"^(?P<stem>.+)_(?P<stamp>\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(?:-(?P<n>\d+))?_(?P<reason>[a-z0-9-]+)\.sqlite$")

# What the counts of a backup show, in this order, with French labels (singular, plural).
COUNT_LABELS = {
    "cite": ("cité", "cités"),
    "operation": ("opération", "opérations"),
    "funding": ("financement", "financements"),
    "company": ("entreprise", "entreprises"),
    "beneficiary": ("bénéficiaire", "bénéficiaires"),
    "contract": ("contrat", "contrats"),
    "hours_entry": ("mois d'heures", "mois d'heures"),
}
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """A backup or a restore could not be done (French message); nothing was changed."""


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
            return "chiffrée (contenu lisible avec sa clé)" if _key_file(self.path).exists() else "illisible"
        return describe_counts(self.counts)


def describe_counts(counts: dict[str, int], keys=("cite", "operation", "beneficiary", "contract", "hours_entry")) -> str:
    from erbm_desk.domain.french import format_int

    parts = []
    for key in keys:
        n = counts.get(key, 0)
        one, many = COUNT_LABELS[key]
        parts.append(f"{format_int(n)} {one if n < 2 else many}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Where

def default_backup_root() -> Path:
    from erbm_desk.paths import data_dir

    return data_dir() / "Sauvegardes"


def backup_root() -> Path:
    """The folder the user chose for backups, else `Sauvegardes` in the user's data folder."""
    chosen = get_setting("backup_dir")
    return Path(chosen) if chosen else default_backup_root()


def set_backup_root(folder: str | os.PathLike | None) -> Path:
    """Change the backup folder (None: back to the default). The folder is created; existing copies stay
    where they are (the user may move them: a folder is listed wherever it is)."""
    if folder is None:
        set_setting("backup_dir", None)
        return default_backup_root()
    folder = Path(folder).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".erbm-ecriture-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BackupError(f"Le dossier « {folder} » ne peut pas recevoir de sauvegardes : {exc.strerror or exc}.") from exc
    set_setting("backup_dir", str(folder))
    return folder


def backup_folder(db_path: str | os.PathLike, root: Path | None = None) -> Path:
    """The folder holding the automatic backups of one database file (not created here)."""
    db_path = Path(db_path).resolve()
    digest = hashlib.sha1(os.path.normcase(str(db_path)).encode("utf-8")).hexdigest()[:8]
    return (root or backup_root()) / f"{_slug(db_path.stem) or 'base'}-{digest}"


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40]


def _db_file(db: Database | str | os.PathLike) -> Path | None:
    if isinstance(db, (str, os.PathLike)):
        return Path(db)
    return db.path


# ---------------------------------------------------------------------------------------------------------
# Reading a database file without writing anything

def _is_readonly_error(exc: sqlite3.Error) -> bool:
    # SQLITE_READONLY_RECOVERY / _ROLLBACK / _CANTINIT…: the file needs its journal replayed (a crash).
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY


def connect_readonly(path: str | os.PathLike, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write to the file. `immutable` (for backups, which never change) also
    creates no -wal/-shm file and takes no lock."""
    params = {"mode": "ro", "immutable": "1"} if immutable else {"mode": "ro"}
    return sqlite3.connect(sqlite_uri(path, **params), uri=True, timeout=30, check_same_thread=False)


def _connect_source(path: Path) -> sqlite3.Connection:
    """Read-only when possible; a file left by a killed process may need its WAL replayed first, which only a
    read-write connection does (SQLite's normal crash recovery, not a change of content)."""
    conn = connect_readonly(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        if not _is_readonly_error(exc):
            raise
    return sqlite3.connect(str(path), timeout=30, check_same_thread=False)


def header_ok(path: str | os.PathLike) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def file_counts(path: str | os.PathLike, immutable: bool = True) -> tuple[dict[str, int], str | None]:
    """Row counts of the main tables and the schema revision of a database file (read-only)."""
    conn = connect_readonly(path, immutable=True) if immutable else _connect_source(Path(path))
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNT_LABELS if t in tables}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return counts, revision
    finally:
        conn.close()


def check_file(path: str | os.PathLike, immutable: bool = False) -> list[str]:
    """Problems `PRAGMA quick_check` finds in a database file (empty list: healthy). Never writes."""
    if not header_ok(path):
        return ["l'en-tête du fichier n'est pas celui d'une base SQLite"]
    try:
        conn = connect_readonly(path, immutable=immutable) if immutable else _connect_source(Path(path))
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


# ---------------------------------------------------------------------------------------------------------
# Writing a backup

def write_backup(source: str | os.PathLike, dest: str | os.PathLike, engine=None) -> Path:
    """A consistent, checked copy of the database `source` at `dest` (replaced atomically).

    An encrypted file (SQLCipher, services/encryption.py) is copied through `engine`, the open Database's own
    connection that holds the key, with `VACUUM INTO` (the copy is encrypted with the same key); its key file
    is copied beside it."""
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise BackupError(f"La base « {source} » n'existe pas : rien à sauvegarder.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if engine is not None and not header_ok(source) and source.stat().st_size > 0:
        return _write_encrypted_backup(engine, source, dest)
    try:
        with atomic_path(dest) as tmp:
            src = _connect_source(source)
            try:
                out = sqlite3.connect(str(tmp))
                try:
                    src.backup(out, pages=-1)  # ONE step: never restarted by a concurrent writer
                    out.execute("PRAGMA journal_mode=DELETE")  # a backup is a plain file: no -wal beside it
                finally:
                    out.close()
            finally:
                src.close()
            problems = check_file(tmp, immutable=True)
            if problems:
                raise BackupError(f"La copie de « {source.name} » est illisible ({problems[0]}) : sauvegarde abandonnée.")
    except sqlite3.Error as exc:
        raise BackupError(f"Sauvegarde de « {source.name} » impossible : {exc}.") from exc
    except OSError as exc:
        raise BackupError(f"Sauvegarde impossible dans « {dest.parent} » : {exc.strerror or exc}.") from exc
    return dest


def _key_file(path: Path) -> Path:
    return path.with_name(path.name + ".cle")  # services.encryption.KEY_FILE_SUFFIX


def _write_encrypted_backup(engine, source: Path, dest: Path) -> Path:
    try:
        with atomic_path(dest) as tmp:
            with engine.connect() as conn:
                conn.exec_driver_sql("VACUUM INTO ?", (str(tmp),))  # one read transaction: consistent
        if _key_file(source).exists():
            with atomic_path(_key_file(dest)) as tmp:
                tmp.write_bytes(_key_file(source).read_bytes())
    except Exception as exc:  # noqa: BLE001 - any driver error becomes one French message
        raise BackupError(f"Sauvegarde de la base chiffrée « {source.name} » impossible : {exc}.") from exc
    return dest


def _new_backup_path(folder: Path, db_path: Path, reason: str, now: datetime) -> Path:
    base = f"{_slug(db_path.stem) or 'base'}_{now:{STAMP}}"
    candidate = folder / f"{base}_{reason}.sqlite"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}_{reason}.sqlite"
        n += 1
    return candidate


def backup_database(db: Database | str | os.PathLike, reason: str = "manuelle", *, rotate_after: bool = True,
                    now: datetime | None = None, root: Path | None = None) -> BackupInfo | None:
    """Back up the database into its backup folder, then rotate. None for a database that is not a file."""
    db_path = _db_file(db)
    if db_path is None:
        return None
    reason = reason if reason in REASONS else (_slug(reason) or "manuelle")
    now = now or datetime.now()
    folder = backup_folder(db_path, root)
    dest = write_backup(db_path, _new_backup_path(folder, db_path, reason, now), getattr(db, "engine", None))
    if rotate_after:
        rotate(folder, today=now.date())
    return read_backup_info(dest)


def backup_before(db: Database, reason: str = "import") -> Path | None:
    """For the import code (and any bulk change): back up now, before writing. Returns the copy's path, or
    None when the database is not an SQLite file (PostgreSQL: the server's backups apply). Raises BackupError
    (French) if the copy cannot be made: the caller should then not go on with the import."""
    info = backup_database(db, reason)
    return info.path if info else None


def startup_backup(db: Database | str | os.PathLike, now: datetime | None = None) -> BackupInfo | None:
    """The start-up backup, at most once a day: None if a copy (of any kind) was already made today, or if the
    database is not a file or is still empty."""
    db_path = _db_file(db)
    if db_path is None or not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    now = now or datetime.now()
    if any(b.created.date() == now.date() for b in _parsed(backup_folder(db_path))):
        return None
    return backup_database(db_path, "demarrage", now=now)


def save_copy(db: Database | str | os.PathLike, dest: str | os.PathLike) -> BackupInfo:
    """« Sauvegarder une copie… » / `erbm-desk backup DEST`: a consistent copy where the user said (a file,
    or a folder that then gets a dated name). Not rotated."""
    db_path = _db_file(db)
    if db_path is None:
        raise BackupError(
            "Cette base est sur un serveur PostgreSQL : ses sauvegardes se font sur le serveur (pg_dump)."
        )
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / f"{_slug(db_path.stem) or 'base'}_{datetime.now():{STAMP}}.sqlite"
    if dest.resolve() == db_path.resolve():
        raise BackupError("La copie ne peut pas remplacer la base elle-même : choisissez un autre fichier.")
    write_backup(db_path, dest, getattr(db, "engine", None))
    return read_backup_info(dest)


# ---------------------------------------------------------------------------------------------------------
# Listing and rotation

def _parse_name(path: Path) -> tuple[datetime, str] | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    try:
        return datetime.strptime(m["stamp"], STAMP), m["reason"]
    except ValueError:
        return None


@dataclass(frozen=True)
class _Entry:
    path: Path
    created: datetime
    reason: str


def _parsed(folder: Path) -> list[_Entry]:
    """Backups in a folder, newest first (files not named by us are ignored)."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        parsed = _parse_name(path) if path.is_file() else None
        if parsed:
            out.append(_Entry(path, *parsed))
    return sorted(out, key=_age_key, reverse=True)


def _age_key(entry: _Entry):
    """Newest last; two copies of the same second are ordered by the file's modification time."""
    try:
        written = entry.path.stat().st_mtime_ns
    except OSError:
        written = 0
    return entry.created, written, entry.path.name


def read_backup_info(path: str | os.PathLike) -> BackupInfo:
    """Date, reason, counts and schema revision of one backup file (never writes to it)."""
    path = Path(path)
    parsed = _parse_name(path)
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


def list_backups(db: Database | str | os.PathLike, root: Path | None = None) -> list[BackupInfo]:
    """The automatic and manual backups of this database in its backup folder, newest first."""
    db_path = _db_file(db)
    if db_path is None:
        return []
    return [read_backup_info(e.path) for e in _parsed(backup_folder(db_path, root))]


def latest_good_backup(db: Database | str | os.PathLike, root: Path | None = None) -> BackupInfo | None:
    """The newest backup that passes `quick_check` (read without writing a byte)."""
    db_path = _db_file(db)
    if db_path is None:
        return None
    for entry in _parsed(backup_folder(db_path, root)):
        if not check_file(entry.path, immutable=True):
            info = read_backup_info(entry.path)
            if info.readable:
                return info
    return None


def backups_to_keep(entries: list[_Entry], keep_daily=KEEP_DAILY, keep_weekly=KEEP_WEEKLY,
                    keep_monthly=KEEP_MONTHLY, keep_latest=KEEP_LATEST) -> set[Path]:
    entries = sorted(entries, key=_age_key, reverse=True)
    keep = {e.path for e in entries[:keep_latest]}
    days: dict[date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    months: dict[tuple[int, int], Path] = {}
    for e in entries:
        d = e.created.date()
        if d not in days and len(days) < keep_daily:
            days[d] = e.path
        week = tuple(d.isocalendar())[:2]
        if week not in weeks and len(weeks) < keep_weekly:
            weeks[week] = e.path
        month = (d.year, d.month)
        if month not in months and len(months) < keep_monthly:
            months[month] = e.path
    return keep | set(days.values()) | set(weeks.values()) | set(months.values())


def rotate(folder: Path, today: date | None = None) -> list[Path]:
    """Delete the backups of `folder` that the 7 daily / 4 weekly / 12 monthly rule does not keep."""
    entries = _parsed(folder)
    keep = backups_to_keep(entries)
    removed = []
    stale = time.time() - 3600
    for part in folder.glob(".*.part"):  # a copy whose process was killed before its rename (atomic_path)
        try:
            if part.stat().st_mtime < stale:
                part.unlink()
                removed.append(part)
        except OSError:
            pass
    for e in entries:
        if e.path not in keep:
            try:
                e.path.unlink()
                removed.append(e.path)
                _key_file(e.path).unlink(missing_ok=True)
            except OSError:
                pass
    return removed


# ---------------------------------------------------------------------------------------------------------
# Restore

@dataclass
class RestoreResult:
    restored: BackupInfo
    previous_state: Path | None = None  # the backup of the state that was replaced
    damaged_copy: Path | None = None  # a damaged file kept aside as it was
    notes: list[str] = field(default_factory=list)
    erasures_reapplied: int = 0  # registered erasures done again in the restored copy (GDPR)


def _verify_for_restore(backup: Path) -> BackupInfo:
    from erbm_desk.db import migrate

    if not backup.is_file():
        raise BackupError(f"La sauvegarde « {backup} » n'existe pas.")
    problems = check_file(backup, immutable=True)
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


def _keep_damaged_aside(db_path: Path) -> Path:
    folder = backup_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder / f"{_slug(db_path.stem) or 'base'}_{datetime.now():{STAMP}}_endommagee.sqlite.bad"
    shutil.copy2(db_path, aside)
    for suffix in ("-wal", "-journal"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            shutil.copy2(side, aside.with_name(aside.name + suffix))
    return aside


def restore_backup(target: Database | str | os.PathLike, backup: str | os.PathLike) -> RestoreResult:
    """Replace the content of the database file by a backup, after backing up the current state.

    With an open `Database`, its connections are dropped before and after, and it is upgraded if the backup
    has an older schema. Raises BackupError (French) and changes nothing when the backup is unusable or
    another instance has the file open."""
    from erbm_desk.services.database.locking import LockHeldError, acquire_lock, release_lock

    db_path = _db_file(target)
    if db_path is None:
        raise BackupError("Cette base est sur un serveur PostgreSQL : sa restauration se fait sur le serveur.")
    if getattr(target, "read_only", False):
        raise BackupError("La base est ouverte en lecture seule : la restauration est impossible.")
    backup = Path(backup)
    info = _verify_for_restore(backup)
    result = RestoreResult(info)
    try:
        lock = acquire_lock(db_path)  # re-entrant in this process; refuses if another instance has the file
    except LockHeldError as exc:
        raise BackupError(f"La base « {db_path.name} » est ouverte en écriture par {exc.holder.describe()} : "
                          "fermez-la avant de restaurer une sauvegarde.") from exc
    engine = getattr(target, "engine", None)
    try:
        if engine is not None:
            engine.dispose()
        healthy = db_path.is_file() and db_path.stat().st_size > 0 and not check_file(db_path)
        register, unreadable = _read_erasure_register(db_path, engine)
        if unreadable:
            result.notes.append(unreadable)
        if healthy:
            pre = backup_database(db_path, "avant-restauration")
            result.previous_state = pre.path if pre else None
            _copy_into_live_file(backup, db_path)
        else:
            if db_path.exists() and db_path.stat().st_size > 0:
                result.damaged_copy = _keep_damaged_aside(db_path)
            _replace_file(backup, db_path)
    except sqlite3.Error as exc:
        raise BackupError(f"Restauration impossible : {exc}. La base est restée telle qu'elle était.") from exc
    try:
        if engine is not None:
            engine.dispose()
        _after_restore(db_path, engine, register, info, result)
    except Exception as exc:  # noqa: BLE001 - the copy is in place: say plainly what is left to do
        raise BackupError(
            f"La sauvegarde a été restaurée, mais les effacements enregistrés (RGPD) n'ont pas pu y être "
            f"réappliqués ({exc}) : n'utilisez pas la base avant de refaire ces effacements.") from exc
    finally:
        if engine is not None:
            engine.dispose()
        release_lock(lock)
    if engine is not None:
        from erbm_desk.db import migrate
        from erbm_desk.services.database.opening import upgrade_with_backup

        if migrate.needs_upgrade(engine):
            upgrade_with_backup(engine, db_path)
            result.notes.append("Le schéma de la sauvegarde a été mis à jour.")
    return result


def _read_erasure_register(db_path: Path, engine=None):
    """The erasures the database about to be replaced knows of (UUIDs and dates), and a French note if they
    could not be read."""
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.orm import Session

    from erbm_desk.db.engine import make_engine
    from erbm_desk.services.security import gdpr

    if not db_path.is_file() or db_path.stat().st_size == 0:
        return [], None
    eng = engine or make_engine(f"sqlite:///{db_path}", read_only=True)
    try:
        tables = set(sa_inspect(eng).get_table_names())
        if "audit_log" not in tables:
            return [], None
        with Session(eng) as s:
            return gdpr.erasure_register(s, with_table="erasure_register" in tables), None
    except Exception as exc:  # noqa: BLE001 - a damaged file: the restore goes on, the user is told
        return [], (f"Attention : le registre des effacements de la base remplacée n'a pas pu être lu ({exc}). "
                    "Les personnes effacées depuis la date de cette sauvegarde doivent être effacées à nouveau "
                    "(Sécurité → Données d'une personne).")
    finally:
        if engine is None:
            eng.dispose()


def _after_restore(db_path: Path, engine, register, info: BackupInfo, result: RestoreResult) -> None:
    """Schema brought up to date, registered erasures re-applied, restore logged, audit anchor moved."""
    from sqlalchemy.orm import Session

    from erbm_desk.db import migrate
    from erbm_desk.db.engine import make_engine
    from erbm_desk.services.security import audit, gdpr

    eng = engine or make_engine(f"sqlite:///{db_path}")
    try:
        if migrate.needs_upgrade(eng):
            migrate.upgrade(eng)  # the backup being restored is itself the copy from before this upgrade
            result.notes.append("Le schéma de la sauvegarde a été mis à jour.")
        with Session(eng) as s, s.begin():
            reports = gdpr.reapply_erasures(s, register)
            audit.log_event(s, "database", "database", {
                "restauration": info.path.name, "sauvegarde du": info.date_label,
                "effacements réappliqués": len(reports)})
        with Session(eng) as s:
            audit.anchor_current_head(s, f"sauvegarde du {info.date_label} restaurée")
        if reports:
            gdpr.vacuum(eng)
            result.notes.append(
                f"{len(reports)} personne(s) effacée(s) après la date de cette sauvegarde l'ont été à nouveau "
                "(registre des effacements) : leur identité n'est pas revenue avec la sauvegarde.")
        elif register:
            result.notes.append(f"Registre des effacements vérifié : les {len(register)} personne(s) effacée(s) "
                                "le sont aussi dans la base restaurée.")
        result.erasures_reapplied = len(reports)
    finally:
        if engine is None:
            eng.dispose()


@dataclass
class ScrubResult:
    scrubbed: list[Path] = field(default_factory=list)  # backups that held one of the people, now erased
    unchanged: int = 0  # backups that did not hold them (or already anonymous)
    skipped: list[str] = field(default_factory=list)  # French notes: encrypted or unreadable copies
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


def scrub_backups(db: Database | str | os.PathLike, people: dict[str, str | None],
                  root: Path | None = None) -> ScrubResult:
    """Erase the given people (UUID -> pseudonym) in every automatic backup of the database, in place: names
    and birth date emptied, age band kept on each contract, personal values of the audit log removed, then
    VACUUM so the old pages are gone. Each backup is changed in one SQLite transaction (a crash leaves it as it
    was or scrubbed). Encrypted copies are skipped (the erasure is re-applied when one is restored). Copies
    saved elsewhere by the user are out of reach."""
    started = time.perf_counter()
    result = ScrubResult()
    db_path = _db_file(db)
    if db_path is None or not people:
        return result
    encrypted = 0
    for entry in _parsed(backup_folder(db_path, root)):
        if not header_ok(entry.path):
            encrypted += 1
            continue
        try:
            if _scrub_file(entry.path, people):
                result.scrubbed.append(entry.path)
            else:
                result.unchanged += 1
        except sqlite3.Error as exc:
            result.skipped.append(f"« {entry.path.name} » n'a pas pu être nettoyée ({exc}) : supprimez-la.")
    if encrypted:
        result.skipped.append(f"{encrypted} sauvegarde(s) chiffrée(s) non nettoyée(s) : l'effacement y sera "
                              "réappliqué si elles sont restaurées.")
    result.seconds = time.perf_counter() - started
    return result


def _scrub_file(path: Path, people: dict[str, str | None]) -> bool:
    from erbm_desk.domain import rules
    from erbm_desk.services.security.gdpr import new_pseudonym

    conn = sqlite3.connect(str(path), timeout=30)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "beneficiary" not in tables:
            return False
        audit_columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")} if "audit_log" in tables else set()
        changed = False
        with conn:
            for uuid, pseudonym in people.items():
                row = conn.execute("SELECT id, birth_date, pseudonym FROM beneficiary WHERE uuid = ? AND "
                                   "(last_name IS NOT NULL OR first_name IS NOT NULL OR birth_date IS NOT NULL)",
                                   (uuid,)).fetchone()
                if row is None:
                    continue
                bid, birth, own = row
                if birth:
                    born = date.fromisoformat(str(birth)[:10])
                    for cid, start in conn.execute("SELECT id, start_date FROM contract WHERE beneficiary_id = ?",
                                                   (bid,)).fetchall():
                        band = rules.age_band(born, date.fromisoformat(str(start)[:10]))
                        conn.execute("UPDATE contract SET age_band = ? WHERE id = ?", (band.value, cid))
                conn.execute("UPDATE beneficiary SET last_name = NULL, first_name = NULL, birth_date = NULL, "
                             "pseudonym = ? WHERE id = ?", (own or pseudonym or new_pseudonym(), bid))
                if "personal" in audit_columns:
                    conn.execute("UPDATE audit_log SET personal = NULL WHERE entity = 'beneficiary' AND "
                                 "record_uuid = ?", (uuid,))
                changed = True
        if changed:
            conn.execute("VACUUM")
        return changed
    finally:
        conn.close()


def _copy_into_live_file(backup: Path, db_path: Path) -> None:
    """The backup's pages written into the live file by SQLite: one write transaction, journaled, so a crash
    leaves the old content or the new one; other connections simply see a change."""
    src = connect_readonly(backup, immutable=True)
    try:
        dst = sqlite3.connect(str(db_path), timeout=30)
        try:
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()


def _replace_file(backup: Path, db_path: Path) -> None:
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
    _copy_into_live_file(Path(backup), Path(db_path))
