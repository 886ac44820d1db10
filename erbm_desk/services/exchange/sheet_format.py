"""The exchange format: which sheets, which columns, and how a value is written and compared.

The sheets, their order and columns come from each `EntitySpec` (domain/entities), plus the columns every exchange
needs: the record's identifier (UUID), its modification time, a hidden fingerprint of the row as exported
(which tells a cell edited in the spreadsheet from an untouched one) and, for each reference to another
record, a hidden column with that record's identifier. Documented in docs/format-echange.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Iterable

from erbm_desk.domain.french import format_date
from erbm_desk.domain.text import clean_cell_text, fold
from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES, Column, EntitySpec, Kind

FORMAT_NAME = "ERBM Desk — format d'échange"
FORMAT_VERSION = 2  # 2: marchés and lots, contracts keyed to a lot; eligibility checks, exits, follow-up actions
RELEVE_FORMAT_NAME = "ERBM Desk — relevé d'heures"

README_SHEET = "Lisez-moi"
SUMMARY_SHEET = "Synthèse"
LISTS_SHEET = "Listes"
RELEVE_SHEET = "Relevé d'heures"

# The workbook's entities that a reference column points to: each such reference has a hidden identifier column.
RECORD_REFS = frozenset(c.ref for e in WORKBOOK_ENTITIES for c in SPECS[e].columns
                        if c.kind is Kind.REF) & frozenset(WORKBOOK_ENTITIES)

ID_LABEL = "Identifiant"
PSEUDONYM_LABEL = "Pseudonyme"
UPDATED_LABEL = "Modifié le (UTC)"
FINGERPRINT_LABEL = "Empreinte"


class Role(str, Enum):
    ID = "id"
    PSEUDONYM = "pseudonym"
    FIELD = "field"
    REF_ID = "ref_id"
    UPDATED = "updated"
    FINGERPRINT = "fingerprint"
    LEGACY = "legacy"  # a column of an older version of the format, read and converted (format_v1.py)


@dataclass(frozen=True)
class SheetColumn:
    key: str
    label: str
    role: Role
    column: Column | None = None  # the spec column (FIELD, REF_ID)
    hidden: bool = False

    @property
    def width(self) -> int:
        if self.role is Role.ID or self.role is Role.REF_ID:
            return 38
        if self.role is Role.UPDATED:
            return 20
        if self.role is Role.FINGERPRINT:
            return 18
        base = self.column.width if self.column else 14
        return max(base, min(len(self.label) + 3, 40))


def ref_id_label(column: Column) -> str:
    return f"{column.label} (identifiant)"


def workbook_entities(anonymous: bool) -> tuple[str, ...]:
    """The entity sheets of a workbook: an anonymous one leaves out what the indicators never need."""
    return tuple(e for e in WORKBOOK_ENTITIES if not anonymous or SPECS[e].in_anonymous_workbook)


def sheet_columns(spec: EntitySpec, anonymous: bool = False) -> tuple[SheetColumn, ...]:
    """The columns of an entity sheet, in order; identity columns are left out of anonymous workbooks."""
    cols = [SheetColumn("uuid", ID_LABEL, Role.ID)]
    if spec.name == "beneficiary":
        cols.append(SheetColumn("pseudonym", PSEUDONYM_LABEL, Role.PSEUDONYM))
    ref_ids = []
    for c in spec.columns:
        if anonymous and c.personal:
            continue
        cols.append(SheetColumn(c.key, c.label, Role.FIELD, c))
        if c.kind is Kind.REF and c.ref in RECORD_REFS:
            ref_ids.append(SheetColumn(f"{c.key}#id", ref_id_label(c), Role.REF_ID, c, hidden=True))
    cols.append(SheetColumn("updated_at", UPDATED_LABEL, Role.UPDATED))
    cols.extend(ref_ids)
    cols.append(SheetColumn("fingerprint", FINGERPRINT_LABEL, Role.FINGERPRINT, hidden=True))
    return tuple(cols)


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: Any) -> str:
    """What two spellings of a header have in common: no case, accents, spaces or punctuation."""
    return _NON_ALNUM.sub("", fold(str(text)))


_ALIASES = {
    "uuid": ("Identifiant", "UUID", "Id", "Identifiant unique"),
    "pseudonym": ("Pseudonyme", "Pseudo", "Identifiant anonyme"),
    "updated_at": ("Modifié le (UTC)", "Modifié le", "Date de modification", "Mise à jour", "Dernière modification"),
    "fingerprint": ("Empreinte",),
}


def header_index(spec: EntitySpec) -> dict[str, SheetColumn]:
    """Every accepted spelling of every column of the sheet (anonymous or not), by `header_key`."""
    index: dict[str, SheetColumn] = {}
    for col in sheet_columns(spec, anonymous=False):
        names = [col.label, *_ALIASES.get(col.key, ())]
        if col.role is Role.FIELD:
            names.append(col.key)
        for name in names:
            index.setdefault(header_key(name), col)
    if spec.name == "beneficiary":  # the person's criteria and exit, columns of the person in version 1
        from erbm_desk.services.exchange.format_v1 import LEGACY_COLUMNS

        for key, (label, column) in LEGACY_COLUMNS.items():
            col = SheetColumn(f"legacy:{key}", label, Role.LEGACY, column)
            for name in (label, key):
                index.setdefault(header_key(name), col)
    return index


def sheet_spec(sheet_name: str) -> EntitySpec | None:
    wanted = header_key(sheet_name)
    for entity in WORKBOOK_ENTITIES:
        if header_key(SPECS[entity].plural) == wanted:
            return SPECS[entity]
    return None


def is_computed_sheet(sheet_name: str) -> bool:
    return header_key(sheet_name) in {header_key(n) for n in (README_SHEET, SUMMARY_SHEET, LISTS_SHEET)}


def normal_text(text: str) -> str:
    """Text as the column parser stores it (single spaces), for comparisons."""
    return " ".join(clean_cell_text(text).split())


# --- Canonical values: comparing and fingerprinting ----------------------------------------------------------


_CANON = {
    type(None): lambda v: "",
    bool: lambda v: "1" if v else "0",
    int: str,
    Decimal: lambda v: f"{v.quantize(Decimal('0.01')):f}",
    date: date.isoformat,
    datetime: lambda v: v.isoformat(timespec="seconds"),
    str: normal_text,
}


def canon(value: Any) -> str:
    """One spelling per value, whatever its Python type came from (a database, a cell, LibreOffice)."""
    fast = _CANON.get(value.__class__)
    if fast is not None:
        return fast(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return normal_text(value)
    return str(value)


def export_time(moment: datetime) -> datetime:
    """The time of an export as written in its workbook: to the millisecond (what a cell keeps), rounded down,
    so that every change made after it is seen as such when the workbook comes back."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def ceil_millisecond(moment: datetime) -> datetime:
    """A modification time as exchanged: to the millisecond (what a cell keeps), rounded up, so that a change
    made in the millisecond of an export still counts as made after it (never a lost update; at worst a
    conflict to settle)."""
    ms, rest = divmod(moment.microsecond, 1000)
    whole = moment.replace(microsecond=ms * 1000)
    return whole + timedelta(milliseconds=1) if rest else whole


