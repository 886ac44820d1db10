"""The values of list and yes/no columns: every distinct value found, how many times, and the choice it stands
for — the exact ones (a choice's label or code, « X »/« oui »/« 1 » for yes) taken at once, the usual
spellings (value_words.py) and close ones proposed, the others left for the user."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Iterable

from rapidfuzz import fuzz, process

from erbm_desk.domain.entities import Kind
from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.mapping.fields import Target, target
from erbm_desk.services.exchange.mapping.value_words import BOOL_FALSE, BOOL_TRUE, SYNONYMS

YES, NO = "oui", "non"
BLANK = ""  # the choice « laisser vide »
EXACT, USUAL, CLOSE, NONE = "exacte", "usuelle", "proche", "à choisir"


def value_key(cell: Any) -> str:
    """What two spellings of one value share (« X » and « x », 1 and 1.0)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return cell.isoformat()
    return fold(str(cell))


def value_text(cell: Any) -> str:
    if isinstance(cell, bool):
        return "VRAI" if cell else "FAUX"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def choices(t: Target) -> list[tuple[str, str]]:
    """(code, label) a value of this field may stand for."""
    if t.kind is Kind.BOOL:
        return [(YES, "Oui"), (NO, "Non")]
    return [(m.value, m.label) for m in t.column.choices]


def choice_label(t: Target, code: str) -> str:
    if code == BLANK:
        return "(laisser vide)"
    return dict(choices(t)).get(code, code)


@cache
def _folded_choices(code: str) -> dict[str, str]:
    """Every folded spelling that names a choice exactly: its code and label (and yes/no words)."""
    t = target(code)
    if t.kind is Kind.BOOL:
        return {**{w: YES for w in BOOL_TRUE[:8]}, **{w: NO for w in BOOL_FALSE[:6]}}
    out = {}
    for m in t.column.choices:
        out.setdefault(fold(m.value), m.value)
        out.setdefault(fold(m.label), m.value)
    return out


@cache
def _usual(code: str) -> dict[str, str]:
    t = target(code)
    if t.kind is Kind.BOOL:
        out = {w: YES for w in BOOL_TRUE} | {w: NO for w in BOOL_FALSE}
        for name in t.names:  # « RSA » written in the RSA column
            out.setdefault(fold(name), YES)
        return out
    return {fold(w): choice for choice, spellings in SYNONYMS.get(t.column.choices, {}).items() for w in spellings}


def propose_value(code: str, key: str) -> tuple[str | None, str]:
    """(choice code or None, how sure: EXACT, USUAL, CLOSE or NONE) for the value `key` (value_key)."""
    if key == "":
        return BLANK, EXACT
    exact = _folded_choices(code).get(key)
    if exact is not None:
        return exact, EXACT
    usual = _usual(code).get(key)
    if usual is not None:
        return usual, USUAL
    t = target(code)
    if t.kind is Kind.ENUM and len(key) >= 3:
        starts = {c for spelling, c in _folded_choices(code).items() if spelling.startswith(key)}
        if len(starts) == 1:
            return starts.pop(), CLOSE
        spellings = {**_usual(code), **_folded_choices(code)}
        found = process.extract(key, list(spellings), scorer=fuzz.WRatio, limit=6, score_cutoff=88)
        if found:
            top = found[0][1]
            best = {spellings[s] for s, score, _ in found if score == top}
            if len(best) == 1:
                return best.pop(), CLOSE
    return None, NONE


@dataclass
class ValueRow:
    key: str
    text: str  # as first seen in the file
    count: int
    choice: str | None  # the choice code it stands for (BLANK: left empty); None: not chosen yet
    how: str  # EXACT, USUAL, CLOSE, NONE, or « choisie » (by the user or a saved mapping)


CHOSEN = "choisie"


def value_rows(code: str, cells: Iterable[Any], chosen: dict[str, str] | None = None) -> list[ValueRow]:
    """The distinct non-blank values of a column (or of all the columns of one field), most frequent first."""
    raw: Counter = Counter()
    for cell in cells:  # the distinct cells first: a column of 25 000 rows holds a handful of values
        if cell is not None and not (cell.__class__ is str and (not cell or cell.isspace())):
            raw[(cell.__class__, cell)] += 1
    counts: Counter = Counter()
    first: dict[str, str] = {}
    for (_cls, cell), n in raw.items():
        key = value_key(cell)
        counts[key] += n
        if key not in first:
            first[key] = value_text(cell)
    chosen = chosen or {}
    rows = []
    for key, n in counts.most_common():
        if key in chosen:
            rows.append(ValueRow(key, first[key], n, chosen[key], CHOSEN))
        else:
            choice, how = propose_value(code, key)
            rows.append(ValueRow(key, first[key], n, choice, how))
    return rows


def typed(code: str, choice: str) -> Any:
    """The value a choice code stands for: True/False, an enum member, or None (left empty)."""
    t = target(code)
    if choice == BLANK:
        return False if t.kind is Kind.BOOL else None
    if t.kind is Kind.BOOL:
        return choice == YES
    return t.column.choices(choice)
