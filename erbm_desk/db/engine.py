"""Engine and session factory: SQLite with the pragmas that keep a file safe, or any SQLAlchemy URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def database_url(target: str) -> str:
    """A path becomes a SQLite URL; a URL (postgresql://…, sqlite://…) is kept as it is."""
    if "://" in target:
        # `postgresql://…` as users type it: psycopg 3 is the driver we ship (the `postgres` extra).
        for prefix in ("postgresql://", "postgres://"):
            if target.startswith(prefix):
                return "postgresql+psycopg://" + target.removeprefix(prefix)
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def _sqlite_pragmas_for(journal_mode: str, read_only: bool):
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        # WAL + synchronous=FULL: readers never block the writer, and a committed transaction survives a power
        # cut. On a network drive the caller asks for DELETE instead: WAL needs shared memory between processes.
        if not read_only and cur.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cur.execute(f"PRAGMA journal_mode={journal_mode}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    return _sqlite_pragmas


_sqlite_pragmas = _sqlite_pragmas_for("WAL", False)


def sqlite_uri(path: str | Path, **params: str) -> str:
    """An SQLite `file:` URI for a path (spaces, accents, `?`, `#` escaped; Windows drives and UNC paths kept)."""
    posix = Path(path).as_posix()
    uri = "file://" + ("" if posix.startswith("/") else "/") + quote(posix, safe="/:")
    return uri + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def make_engine(url: str, *, journal_mode: str = "WAL", read_only: bool = False) -> Engine:
    """`read_only` opens an SQLite file with `mode=ro`: SQLite itself refuses every write."""
    if read_only and url.startswith("sqlite:///"):
        uri = sqlite_uri(url.removeprefix("sqlite:///"), mode="ro")
        engine = create_engine(url, future=True,
                               creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    else:
        engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas_for(journal_mode, read_only))
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
