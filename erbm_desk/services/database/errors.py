"""Why a database could not be opened: French messages for the user, and what the window can offer next."""

from __future__ import annotations

from pathlib import Path


class DatabaseOpenError(RuntimeError):
    """The database cannot be opened; the message is in French and meant for the user."""


class DatabaseDamagedError(DatabaseOpenError):
    """The file failed its integrity check; nothing was written. `backup` is the latest good backup (or None),
    to offer for restoring (`services.database.restore.restore_backup(path, backup.path)`)."""

    def __init__(self, message: str, path: Path, problems: list[str], backup=None):
        super().__init__(message)
        self.path, self.problems, self.backup = path, problems, backup


class DatabaseLockedError(DatabaseOpenError):
    """Another instance has the file open for writing (`holder`: who); raised when `read_only=False`. The
    window offers `open_database(target, read_only=True)`."""

    def __init__(self, message: str, holder):
        super().__init__(message)
        self.holder = holder


class EncryptedDatabaseError(DatabaseOpenError):
    """The file is encrypted and no (or a wrong) key was given: ask for the passphrase and open again with
    `open_database(target, key=sqlcipher.unlock(path, passphrase))`."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path


class DatabaseReadOnlyError(DatabaseOpenError):
    """The file cannot be written here (a read-only folder or file, an immutable file): not damage. Raised when
    `read_only=False`; the window offers `open_database(target, read_only=True)`."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path
