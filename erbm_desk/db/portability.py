"""What differs between SQLite and PostgreSQL and must be handled in code (the rest is SQLAlchemy's job)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from erbm_desk.db.models import Base


def sync_id_sequences(session: Session) -> None:
    """After rows were inserted with explicit ids (demo data, restored deletions, merges), move PostgreSQL's
    id sequences past the highest id, or the next ordinary insert collides. SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        ))
