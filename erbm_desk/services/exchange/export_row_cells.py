"""The cells of an entity sheet's rows, from the rows `export_selection` reads: typed values, the texts naming
referenced records (and their hidden identifiers), the modification time and the row's fingerprint."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Commune
from erbm_desk.domain import rules
from erbm_desk.domain.entities import Kind
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.export_selection import row_keys
from erbm_desk.services.exchange.sheet_format import Role
from erbm_desk.services.exchange.sheetwriter import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    MONTH_FORMAT,
    SheetWriter,
    Styled,
    excel_serial,
)


class RecordTexts:
    """Texts and identifiers of the records already written, for the reference columns of later sheets."""

    def __init__(self, session: Session, anonymous: bool):
        self.anonymous = anonymous
        self.siret: dict[int, str] = {}
        self.commune = {cid: (fmt.commune_text(name, insee), insee)
                        for cid, name, insee in session.execute(select(Commune.id, Commune.name, Commune.insee_code))}
        self.bailleur = {bid: (name, name) for bid, name in session.execute(select(Bailleur.id, Bailleur.name))}
        self.by_entity: dict[str, dict[int, tuple[str, str]]] = {e: {} for e in fmt.RECORD_REFS}

    def get(self, entity: str, record_id: int | None) -> tuple[str, str] | None:
        if record_id is None:
            return None
        return self.table(entity)[record_id]

    def table(self, entity: str) -> dict[int, tuple[str, str]]:
        """Record id -> (text naming it, identifier) for `entity` (filled as its sheet is written)."""
        if entity == "commune":
            return self.commune
        if entity == "bailleur":
            return self.bailleur
        return self.by_entity[entity]


class RowCells:
    """The cells of one entity's rows, from database rows (tuples in `_select`'s order): each column's
    conversion is chosen once per sheet, not once per cell. Dates, months, amounts and modification times are
    plain numbers (dates as `excel_serial`), made dates and amounts by their column's format (`looks`, given to
    `SheetWriter.set_widths`): no format object per cell, XlsxWriter's quickest path for each of them."""

    def __init__(self, writer: SheetWriter, entity: str, columns, refs: RecordTexts, births: dict, anonymous: bool):
        self.writer, self.entity, self.refs, self.births, self.anonymous = writer, entity, refs, births, anonymous
        self.keys = row_keys(entity)
        at = {k: i for i, k in enumerate(self.keys)}
        self.i_id, self.i_uuid, self.i_updated = at["id"], at["uuid"], at["updated_at"]
        self.i_start = at.get("start_date")
        self.i_ben = at.get("beneficiary_id")
        self.steps = []
        self.looks: list[str | None] = []
        fingerprinted: list[str] = []  # the keys of the fingerprint's values, in the order `cells` makes them
        for col in columns:
            c = col.column
            look = None
            if col.role is Role.FIELD:
                kind = "ref" if c.kind is Kind.REF else ("band" if entity == "contract" and c.key == "age_band"
                                                         and anonymous else c.kind.value)
                extra = refs.table(c.ref) if c.kind is Kind.REF else (
                    {m: m.label for m in c.choices} if c.choices else None)
                look = _FORMATS.get(kind)
                if kind in _MEMOISED:
                    extra = {}  # value -> (cell, canonical text): dates, months and amounts repeat
                self.steps.append((_CODES[kind], at[c.key], c.key, extra))
                fingerprinted.append(c.key)
            elif col.role is Role.REF_ID:
                self.steps.append((_REF_ID, at[c.key], c.key, refs.table(c.ref)))
            else:
                if col.role is Role.UPDATED:
                    look = DATETIME_FORMAT
                elif col.role is Role.PSEUDONYM:
                    fingerprinted.append("pseudonym")
                self.steps.append((_CODES[col.role.value], at.get(col.key), col.key, None))
            self.looks.append(look)
        self.updated_index = [c.role for c in columns].index(Role.UPDATED)
        self.own = refs.by_entity.get(entity)
        # The fingerprint is fmt.fingerprint of (key, value) pairs, sorted; the keys are distinct and the same on
        # every row, so the sorting is done once here and each row only joins its values in that order.
        self.fp_order = sorted(range(len(fingerprinted)), key=fingerprinted.__getitem__)
        self.fp_prefixes = [f"{fingerprinted[i]}=" for i in self.fp_order]

    def widths_of(self, columns, first: list[list]) -> list[int]:
        """Widths that fit the header and the first rows (`first`, as `cells` made them; a date as long as it is
        shown, not as its number): at least the spec's, at most 60 characters."""
        widths = []
        for i, (col, look) in enumerate(zip(columns, self.looks)):
            if look in _SHOWN_LENGTH:
                longest = max((_SHOWN_LENGTH[look] for r in first if r[i] is not None), default=0)
            else:
                longest = max((_shown_length(r[i]) for r in first), default=0)
            header = max(len(word) for word in col.label.split())  # the header wraps on spaces
            widths.append(min(max(col.width, longest + 2, header + 3), 60))
        return widths

    def cells(self, row) -> list:
        text, canon = self.writer.text, fmt.canon
        cells: list = []
        canonical: list[str] = []
        updated_at: datetime = row[self.i_updated]
        for code, i, key, extra in self.steps:
            value = row[i] if i is not None else None
            if code == _TEXT:
                cells.append(None if value is None else text(value))
                canonical.append(canon(value))
            elif code == _REF:
                ref = None if value is None else extra[value]
                cells.append(text(ref[0]) if ref else None)
                canonical.append(ref[1] if ref else "")
            elif code == _REF_ID:
                ref = None if value is None else extra[value]
                cells.append(ref[1] if ref else None)
            elif code == _ENUM:
                cells.append(None if value is None else extra[value])
                canonical.append("" if value is None else value.value)
            elif code == _MEMO:
                done = extra.get(value)
                if done is None:
                    done = (value if value is None or value.__class__ is Decimal else excel_serial(value),
                            canon(value))
                    if len(extra) < MEMO_SIZE:
                        extra[value] = done
                cells.append(done[0])
                canonical.append(done[1])
            elif code == _NUMBER:
                cells.append(value)
                canonical.append(canon(value))
            elif code == _BOOL:
                cells.append(None if value is None else ("Oui" if value else "Non"))
                canonical.append(canon(value))
            elif code == _BAND:
                birth, ben_updated = self.births[row[self.i_ben]]
                if birth is not None:
                    value = rules.age_band(birth, row[self.i_start])
                    updated_at = max(updated_at, ben_updated)
                cells.append(None if value is None else extra[value])
                canonical.append("" if value is None else value.value)
            elif code == _ID:
                cells.append(value)
            elif code == _PSEUDONYM:
                if self.anonymous and not value:
                    value = fmt.derived_pseudonym(row[self.i_uuid])
                cells.append(text(value))
                canonical.append(canon(value))
            elif code == _UPDATED:
                cells.append(None)  # below: an anonymous contract may take its person's time
            else:
                cells.append(self._fingerprint(canonical))
        cells[self.updated_index] = excel_serial(fmt.ceil_millisecond(updated_at))
        if self.own is not None or self.entity == "beneficiary":
            values = dict(zip(self.keys, row))
            if self.own is not None:
                self.own[values["id"]] = (_ref_text(self.entity, values, refs=self.refs), values["uuid"])
            if self.entity == "beneficiary":
                self.births[values["id"]] = (values["birth_date"], updated_at)
        return cells

    def _fingerprint(self, canonical: list[str]) -> str:
        """fmt.fingerprint of this row's (key, canonical value) pairs, without sorting them again."""
        return fmt.fingerprint_of_sorted([prefix + canonical[i] for prefix, i in zip(self.fp_prefixes, self.fp_order)])


