"""The statistics SQLite's query planner chooses its indexes by, gathered again when the tables have changed size.

SQLite gathers them only when asked (ANALYZE). Without them the planner takes every index for a selective one: the
hours of every month up to a date were read through the index on `month` — one lookup into the table per row —
where the (contract, month) index reads them three times quicker at 250 000 rows (the clauses' hours by lot and
month: 1.07 s against 0.36 s). ANALYZE reads every table once (0.1 s at ten times ERBM's size) and writes its
findings into the file (`sqlite_stat1`), so it runs only when they are missing or no longer describe the tables:
on opening a base for writing, after an import and after the demo's data. PostgreSQL keeps its own (autovacuum).

Only counts are kept. An SQLite built with STAT4 (the SQLCipher driver of encrypted bases is) also stores samples of
each index's keys — names from the index on beneficiaries' last names — which would outlive a person's erasure
(GDPR): they are deleted in the same transaction, and the planner does with the counts.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

MIN_ROWS = 1000  # below, every plan is quick: a table this small is not worth reading again
GROWTH = 2  # a table whose size changed by this factor (either way) since the last count


def _has_table(conn: Connection, name: str) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).first() is not None


def _known_sizes(conn: Connection) -> dict[str, int]:
    """Table -> rows at the last ANALYZE (none: never analysed, or empty then)."""
    sizes: dict[str, int] = {}
    if not _has_table(conn, "sqlite_stat1"):
        return sizes
    for table, stat in conn.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1"):
        first = (stat or "").split(" ", 1)[0]
        if first.isdigit():
            sizes[table] = max(sizes.get(table, 0), int(first))
    return sizes


def _sizes(conn: Connection) -> dict[str, int]:
    """Table -> its largest rowid: the number of rows, give or take the deleted ones, read from the end of the
    table's b-tree rather than counted."""
    names = [name for (name,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE "
        "'%WITHOUT ROWID%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    quote = conn.dialect.identifier_preparer.quote_identifier
    return {name: conn.exec_driver_sql(f"SELECT max(rowid) FROM {quote(name)}").scalar() or 0 for name in names}


def stale(conn: Connection) -> bool:
    """Whether the planner's statistics are missing or describe tables of another size."""
    known = _known_sizes(conn)
    for table, rows in _sizes(conn).items():
        before = known.get(table, 0)
        if max(rows, before) >= MIN_ROWS and (rows >= GROWTH * before or before >= GROWTH * rows):
            return True
    return False


def refresh_if_stale(conn: Connection) -> bool:
    """ANALYZE an SQLite base whose statistics are stale, in the connection's transaction. True when it ran."""
    if conn.dialect.name != "sqlite" or not stale(conn):
        return False
    conn.exec_driver_sql("ANALYZE")
    if _has_table(conn, "sqlite_stat4"):
        conn.exec_driver_sql("DELETE FROM sqlite_stat4")
    return True
