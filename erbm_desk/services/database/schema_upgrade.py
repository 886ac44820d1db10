"""Backup, then upgrade: the schema step of the opening pipeline (DESIGN rule 9).

The upgrade itself runs in one transaction (`db.migrate`); the backup made just before is put back if it fails
anyway, through the connector (a plain or an encrypted file). A server database has no file to back up: its
DDL is transactional, and its backups are the server's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from sqlalchemy.engine import Engine

from erbm_desk.db import migrate
from erbm_desk.services.backup.copies import backup_database
from erbm_desk.services.backup.location import BackupError
from erbm_desk.services.database.errors import DatabaseOpenError


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").scalar())


def upgrade_with_backup(db: Any, put_back: Callable[[Path], None] | None) -> None:
    """Back up `db` (an opening.Database) into its backup folder, upgrade its schema, and `put_back` that backup
    if the upgrade fails. `put_back` None: a server database, nothing to back up."""
    engine = db.engine
    migrate.needs_upgrade(engine)  # a newer schema is refused before anything is written
    pre = None
    if put_back is not None and db.path is not None and _has_tables(engine):
        try:
            pre = backup_database(db, "mise-a-jour")  # an encrypted file is copied through its own engine
        except BackupError as exc:
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
        put_back(pre.path)
        raise DatabaseOpenError(
            f"La mise à jour du schéma a échoué ({exc}). La base a été remise dans son état d'avant la mise à jour "
            f"(copie de sécurité : « {pre.path} »)."
        ) from exc
