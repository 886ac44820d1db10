"""Opening a database: the one pipeline of the window, the CLI and the app's own work (restoring a backup).

`open_database(target)` runs these steps, whatever the database (`connectors`: a plain SQLite file, an
SQLCipher file, or a server, which skips the file steps 2-4):

1. where, and which connector (`connectors.connector_for`; an encrypted file needs its key);
2. integrity check of an existing file, nothing written (`integrity.check_at_open` through the connector): a
   damaged file raises DatabaseDamagedError naming the latest good backup;
3. network drive (`network_drive`): no WAL there, and a warning in `db.warnings`;
4. write lock (`locking`): `read_only=None` (CLI) falls back to read-only when another instance has it,
   `read_only=False` (window) raises DatabaseLockedError so the user can be asked, `read_only=True` opens
   read-only;
5. engine and Database, with the session rules installed on its own session factory (`session_rules`: access
   control, audit journal, write guards);
6. backup, then schema upgrade, the backup put back if the upgrade fails (`schema_upgrade`);
7. current user (`security.accounts.attach`): the system user, or nobody until sign-in when it is mandatory;
8. reference data of a new database (`reference_data`), with that user's rights;
9. what a killed process left (`_after_a_crash`): an erasure not yet in every copy, temporary files.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from erbm_desk.domain.french import format_count
from erbm_desk.db import migrate, planner_statistics
from erbm_desk.db.engine import make_session_factory
from erbm_desk.db.sqlite_files import write_problem
from erbm_desk.db.models import MODELS
from erbm_desk.services.atomic_files import remove_left_behind
from erbm_desk.services.backup.listing import latest_good_backup
from erbm_desk.services.backup.location import backup_folder
from erbm_desk.services.error_messages import reason
from erbm_desk.services.database import locking, network_drive
from erbm_desk.services.database.connectors import Connector, connector_for
from erbm_desk.services.database.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DatabaseOpenError,
    DatabaseReadOnlyError,
)
from erbm_desk.services.database.integrity import damaged_message
from erbm_desk.services.database.reference_data import load_reference_data
from erbm_desk.services.database.schema_upgrade import upgrade_with_backup
from erbm_desk.services.database.session_rules import install_session_rules
from erbm_desk.services.records.writes import ConflictError
from erbm_desk.services.security import accounts, erasure_followup, interrupted_restore


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False
    read_only_reason: str | None = None  # French, e.g. « déjà ouverte en écriture par Marie sur PC-12 »
    warnings: list[str] = field(default_factory=list)  # French, to show once opened (network drive…)
    lock: Any = field(default=None, repr=False)  # locking.DatabaseLock while open for writing
    # Access control (services/security/accounts.py): who acts through this Database, and whether sign-in is
    # required. `user` None means nobody has signed in yet: services then refuse (authz.SignInRequired).
    user: Any = None  # authz.CurrentUser
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
            locking.release_lock(self.lock)
            self.lock = None


@dataclass
class FileAccess:
    """What the file steps decided: how to open the file, and why it is read-only if it is."""

    read_only_reason: str | None = None
    journal_mode: str = "WAL"
    immutable: bool = False  # read without any journal file (a read-only folder, where none can be made)
    lock: Any = None
    warnings: list[str] = field(default_factory=list)


def open_database(target: str, create: bool = True, read_only: bool | None = None,
                  key: bytes | None = None) -> Database:
    """Open (and create, upgrade and seed when needed) the database at a path or URL: the steps of the module
    doc. `key`: the data key of an encrypted file (`sqlcipher.unlock`)."""
    connector = connector_for(target, create=create, key=key)
    access = file_access(connector, read_only) if connector.path is not None else FileAccess()
    db = connect(connector, access)
    try:
        return _bring_up_to_date(db, connector, target)
    except BaseException:
        db.close()
        raise


def file_access(connector: Connector, read_only: bool | None) -> FileAccess:
    """Steps 2 to 4 for a file: integrity check, network drive, write lock."""
    path = connector.path
    access = FileAccess()
    exists = path.is_file() and path.stat().st_size > 0
    if path.is_file():  # an empty file too: never taken for a new base (it may be a copy that failed)
        check = connector.check()
        if check.damaged:
            good = latest_good_backup(path)
            raise DatabaseDamagedError(damaged_message(path, check.problems, good), path, check.problems, good)
        access.warnings += [f"Liens incohérents dans la base : {line}." for line in check.broken_links]
    unwritable = write_problem(path)
    if unwritable and not read_only:
        if read_only is False:
            raise DatabaseReadOnlyError(
                f"La base « {path.name} » ne peut pas être modifiée ici : {unwritable}. Elle n'est pas endommagée : "
                "vous pouvez l'ouvrir en lecture seule (consulter, chercher, exporter).", path)
        if not exists:
            raise DatabaseOpenError(f"La base « {path} » ne peut pas être créée : {unwritable}.")
        access.read_only_reason = unwritable
        access.immutable = not os.access(path.parent, os.W_OK)  # no journal can be made beside it
    fs = network_drive.network_filesystem(path.parent)
    if fs:
        access.journal_mode = "DELETE"  # WAL needs memory shared between processes: not across PCs
        access.warnings.append(network_drive.network_warning(path, fs))
    if read_only:
        access.read_only_reason = "à votre demande"
        access.immutable = bool(unwritable) and not os.access(path.parent, os.W_OK)
    elif access.read_only_reason is None:
        try:
            access.lock = locking.acquire_lock(path)
        except locking.LockHeldError as exc:
            if read_only is False:
                raise DatabaseLockedError(str(exc), exc.holder) from None
            access.read_only_reason = f"déjà ouverte en écriture par {exc.holder.describe()}"
        except OSError as exc:
            access.read_only_reason = f"le dossier « {path.parent} » n'est pas modifiable ({reason(exc)})"
    if access.read_only_reason is not None and not exists:  # read-only: no lock was taken
        raise DatabaseOpenError(f"La base « {path} » n'existe pas ou est vide : rien à ouvrir en lecture seule.")
    return access


def connect(connector: Connector, access: FileAccess, user: Any = None) -> Database:
    """Step 5: the engine, and a Database whose sessions follow the session rules. `user`: who acts, when the
    app's own work (a restore) opens a file without the sign-in of step 7."""
    read_only = access.read_only_reason is not None
    try:
        engine = (connector.make_engine(access.journal_mode, read_only, immutable=True) if access.immutable
                  else connector.make_engine(access.journal_mode, read_only))
    except BaseException:
        if access.lock is not None:
            locking.release_lock(access.lock)
        raise
    db = Database(connector.url, engine, make_session_factory(engine), read_only=read_only,
                  read_only_reason=access.read_only_reason, warnings=access.warnings, lock=access.lock, user=user)
    install_session_rules(db)
    return db


