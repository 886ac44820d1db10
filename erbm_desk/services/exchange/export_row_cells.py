"""The cells of an entity sheet's rows, from the rows `export_selection` reads: typed values, the texts naming
referenced records (and their hidden identifiers), the modification time and the row's fingerprint."""

from __future__ import annotations

from datetime import datetime

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
        if entity == "commune":
            return self.commune[record_id]
        if entity == "bailleur":
            return self.bailleur[record_id]
        return self.by_entity[entity][record_id]


class RowCells:
    """The cells of one entity's rows, from database rows (tuples in `_select`'s order): each column's
    conversion is chosen once per sheet, not once per cell."""

    def __init__(self, writer: SheetWriter, entity: str, columns, refs: RecordTexts, births: dict, anonymous: bool):
        self.writer, self.entity, self.refs, self.births, self.anonymous = writer, entity, refs, births, anonymous
        self.keys = row_keys(entity)
        at = {k: i for i, k in enumerate(self.keys)}
        self.i_id, self.i_uuid, self.i_updated = at["id"], at["uuid"], at["updated_at"]
        self.i_start = at.get("start_date")
        self.i_ben = at.get("beneficiary_id")
        self.steps = []
        for col in columns:
            c = col.column
            if col.role is Role.FIELD:
                kind = "ref" if c.kind is Kind.REF else ("band" if entity == "contract" and c.key == "age_band"
                                                         and anonymous else c.kind.value)
                extra = c.ref if c.kind is Kind.REF else ({m: m.label for m in c.choices} if c.choices else None)
                self.steps.append((kind, at[c.key], c.key, extra))
            elif col.role is Role.REF_ID:
                self.steps.append(("ref_id", at[c.key], c.key, c.ref))
            else:
                self.steps.append((col.role.value, at.get(col.key), col.key, None))
        self.updated_index = [c.role for c in columns].index(Role.UPDATED)
        self.own = refs.by_entity.get(entity)

    def cells(self, row) -> list:
        writer, refs, canon = self.writer, self.refs, fmt.canon
        cells: list = []
        pairs: list[tuple[str, str]] = []
        updated_at: datetime = row[self.i_updated]
        for kind, i, key, extra in self.steps:
            value = row[i] if i is not None else None
            if kind == "text":
                cells.append(None if value is None else writer.text(value))
                pairs.append((key, canon(value)))
            elif kind == "ref":
                ref = None if value is None else refs.get(extra, value)
                cells.append(writer.text(ref[0]) if ref else None)
                pairs.append((key, ref[1] if ref else ""))
            elif kind == "ref_id":
                ref = None if value is None else refs.get(extra, value)
                cells.append(ref[1] if ref else None)
            elif kind == "enum":
                cells.append(None if value is None else extra[value])
                pairs.append((key, "" if value is None else value.value))
            elif kind in ("int", "decimal"):
                cells.append(value)
                pairs.append((key, canon(value)))
            elif kind in ("date", "month", "money"):
                cells.append(writer.styled(value, _FORMATS[kind]))
                pairs.append((key, canon(value)))
            elif kind == "bool":
                cells.append(None if value is None else ("Oui" if value else "Non"))
                pairs.append((key, canon(value)))
            elif kind == "band":
                birth, ben_updated = self.births[row[self.i_ben]]
                if birth is not None:
                    value = rules.age_band(birth, row[self.i_start])
                    updated_at = max(updated_at, ben_updated)
                cells.append(None if value is None else extra[value])
                pairs.append((key, "" if value is None else value.value))
            elif kind == "id":
                cells.append(value)
            elif kind == "pseudonym":
                if self.anonymous and not value:
                    value = fmt.derived_pseudonym(row[self.i_uuid])
                cells.append(writer.text(value))
                pairs.append(("pseudonym", canon(value)))
            elif kind == "updated":
                cells.append(None)  # below: an anonymous contract may take its person's time
            else:
                cells.append(fmt.fingerprint(pairs))
        cells[self.updated_index] = writer.styled(fmt.ceil_millisecond(updated_at), DATETIME_FORMAT)
        if self.own is not None or self.entity == "beneficiary":
            values = dict(zip(self.keys, row))
            if self.own is not None:
                self.own[values["id"]] = (_ref_text(self.entity, values, refs), values["uuid"])
            if self.entity == "beneficiary":
                self.births[values["id"]] = (values["birth_date"], updated_at)
        return cells


_FORMATS = {"date": DATE_FORMAT, "month": MONTH_FORMAT, "money": MONEY_FORMAT}


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
