"""What an erasure still owes the copies of the data, until it is done: an erasure reaches every copy, or is
taken up again at the next opening until it has.

Erasing a person changes the database in one transaction; their identity then still lies in the file's free
pages and its -wal (until `gdpr.vacuum`) and in the automatic backups (until `scrub_backups`). A process killed
between the two (a power cut, a closed laptop) would leave the name there for good. So the erasure's transaction
also records the people whose copies are still to clean (`mark(session, uuids)`: a row of `app_setting`, no
identity in it, only UUIDs); `finish(db)` cleans the copies and then clears the record; the opening pipeline calls
`finish` on every database it opens for writing, so an interrupted erasure is completed before anyone works.

The work itself is the app's own maintenance: it reads and writes `app_setting` through the engine, not through a
user's session (it needs no right, and may run before anyone has signed in).
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from erbm_desk.db.models import Setting
from erbm_desk.services.backup.scrub import ScrubResult, scrub_backups

PENDING_KEY = "gdpr.copies_to_clean"


def mark(session: Session, uuids: list[str]) -> None:
    """In the erasure's own transaction: these people's copies are still to clean."""
    if not uuids:
        return
    row = session.get(Setting, PENDING_KEY)
    pending = set(json.loads(row.value)) if row is not None else set()
    pending.update(uuids)
    if row is None:
        session.add(Setting(key=PENDING_KEY, value=json.dumps(sorted(pending))))
    else:
        row.value = json.dumps(sorted(pending))
    session.flush()


def pending(engine) -> list[str]:
    """The people whose copies are still to clean (UUIDs)."""
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT value FROM app_setting WHERE key = :k"), {"k": PENDING_KEY}).scalar()
    try:
        return list(json.loads(raw)) if raw else []
    except ValueError:
        return []


def finish(db) -> ScrubResult | None:
    """Clean the copies every recorded erasure still owes: the file's free pages and -wal (VACUUM), then the
    automatic backups; the record is cleared once every backup that held one of them has been cleaned. None
    when nothing was pending."""
    engine = db.engine
    uuids = pending(engine)
    if not uuids:
        return None
    vacuum(engine)
    result = ScrubResult()
    path = getattr(db, "path", None)
    if path is not None:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT uuid, pseudonym FROM beneficiary WHERE uuid IN "
                                     f"({', '.join(':u%d' % i for i in range(len(uuids)))})"),
                                {f"u{i}": u for i, u in enumerate(uuids)}).all()
        known = dict(rows)
        result = scrub_backups(path, {uuid: known.get(uuid) for uuid in uuids})
    if not result.failed:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM app_setting WHERE key = :k"), {"k": PENDING_KEY})
    return result


def vacuum(db) -> list[str]:
    """Rewrite the database so that erased values leave no trace in its pages; returns French warnings.

    SQLite: VACUUM, then a TRUNCATE checkpoint empties the -wal. PostgreSQL: VACUUM FULL of the tables that
    held the values (the server's own WAL archives and backups keep them until they are rotated)."""
    warnings: list[str] = []
    engine = getattr(db, "engine", db)  # a Database, or an Engine
    dialect = engine.dialect.name
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        if dialect == "sqlite":
            conn.exec_driver_sql("VACUUM")
            busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                warnings.append("Le journal WAL n'a pas pu être vidé (base ouverte ailleurs) : il le sera à la "
                                "fermeture de toutes les fenêtres.")
        elif dialect == "postgresql":
            conn.exec_driver_sql("VACUUM FULL beneficiary, contract, audit_log, erasure_register")
    return warnings