MEMO_SIZE = 50_000  # distinct values remembered per column
_FORMATS = {"date": DATE_FORMAT, "month": MONTH_FORMAT, "money": MONEY_FORMAT}
_MEMOISED = frozenset(_FORMATS)
_SHOWN_LENGTH = {DATE_FORMAT: 10, MONTH_FORMAT: 10, DATETIME_FORMAT: 19}  # as export.fit_widths measured them
_TEXT, _REF, _REF_ID, _ENUM, _MEMO, _NUMBER, _BOOL, _BAND, _ID, _PSEUDONYM, _UPDATED, _FINGERPRINT = range(12)
_CODES = {"text": _TEXT, "ref": _REF, "enum": _ENUM, "date": _MEMO, "month": _MEMO, "money": _MEMO,
          "int": _NUMBER, "decimal": _NUMBER, "bool": _BOOL, "band": _BAND, "id": _ID, "pseudonym": _PSEUDONYM,
          "updated": _UPDATED, "fingerprint": _FINGERPRINT}


def _shown_length(cell: Any) -> int:
    value = cell.value if isinstance(cell, Styled) else cell
    if value is None:
        return 0
    return len(str(value))


def _ref_text(entity: str, v, refs: RecordTexts) -> str:
    if entity == "cite":
        return fmt.cite_text(v["name"], refs.commune[v["commune_id"]][0])
    if entity == "operation":
        return fmt.operation_text(v["name"], refs.by_entity["cite"][v["cite_id"]][0])
    if entity == "company":
        refs.siret[v["id"]] = v["siret"]
        return fmt.company_text(v["name"], v["siret"])
    if entity == "marche":
        return fmt.marche_text(v["reference"], refs.by_entity["operation"][v["operation_id"]][0])
    if entity == "lot":
        return fmt.lot_text(v["number"], refs.by_entity["marche"][v["marche_id"]][0])
    if entity == "beneficiary":
        pseudonym = v["pseudonym"] or fmt.derived_pseudonym(v["uuid"])
        if refs.anonymous:
            return pseudonym
        return fmt.beneficiary_text(v["last_name"], v["first_name"], v["birth_date"], pseudonym)
    return fmt.contract_text(
        refs.by_entity["beneficiary"][v["beneficiary_id"]][0], refs.siret[v["company_id"]],
        refs.by_entity["operation"][v["operation_id"]][0], v["start_date"])
