"""Engines and session factories: SQLite with the pragmas that keep a file safe, or any SQLAlchemy URL.

A session factory made here is plain SQLAlchemy: no audit, no access control, no flush guard. The opening
pipeline (`services.database.opening`) installs those on the factory of each Database it opens.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from erbm_desk.db.sqlite_files import sqlite_uri


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


def make_engine(url: str, *, journal_mode: str = "WAL", read_only: bool = False, immutable: bool = False,
                connect: Callable[[], Any] | None = None, dbapi: Any = None) -> Engine:
    """`read_only` opens an SQLite file with `mode=ro`: SQLite itself refuses every write; `immutable` also makes
    no journal file beside it (a read-only folder, where SQLite could not make one and would refuse to read).

    `connect` and `dbapi` give another SQLite driver's connections (SQLCipher: a connection that holds the key);
    every SQLite connection, whatever its driver, gets the same pragmas."""
    if connect is None and read_only and url.startswith("sqlite:///"):
        params = {"mode": "ro", "immutable": "1"} if immutable else {"mode": "ro"}
        uri = sqlite_uri(url.removeprefix("sqlite:///"), **params)

        def connect():
            return sqlite3.connect(uri, uri=True, check_same_thread=False)
    options: dict[str, Any] = {}
    if connect is not None:
        options["creator"] = connect
    if dbapi is not None:
        options["module"] = dbapi
    # hide_parameters: an error's text (shown, or written to the log file) never carries the values of a row
    engine = create_engine(url, future=True, hide_parameters=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas_for(journal_mode, read_only))
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A factory of its own: SQLAlchemy gives each sessionmaker its own Session subclass, so the listeners the
    opening pipeline attaches to it reach the sessions of that one database and nothing else."""
    return sessionmaker(engine, expire_on_commit=False)
