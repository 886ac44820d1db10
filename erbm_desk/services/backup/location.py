"""Where backups live and what their names say.

`<backup folder>/<database name>-<8 hex>/<name>_<AAAA-MM-JJ_HH-MM-SS>_<motif>.sqlite`. The backup folder defaults
to `Sauvegardes` in the user's data folder and is a user setting (`set_backup_root`) kept in a JSON file, not
in the database (`user_settings`). One sub-folder per database file (its name and a hash of its full path) so
that two databases never rotate each other's copies.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Protocol, Union

from erbm_desk.services.atomic_files import KEY_FILE_SUFFIX
from erbm_desk.services.backup.user_settings import read_user_setting, write_user_setting

REASONS = {
    "demarrage": "au démarrage",
    "import": "avant un import",
    "mise-a-jour": "avant une mise à jour du schéma",
    "manuelle": "à la demande",
    "avant-restauration": "avant une restauration",
}
STAMP = "%Y-%m-%d_%H-%M-%S"
_NAME = re.compile(r"^(?P<stem>.+)_(?P<stamp>\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(?:-(?P<n>\d+))?_(?P<reason>[a-z0-9-]+)\.sqlite$")


class BackupError(RuntimeError):
    """A backup or a restore could not be done (French message); nothing was changed."""


class DatabaseFile(Protocol):
    """What backups need of an open database (services.database.opening.Database): its file, None on a server."""

    @property
    def path(self) -> Path | None: ...


DatabaseOrPath = Union[DatabaseFile, str, os.PathLike]


def db_file(db: DatabaseOrPath) -> Path | None:
    if isinstance(db, (str, os.PathLike)):
        return Path(db)
    return db.path


def key_file_beside(path: Path) -> Path:
    """The key file of an encrypted copy (services.database.sqlcipher writes it beside the database)."""
    return path.with_name(path.name + KEY_FILE_SUFFIX)


def default_backup_root() -> Path:
    from erbm_desk.paths import data_dir

    return data_dir() / "Sauvegardes"


def backup_root() -> Path:
    """The folder the user chose for backups, else `Sauvegardes` in the user's data folder."""
    chosen = read_user_setting("backup_dir")
    return Path(chosen) if chosen else default_backup_root()


def set_backup_root(folder: str | os.PathLike | None) -> Path:
    """Change the backup folder (None: back to the default). The folder is created; existing copies stay
    where they are (the user may move them: a folder is listed wherever it is)."""
    if folder is None:
        write_user_setting("backup_dir", None)
        return default_backup_root()
    folder = Path(folder).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".erbm-ecriture-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BackupError(f"Le dossier « {folder} » ne peut pas recevoir de sauvegardes : {exc.strerror or exc}.") from exc
    write_user_setting("backup_dir", str(folder))
    return folder


def backup_folder(db_path: str | os.PathLike, root: Path | None = None) -> Path:
    """The folder holding the automatic backups of one database file (not created here)."""
    db_path = Path(db_path).resolve()
    digest = hashlib.sha1(os.path.normcase(str(db_path)).encode("utf-8")).hexdigest()[:8]
    return (root or backup_root()) / f"{slug(db_path.stem) or 'base'}-{digest}"


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40]


def parse_name(path: Path) -> tuple[datetime, str] | None:
    """(date, reason) of a file named by `new_backup_path`, None for any other name."""
    m = _NAME.match(path.name)
    if not m:
        return None
    try:
        return datetime.strptime(m["stamp"], STAMP), m["reason"]
    except ValueError:
        return None


def new_backup_path(folder: Path, db_path: Path, reason: str, now: datetime) -> Path:
    base = f"{slug(db_path.stem) or 'base'}_{now:{STAMP}}"
    candidate = folder / f"{base}_{reason}.sqlite"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}_{reason}.sqlite"
        n += 1
    return candidate
