"""One cell of someone's file into the value of a field: a list or yes/no value through the value mapping, a
commune by name or code (« LENS », « 62498 », « 62300 Lens »), a person's « NOM Prénom » split, a month and hours
also as people write them (« mars 2024 », « janv.-24 », « 35h30 », « 35:30 »), other values parsed by their column
(each distinct value once); what cannot be parsed is kept as it is, for the planner to report with the column's
own message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from erbm_desk.domain.entities import Kind
from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.mapping.fields import Target, target
from erbm_desk.services.exchange.mapping.model import Mapping
from erbm_desk.services.exchange.mapping.months import month_header
from erbm_desk.services.exchange.mapping.values import propose_value, typed, value_key
from erbm_desk.services.exchange.snapshot import AMBIGUOUS, DbSnapshot, folded, insee_in

_POSTCODE = re.compile(r"^\s*\d{5}\s+(.+)$")
_DEPARTMENT = re.compile(r"^(.+?)\s*\(\s*\d{2,3}\s*\)\s*$")
_HOURS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|heures?)(?:\s*(\d{1,2})\s*(?:min|mn)?)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)$")


class Unparsed(str):
    """A cell kept as typed because its column could not parse it (the planner reports why)."""


@dataclass(frozen=True)
class Commune:
    id: int


def is_blank(raw: Any) -> bool:
    return raw is None or (raw.__class__ is str and (not raw or raw.isspace()))


def plain_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return " ".join(str(raw).split())


def split_full_name(text: str) -> tuple[str, str] | None:
    """« DURAND Léa » → (DURAND, Léa): the words in capitals are the name; else the first word is. None for a
    single word."""
    parts = text.split()
    if len(parts) < 2:
        return None
    caps = [p for p in parts if p.isupper() and any(ch.isalpha() for ch in p)]
    if caps and len(caps) < len(parts):
        if parts[: len(caps)] == caps:
            return " ".join(caps), " ".join(parts[len(caps):])
        if parts[-len(caps):] == caps:
            return " ".join(caps), " ".join(parts[: -len(caps)])
    return parts[0], " ".join(parts[1:])


def hours_as_written(raw: Any) -> str | None:
    """Hours as people type them — « 35h », « 35 h 30 », « 12,5 heures », « 35:30 », a duration cell ([h]:mm) — as
    a number of hours (« 35.50 »); None for anything else."""
    if isinstance(raw, timedelta):
        minutes = Decimal(int(raw.total_seconds())) / 60
    elif isinstance(raw, time):
        minutes = Decimal(raw.hour * 60 + raw.minute)
    else:
        text = fold(str(raw)).strip()
        if m := _HOURS.match(text):
            whole, extra = m.groups()
            if extra is not None and not whole.isdigit():
                return None  # « 12,5 h 30 » means nothing
            minutes = Decimal(whole.replace(",", ".")) * 60 + Decimal(extra or 0)
        elif m := _CLOCK.match(text):
            minutes = Decimal(int(m.group(1)) * 60 + int(m.group(2)))
        else:
            return None
    return str((minutes / 60).quantize(Decimal("0.01")))


class CellReader:
    """Reads cells for one import: the mapping's value choices, the communes of the base, a memo per field."""

    def __init__(self, mapping: Mapping, db: DbSnapshot):
        self.mapping = mapping
        self.db = db
        self._memo: dict[str, dict[tuple[type, Any], Any]] = {}

    def value(self, code: str, raw: Any) -> Any:
        """The value of field `code` for a non-blank cell: typed, a Commune, text, or Unparsed."""
        memo = self._memo.setdefault(code, {})
        key = (raw.__class__, raw)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:
            return self._read(target(code), raw)
        value = memo[key] = self._read(target(code), raw)
        return value

    def seen(self, code: str) -> list[Any]:
        """Every distinct non-blank cell of field `code` read so far."""
        return [raw for _cls, raw in self._memo.get(code, ())]

    def _read(self, t: Target, raw: Any) -> Any:
        column = t.column
        if column is None:  # the full name
            return plain_text(raw)
        if t.maps_values:
            key = value_key(raw)
            choice = self.mapping.values.get(t.code, {}).get(key)
            if choice is None:
                choice = propose_value(t.code, key)[0]
            return Unparsed(plain_text(raw)) if choice is None else typed(t.code, choice)
        if column.kind is Kind.REF:
            text = plain_text(raw)
            if column.ref == "commune":
                found = self.commune(text)
                return Commune(found) if found is not None else Unparsed(text)
            return text
        if column.kind is Kind.TEXT:
            text = plain_text(raw)
            return column.normalise(text) if column.normalise else text
        try:
            return column.parse(raw)
        except ValueError:
            if column.kind is Kind.DECIMAL and "hours" in column.key:
                hours = hours_as_written(raw)
                if hours is not None:
                    return column.parse(hours)
            if column.kind is Kind.MONTH:  # « mars 2024 », « janv.-24 »: a month as people write it
                named = month_header(raw)
                if named is not None and named.year is not None:
                    return named.on(None)
            return Unparsed(plain_text(raw))

    def commune(self, text: str) -> int | None:
        insee = insee_in(text)
        if insee and insee in self.db.commune_ids and not _POSTCODE.match(text):
            return self.db.commune_ids[insee]
        for candidate in (text, *(m.group(1) for m in (_POSTCODE.match(text), _DEPARTMENT.match(text)) if m)):
            found = self.db.communes.find(candidate)
            if found is not None and found is not AMBIGUOUS:
                return found
        if insee and insee in self.db.commune_ids:
            return self.db.commune_ids[insee]
        return None


def fold_value(value: Any) -> Any:
    """How two values of a key compare: texts folded, the rest as they are."""
    if isinstance(value, str):
        return folded(value)
    return value
