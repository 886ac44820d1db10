"""Writes made on the driver's road (the bulk INSERTs of an import: a third of the ORM's cost) raise none of the
ORM's events. They are noted on their session, so that whoever follows what a transaction changed — the window's
database gateway, which refreshes the views concerned — still learns which tables they touched."""

from __future__ import annotations

from sqlalchemy.orm import Session

_KEY = "erbm_desk_bulk_written"


def note_bulk_write(session: Session, table: str) -> None:
    session.info.setdefault(_KEY, set()).add(table)


def take_bulk_writes(session: Session) -> set[str]:
    """The tables written on the driver's road since the last call (each said once)."""
    return session.info.pop(_KEY, set())