def _after_a_crash(db: Database) -> None:
    """Step 9, for a database opened for writing: what a killed process may have left is finished or removed —
    an erasure whose copies (free pages, -wal, backups) were not all cleaned, temporary files never renamed into
    place (beside the base and in its backup folder). Never blocks the opening: what fails is said."""
    try:
        interrupted_restore.finish_interrupted_restore(db)
        scrub = erasure_followup.finish(db)
        if scrub is not None and scrub.failed:
            db.warnings.append(f"Un effacement (RGPD) n'a pas encore atteint "
                               f"{format_count(len(scrub.failed), 'sauvegarde')} : "
                               "il sera repris à la prochaine ouverture. " + " ".join(scrub.skipped))
    except Exception as exc:  # noqa: BLE001 - the base is usable; the erasure is taken up again next time
        db.warnings.append(f"Un effacement (RGPD) n'a pas encore atteint toutes les copies de la base ({reason(exc)}) :"
                           " il sera repris à la prochaine ouverture.")
    if db.path is not None:
        remove_left_behind(db.path.parent)
        remove_left_behind(backup_folder(db.path))


def _bring_up_to_date(db: Database, connector: Connector, target: str) -> Database:
    """Steps 6 to 8."""
    try:
        if migrate.needs_upgrade(db.engine):
            if db.read_only:
                raise DatabaseOpenError(
                    f"La base « {db.label} » doit être mise à jour vers le nouveau schéma, ce qui est impossible en "
                    "lecture seule. Ouvrez-la quand personne d'autre ne l'utilise."
                )
            upgrade_with_backup(db, getattr(connector, "put_back", None))
        accounts.attach(db)
        if not db.read_only:
            with db.session() as s:
                load_reference_data(s)
                planner_statistics.refresh_if_stale(s.connection())
            _after_a_crash(db)
    except migrate.NewerSchemaError as exc:
        db.engine.dispose()
        raise DatabaseOpenError(str(exc)) from exc
    except (DatabaseError, OperationalError) as exc:
        db.engine.dispose()
        raise DatabaseOpenError(
            f"Impossible d'ouvrir « {target} » : ce n'est pas une base ERBM Desk lisible ({exc.orig})."
        ) from exc
    return db
