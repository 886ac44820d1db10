"""Opening a database: engine, schema upgrade, reference data. The one entry point of the UI and the CLI."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from erbm_desk.db import migrate
from erbm_desk.db.engine import database_url, make_engine, make_session_factory
from erbm_desk.db.models import MODELS
from erbm_desk.services.reference import load_reference_data


class DatabaseOpenError(RuntimeError):
    """The database cannot be opened; the message is in French and meant for the user."""


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

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
        """One unit of work: commits when the block ends normally, rolls everything back otherwise."""
        with self.sessions.begin() as s:
            yield s

    def counts(self) -> dict[str, int]:
        with self.sessions() as s:
            return {name: s.scalar(select(func.count()).select_from(model)) for name, model in MODELS.items()}

    def close(self) -> None:
        self.engine.dispose()


def open_database(target: str, create: bool = True) -> Database:
    """Open (and create, upgrade and seed when needed) the database at a path or URL."""
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
    engine = make_engine(url)
    try:
        if migrate.needs_upgrade(engine):
            migrate.upgrade(engine)
        db = Database(url, engine, make_session_factory(engine))
        with db.session() as s:
            load_reference_data(s)
    except migrate.NewerSchemaError as exc:
        engine.dispose()
        raise DatabaseOpenError(str(exc)) from exc
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise DatabaseOpenError(
            f"Impossible d'ouvrir « {target} » : ce n'est pas une base ERBM Desk lisible ({exc.orig})."
        ) from exc
    return db
