"""Opening a database: engine, schema upgrade, reference data. The one entry point of the UI and the CLI."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from erbm_desk.db import migrate
from erbm_desk.db.engine import database_url, make_engine, make_session_factory
from erbm_desk.db.models import MODELS
from erbm_desk.services.security import accounts, audit  # noqa: F401 - audit: registers the audit-log listener
from erbm_desk.services.records.writes import ConflictError
from erbm_desk.services.database.reference_data import load_reference_data


class DatabaseOpenError(RuntimeError):
    """The database cannot be opened; the message is in French and meant for the user."""


class DatabaseDamagedError(DatabaseOpenError):
    """The file failed its integrity check; nothing was written. `backup` is the latest good backup (or None),
    to offer for restoring (`services.backup.restore_backup(path, backup.path)`)."""

    def __init__(self, message: str, path: Path, problems: list[str], backup=None):
        super().__init__(message)
        self.path, self.problems, self.backup = path, problems, backup


class DatabaseLockedError(DatabaseOpenError):
    """Another instance has the file open for writing (`holder`: who); raised when `read_only=False`. The
    window offers `open_database(target, read_only=True)`."""

    def __init__(self, message: str, holder):
        super().__init__(message)
        self.holder = holder


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False
    read_only_reason: str | None = None  # French, e.g. « déjà ouverte en écriture par Marie sur PC-12 »
    warnings: list[str] = field(default_factory=list)  # French, to show once opened (network drive…)
    lock: Any = field(default=None, repr=False)  # services.locking.DatabaseLock while open for writing
    # Access control (issue 7, services/accounts.py): who acts through this Database, and whether sign-in
    # is required. `user` None means nobody has signed in yet: services then refuse (authz.SignInRequired).
    user: Any = None  # services.authz.CurrentUser
    login_required: bool = False

    @property
    def label(self) -> str:
        """What the title bar shows: the file name, or the server's database for a URL."""
        if self.engine.dialect.name == "sqlite":
            return Path(self.engine.url.database or ":memory:").name
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def path(self) -> Path | None:
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            return Path(self.engine.url.database)
        return None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls everything back otherwise.

        A record changed by someone else meanwhile (version counter) raises ConflictError (French)."""
        try:
            with self.sessions.begin() as s:
                yield s
        except StaleDataError as exc:
            raise ConflictError() from exc

    def counts(self) -> dict[str, int]:
        with self.sessions() as s:
            return {name: s.scalar(select(func.count()).select_from(model)) for name, model in MODELS.items()}

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            from erbm_desk.services.database.locking import release_lock

            release_lock(self.lock)
            self.lock = None


def open_database(target: str, create: bool = True, read_only: bool | None = None,
                  key: bytes | None = None) -> Database:
    """Open (and create, upgrade and seed when needed) the database at a path or URL.

    An existing SQLite file is checked first (header, quick_check, foreign keys; nothing written): a damaged
    one raises DatabaseDamagedError naming the latest good backup. Then the file's write lock is taken:
    `read_only=None` (CLI) falls back to read-only when another instance has it, `read_only=False` (window)
    raises DatabaseLockedError so the user can be asked, `read_only=True` opens read-only. A file on a
    network drive is opened without WAL and gets a warning in `db.warnings`. A schema upgrade is preceded
    by a backup, and that backup is put back if the upgrade fails."""
    url = database_url(target)
    if url.startswith("sqlite:///") and not create:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise DatabaseOpenError(f"La base de données « {path} » n'existe pas.")
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.parent.is_dir():
            raise DatabaseOpenError(f"Le dossier « {path.parent} » n'existe pas.")
        if path.is_dir():
            raise DatabaseOpenError(f"« {path} » est un dossier, pas une base de données.")
        from erbm_desk.services.database import sqlcipher as encryption  # issue 7: an SQLCipher file needs its key (`key`)

        if encryption.is_encrypted(path):
            return encryption.open_encrypted_database(path, target, key, read_only)
        return _open_sqlite_file(url, path, target, read_only)
    engine = make_engine(url)
    return _finish_opening(Database(url, engine, make_session_factory(engine)), target, None)


def _open_sqlite_file(url: str, path: Path, target: str, read_only: bool | None) -> Database:
    from erbm_desk.services.backup import copies as backups
    from erbm_desk.services.database.integrity import check_at_open, damaged_message
    from erbm_desk.services.database.locking import LockHeldError, acquire_lock, network_filesystem, network_warning

    warnings: list[str] = []
    exists = path.is_file() and path.stat().st_size > 0
    if exists:
        check = check_at_open(path)
        if check.damaged:
            good = backups.latest_good_backup(path)
            raise DatabaseDamagedError(damaged_message(path, check.problems, good), path, check.problems, good)
        warnings += [f"Liens incohérents dans la base : {line}." for line in check.broken_links]
    journal_mode = "WAL"
    fs = network_filesystem(path.parent)
    if fs:
        journal_mode = "DELETE"  # WAL needs memory shared between processes: not across PCs
        warnings.append(network_warning(path, fs))
    lock, reason = None, None
    if read_only:
        reason = "à votre demande"
    else:
        try:
            lock = acquire_lock(path)
        except LockHeldError as exc:
            if read_only is False:
                raise DatabaseLockedError(str(exc), exc.holder) from None
            reason = f"déjà ouverte en écriture par {exc.holder.describe()}"
        except OSError as exc:
            reason = f"le dossier « {path.parent} » n'est pas modifiable ({exc.strerror or exc})"
    if reason is not None and not exists:
        raise DatabaseOpenError(f"La base « {path} » n'existe pas ou est vide : rien à ouvrir en lecture seule.")
    engine = make_engine(url, journal_mode=journal_mode, read_only=reason is not None)
    db = Database(url, engine, make_session_factory(engine), read_only=reason is not None,
                  read_only_reason=reason, warnings=warnings, lock=lock)
    if reason is not None:
        db.sessions.configure(info={"read_only": read_only_message(reason)})
    try:
        return _finish_opening(db, target, path)
    except BaseException:
        db.close()
        raise


def read_only_message(reason: str) -> str:
    return (f"La base est ouverte en lecture seule ({reason}) : aucune modification n'est enregistrée. "
            "Pour modifier, fermez l'autre fenêtre d'ERBM Desk puis rouvrez la base.")


def _finish_opening(db: Database, target: str, path: Path | None) -> Database:
    engine = db.engine
    try:
        if migrate.needs_upgrade(engine):
            if db.read_only:
                raise DatabaseOpenError(
                    f"La base « {db.label} » doit être mise à jour vers le nouveau schéma, ce qui est impossible en "
                    "lecture seule. Ouvrez-la quand personne d'autre ne l'utilise."
                )
            upgrade_with_backup(engine, path)
        if not db.read_only:
            with db.session() as s:
                load_reference_data(s)
        accounts.attach(db)  # issue 7: sessions know their Database; current user set (or sign-in pending)
    except migrate.NewerSchemaError as exc:
        engine.dispose()
        raise DatabaseOpenError(str(exc)) from exc
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise DatabaseOpenError(
            f"Impossible d'ouvrir « {target} » : ce n'est pas une base ERBM Desk lisible ({exc.orig})."
        ) from exc
    return db


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").scalar())


def upgrade_with_backup(engine: Engine, path: Path | None) -> None:
    """DESIGN rule 9: back up, upgrade (one transaction), and put the backup back if the upgrade fails anyway.

    `path` is the SQLite file (None for a server database, whose DDL is transactional)."""
    from erbm_desk.services.backup import copies as backups

    migrate.needs_upgrade(engine)  # a newer schema is refused before anything is written
    pre = None
    if path is not None and _has_tables(engine):
        try:
            pre = backups.backup_database(path, "mise-a-jour")
        except backups.BackupError as exc:
            raise DatabaseOpenError(
                f"La base doit être mise à jour, mais la sauvegarde préalable a échoué : {exc} "
                "Elle n'a pas été modifiée."
            ) from exc
    try:
        migrate.upgrade(engine)
    except Exception as exc:
        engine.dispose()
        if pre is None:
            raise DatabaseOpenError(f"La mise à jour du schéma a échoué : {exc}") from exc
        backups.put_back(pre.path, path)
        raise DatabaseOpenError(
            f"La mise à jour du schéma a échoué ({exc}). La base a été remise dans son état d'avant la mise à jour "
            f"(copie de sécurité : « {pre.path} »)."
        ) from exc
