"""Accent- and case-insensitive text in SQL, by the one folding rule of the app, `domain.text.fold`.

SQLite: a `fold` SQL function (the Python rule itself) is registered on the connection before each query,
rather than keeping a folded copy of the text in the tables. A stored column would need a migration of shared
models and would go stale whenever something writes a name without recomputing it (imports, workbooks merged
from other sites, a manual fix in SQL); the function is always right. Its cost, one cached Python call per row
scanned, is measured at 10× ERBM scale by bench/bench_ui.py.

PostgreSQL cannot call Python: there the same rule is `translate(lower(text), FROM, TO)` with runs of spaces
made one, where FROM and TO are computed here, once, by asking `fold` what it does with each character of the
Latin alphabets, the combining accents and the typographic spaces and quotes. Only the few characters that
`fold` turns into two (ligatures such as « ĳ », fractions such as « ½ », listed in `MULTI_CHARACTER`) are left
as they are: no French name uses them. tests/services/test_folding.py checks the equivalence on the server.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import func
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.domain.text import fold

# Latin-1 supplement and Latin extended A/B, combining accents, Latin extended additional, general punctuation
# (typographic spaces, the apostrophe ’).
FOLDED_RANGES = ((0x00A0, 0x0250), (0x0300, 0x0370), (0x1E00, 0x1F00), (0x2000, 0x2070))


def _in_context(ch: str) -> str:
    """What `fold` makes of `ch` between two letters: « ¨ » alone folds to nothing, inside a word to a space."""
    return fold(f"a{ch}a")[1:-1]


def _translate_tables() -> tuple[str, str, str]:
    """(FROM, TO, characters fold turns into two or more) for PostgreSQL's translate()."""
    mapped, targets, dropped, multi = [], [], [], []
    for first, last in FOLDED_RANGES:
        for ch in map(chr, range(first, last)):
            out = _in_context(ch)
            if out == ch:
                continue
            if len(out) == 1:
                mapped.append(ch)
                targets.append(out)
            elif not out:
                dropped.append(ch)  # translate() deletes the characters of FROM that have no partner in TO
            else:
                multi.append(ch)
    return "".join(mapped) + "".join(dropped), "".join(targets), "".join(multi)


TRANSLATE_FROM, TRANSLATE_TO, MULTI_CHARACTER = _translate_tables()


@lru_cache(maxsize=1 << 16)
def sql_fold(text: str | None) -> str:
    """The SQLite `fold` function: `domain.text.fold`, with NULL read as empty text."""
    return "" if text is None else fold(text)


def prepare(session: Session) -> None:
    """Register `fold(text)` on the connection the session uses (cheap; idempotent)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.connection.driver_connection.create_function("fold", 1, sql_fold, deterministic=True)


def folded(session: Session, expr: ColumnElement) -> ColumnElement:
    """`expr` folded in SQL, as `domain.text.fold` folds it in Python."""
    if session.get_bind().dialect.name == "sqlite":
        return func.fold(expr)
    return postgresql_fold(expr)


def postgresql_fold(expr: ColumnElement) -> ColumnElement:
    translated = func.translate(func.lower(func.coalesce(expr, "")), TRANSLATE_FROM, TRANSLATE_TO)
    return func.btrim(func.regexp_replace(translated, r"\s+", " ", "g"), " ")
