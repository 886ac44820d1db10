"""« Enregistrer une copie » : a consistent copy of the open SQLite database, in one step.

`VACUUM INTO` writes a compact, self-contained copy (WAL content included) from a single read transaction, so a
concurrent writer never makes it restart or tear; the copy goes to a temporary file renamed over the target only
when complete (services.atomic), so an existing file at that place is never left half-written.
"""

from __future__ import annotations

import os
from pathlib import Path

from erbm_desk.services.atomic import atomic_path
from erbm_desk.services.database import Database


class CopyError(RuntimeError):
    """The copy could not be written (French message)."""


def save_copy(db: Database, target: str | os.PathLike) -> Path:
    target = Path(target).expanduser().resolve()
    if db.engine.dialect.name != "sqlite":
        raise CopyError("Seule une base SQLite peut être enregistrée en copie.")
    if db.path is not None and target == db.path.resolve():
        raise CopyError("Choisissez un autre fichier que la base ouverte.")
    if not target.parent.is_dir():
        raise CopyError(f"Le dossier « {target.parent} » n'existe pas.")
    try:
        with atomic_path(target) as tmp:
            tmp.unlink()  # VACUUM INTO wants a file that does not exist yet
            with db.engine.connect() as conn:
                conn.connection.driver_connection.execute("VACUUM INTO ?", (str(tmp),))
    except OSError as exc:
        raise CopyError(f"Impossible d'écrire « {target} » : {exc.strerror or exc}.") from exc
    except Exception as exc:  # sqlite3.OperationalError: disk full, read-only folder…
        raise CopyError(f"Impossible d'enregistrer la copie : {exc}.") from exc
    return target
