"""Turning spreadsheet cells into typed values, fast: each column's parser is chosen once per sheet, and a value
seen before in a column is not parsed again."""

from __future__ import annotations

import re
import uuid as uuidlib
from typing import Any

from erbm_desk.domain.entities import Kind
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


def parser(index: int, col: SheetColumn) -> tuple[int, str, str, Any]:
    """(cell index, what the cell holds, value key, parser) for the row loop. A blank cell is None (False for
    a yes/no column): whether the record may lack it is for `record_problems` to say, once."""
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
    if c.kind is Kind.TEXT:
        limit = c.max_length

        def parse_text(raw: Any) -> Any:
            if raw is None:
                return None
            if raw.__class__ is str:  # the common case, as Column.parse does it
                single = " ".join(raw.split())
                if not limit or len(single) <= limit:
                    return single
            return c.parse(text(raw))

        return index, "f", c.key, parse_text
    # Values repeat (months, hours, yes/no, labels): each distinct cell value is parsed once per column.
    memo: dict[tuple[type, Any], Any] = {}

    def parse_memo(raw: Any) -> Any:
        if raw is None:
            return blank
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
