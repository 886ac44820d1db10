"""The connectors of the opening pipeline: what differs between a plain SQLite file, an SQLCipher file and a
server database, and nothing else.

A connector says how to look at the file before opening it (the integrity check's connection), how to build
the engine, and how to put a backup back into the file. The steps themselves (integrity check, network drive,
lock, backup-then-upgrade, session rules, accounts, reference data) are the one pipeline of `opening`, the same
for every connector; a server database skips the file steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from erbm_desk.db.engine import database_url, make_engine
from erbm_desk.services.backup.restore_files import put_back
from erbm_desk.services.database import sqlcipher
from erbm_desk.services.database.errors import DatabaseOpenError, EncryptedDatabaseError
from erbm_desk.services.database.integrity import OpenCheck, check_at_open


@dataclass(frozen=True)
class ServerConnector:
    """A database on a server (PostgreSQL, or any other SQLAlchemy URL): no file, so no file step."""

    url: str
    path = None

    def make_engine(self, journal_mode: str = "WAL", read_only: bool = False) -> Engine:
        return make_engine(self.url)


@dataclass(frozen=True)
class SqliteFileConnector:
    """A plain SQLite file."""

    url: str
    path: Path

    def check(self) -> OpenCheck:
        return check_at_open(self.path)

    def make_engine(self, journal_mode: str = "WAL", read_only: bool = False, immutable: bool = False) -> Engine:
        return make_engine(self.url, journal_mode=journal_mode, read_only=read_only, immutable=immutable)

    def put_back(self, backup: Path) -> None:
        """A backup of this file written back into it (a failed schema upgrade)."""
        put_back(backup, self.path)


@dataclass(frozen=True)
class SqlCipherConnector(SqliteFileConnector):
    """An SQLite file encrypted with SQLCipher: every connection holds the data key, the checks included."""

    key: bytes = b""

    def check(self) -> OpenCheck:
        # Read-write like a plain file's check (connect_recovering): a file left by a killed process may need
        # its WAL replayed before it can be read; nothing else is written.
        return check_at_open(self.path, connect=lambda: sqlcipher.connect(self.path, self.key),
                             errors=(sqlcipher.driver_error(), sqlcipher.EncryptionError))

    def make_engine(self, journal_mode: str = "WAL", read_only: bool = False, immutable: bool = False) -> Engine:
        return sqlcipher.make_encrypted_engine(self.path, self.key, journal_mode=journal_mode, read_only=read_only)

    def put_back(self, backup: Path) -> None:
        sqlcipher.copy_into(backup, self.path, self.key)


Connector = ServerConnector | SqliteFileConnector


def connector_for(target: str, create: bool = True, key: bytes | None = None) -> Connector:
    """Where the database is, and which connector opens it. Raises DatabaseOpenError (French) for a path that
    cannot be a database, and EncryptedDatabaseError for an encrypted file without the right key."""
    url = database_url(target)
    if not url.startswith("sqlite:///"):
        return ServerConnector(url)
    path = Path(url.removeprefix("sqlite:///"))
    if not create and not path.exists():
        raise DatabaseOpenError(f"La base de données « {path} » n'existe pas.")
    if not path.parent.is_dir():
        raise DatabaseOpenError(f"Le dossier « {path.parent} » n'existe pas.")
    if path.is_dir():
        raise DatabaseOpenError(f"« {path} » est un dossier, pas une base de données.")
    if not sqlcipher.is_encrypted(path):
        return SqliteFileConnector(url, path)
    if key is None:
        raise EncryptedDatabaseError(f"La base « {path.name} » est chiffrée : sa phrase de passe est nécessaire.", path)
    try:
        sqlcipher.connect(path, key).close()
    except sqlcipher.EncryptionError as exc:
        raise EncryptedDatabaseError(str(exc), path) from None
    return SqlCipherConnector(url, path, key)
