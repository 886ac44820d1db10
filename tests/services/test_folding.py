"""Text is folded the same in Python and in SQL, SQLite and PostgreSQL alike: one rule, `domain.text.fold`."""

from __future__ import annotations

from sqlalchemy import literal, select

from erbm_desk.domain.text import fold
from erbm_desk.services.records.folding import (
    FOLDED_RANGES,
    MULTI_CHARACTER,
    TRANSLATE_FROM,
    TRANSLATE_TO,
    folded,
    prepare,
)

NAMES = [
    "Cité Bruno", "  HÉNIN-BEAUMONT ", "Liévin\u00a0Nord", "L’Escaut", "Œuvre d’Ærø", "Noeux-les-Mines",
    "e\u0301te\u0301", "ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ", "àâäçéèêëîïôöùûüÿ", "a\u202fb\u2009c", "Ñandú", "Straße", "Ĥĵŝ",
    "tab\tand\nline", "", "plain ascii 123",
]


def _every_character() -> list[str]:
    """Each character the tables consider, between two letters (how it meets fold in a real name)."""
    return [f"a{chr(cp)}a" for first, last in FOLDED_RANGES for cp in range(first, last)
            if chr(cp) not in MULTI_CHARACTER]


def test_translate_tables_come_from_fold():
    assert len(TRANSLATE_TO) <= len(TRANSLATE_FROM)
    for source, target in zip(TRANSLATE_FROM, TRANSLATE_TO):
        assert fold(f"a{source}a") == f"a{target}a"
    for dropped in TRANSLATE_FROM[len(TRANSLATE_TO):]:
        assert fold(f"a{dropped}a") == "aa"
    assert "é" in TRANSLATE_FROM and "’" in TRANSLATE_FROM and "\u0301" in TRANSLATE_FROM
    assert all(len(fold(f"a{ch}a")) > 3 for ch in MULTI_CHARACTER)


def test_sql_folds_like_python(db):
    texts = NAMES + _every_character()
    with db.sessions() as s:
        prepare(s)
        got = []
        for start in range(0, len(texts), 200):
            chunk = texts[start:start + 200]
            got.extend(s.execute(select(*(folded(s, literal(t)) for t in chunk))).one())
    mismatches = [(t, g, fold(t)) for t, g in zip(texts, got) if g != fold(t)]
    assert mismatches == []
