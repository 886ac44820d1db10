"""Turning spreadsheet cells into typed values, fast: each column's parser is chosen once per sheet, and a value
seen before in a column is not parsed again."""

from __future__ import annotations

import math
import re
import uuid as uuidlib
from datetime import date, datetime, time, timedelta
from typing import Any

from erbm_desk.domain.entities import Kind
from erbm_desk.domain.text import forbidden_character
from erbm_desk.services.exchange.sheet_format import Role, SheetColumn
from erbm_desk.services.exchange.reader import RawSheet


def label_at(raw: RawSheet, index: int) -> str:
    for j, col in raw.header.columns:
        if j == index:
            return col.label
    return ""


def text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def uuid_text(raw: Any) -> str:
    if raw.__class__ is str and _CANONICAL_UUID.match(raw):
        return raw
    try:
        return str(uuidlib.UUID(str(raw).strip()))
    except ValueError:
        raise ValueError(f"« {raw} » n'est pas un identifiant valide : laissez la cellule vide pour une "
                         "nouvelle ligne.") from None


_ROLE_CODES = {Role.ID: "u", Role.PSEUDONYM: "p", Role.UPDATED: "t", Role.FINGERPRINT: "h", Role.REF_ID: "i"}


def cell_as_text(label: str, raw: Any, coerced: list | None = None) -> str:
    """A cell that is no text (a number, a date, yes/no) in a text column: a whole number is read as the digits
    a spreadsheet shows; another number as its French writing, reported in `coerced` ((cell, text) pairs) so the
    preview says so; a date, a duration, a yes/no or a non-number (NaN, infinity) is refused."""
    if isinstance(raw, bool):
        raise ValueError(f"« {label} » : du texte est attendu, la cellule contient une valeur logique "
                         f"({'VRAI' if raw else 'FAUX'}).")
    if isinstance(raw, (date, time, timedelta)):
        raise ValueError(f"« {label} » : du texte est attendu, la cellule contient une date ou une durée "
                         "(mettez la cellule au format Texte).")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(f"« {label} » : « {raw} » n'est pas une valeur possible.")
        if raw.is_integer() and abs(raw) < 1e15:  # digits typed as a number (a SIRET): read as shown
            return str(int(raw))
        result = repr(raw).replace(".", ",")
    elif isinstance(raw, int):
        return str(raw)
    else:
        return text(raw)
    if coerced is not None:
        coerced.append((raw, result))
    return result


def parser(index: int, col: SheetColumn, coerced: list | None = None) -> tuple[int, str, str, Any]:
    """(cell index, what the cell holds, value key, parser) for the row loop. A blank cell is None (False for
    a yes/no column): whether the record may lack it is for `record_problems` to say, once. A value read as
    another type than the cell's (a number in a text column, a date whose time is dropped) is appended to
    `coerced` as (value key, cell, value read), for the preview to say."""
    c = col.column
    if col.role is Role.LEGACY:
        from erbm_desk.services.exchange.format_v1 import legacy_parser

        return index, "l", col.key.removeprefix("legacy:"), legacy_parser(c.key)
    if col.role is Role.REF_ID:
        return index, "i", c.key, None
    if col.role is not Role.FIELD:
        return index, _ROLE_CODES[col.role], col.key, None
    if c.kind is Kind.REF:
        return index, "r", c.key, None
    blank = False if c.kind is Kind.BOOL else None
    seen: list | None = [] if coerced is not None else None
    if c.kind is Kind.TEXT:
        limit = c.max_length

        def parse_text(raw: Any) -> Any:
            if raw is None:
                return None
            if raw.__class__ is str:  # the common case, as Column.parse does it (and obeying the same rules)
                single = " ".join(raw.split())
                if (not limit or len(single) <= limit) and forbidden_character(single) is None:
                    return single
                return c.parse(raw)
            value = c.parse(cell_as_text(c.label, raw, seen))
            if seen:
                coerced.extend((c.key, cell, read) for cell, read in seen)
                seen.clear()
            return value

        return index, "f", c.key, parse_text
    # Values repeat (months, hours, yes/no, labels): each distinct cell value is parsed once per column.
    memo: dict[tuple[type, Any], Any] = {}

    dated = c.kind is Kind.DATE or c.kind is Kind.MONTH
    monthly = c.kind is Kind.MONTH

    def parse_memo(raw: Any) -> Any:
        if raw is None:
            return blank
        if dated and coerced is not None:
            if raw.__class__ is datetime and raw.time() != time():
                coerced.append((c.key, raw, f"{raw:%d/%m/%Y} (l'heure {raw:%H:%M} est ignorée)"))
            elif monthly and isinstance(raw, date) and raw.day != 1:
                coerced.append((c.key, raw, f"{raw:%m/%Y} (le jour est ignoré)"))
        key = (raw.__class__, raw)
        try:
            return memo[key]
        except KeyError:
            value = c.parse(raw)
            if len(memo) < 100_000:
                memo[key] = value
            return value
        except TypeError:  # not hashable
            return c.parse(raw)

    return index, "f", c.key, parse_memo


PSEUDONYM_LENGTH = 40


def pseudonym(raw: Any) -> str | None:
    if raw is None:
        return None
    coerced: list = []
    pseudonym = " ".join(cell_as_text("Pseudonyme", raw, coerced).split())
    if coerced:
        raise ValueError(f"« Pseudonyme » : « {pseudonym} » n'est pas un pseudonyme (du texte est attendu).")
    if len(pseudonym) > PSEUDONYM_LENGTH:
        raise ValueError(f"« Pseudonyme » : {PSEUDONYM_LENGTH} caractères au plus.")
    return pseudonym


def shown(cell: Any) -> str:
    """A cell's value as the preview names it (French decimal comma and dates)."""
    if isinstance(cell, float):
        return repr(cell).replace(".", ",")
    if isinstance(cell, datetime):
        return f"{cell:%d/%m/%Y %H:%M}"
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return str(cell)