def fingerprint(pairs: Iterable[tuple[str, str]]) -> str:
    """A short digest of a row's canonical values: equal at export and at import unless a cell was edited."""
    return fingerprint_of_sorted(f"{k}={v}" for k, v in sorted(pairs))


def fingerprint_of_sorted(parts: Iterable[str]) -> str:
    """`fingerprint` of « key=value » parts already in key order (the export sorts its keys once per sheet)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()


# --- Texts that name a referenced record -------------------------------------------------------------------


def commune_text(name: str, insee: str) -> str:
    """« Lens (INSEE 62498) »: a bare « (62498) » reads as a postcode, which it is not (Lens's is 62300)."""
    return f"{name} (INSEE {insee})"


def cite_text(name: str, commune: str) -> str:
    return f"{name}, {commune}"


def operation_text(name: str, cite: str) -> str:
    return f"{name} / {cite}"


def company_text(name: str, siret: str) -> str:
    return f"{name} ({siret})"


def marche_text(reference: str, operation: str) -> str:
    return f"{reference} / {operation}"


def lot_text(number: str, marche: str) -> str:
    return f"Lot {number} / {marche}"


def beneficiary_text(last: str | None, first: str | None, birth: date | None, pseudonym: str | None) -> str:
    if last and first and birth:
        return f"{last} {first} ({format_date(birth)})"
    return pseudonym or ""


def contract_text(beneficiary: str, siret: str, operation: str, start: date) -> str:
    return f"{beneficiary} / {siret} / {operation} / {format_date(start)}"


def derived_pseudonym(record_uuid: str) -> str:
    """The pseudonym of a person in anonymous workbooks when none is stored: stable, and no identity in it."""
    return "B-" + record_uuid.replace("-", "")[:12].upper()
