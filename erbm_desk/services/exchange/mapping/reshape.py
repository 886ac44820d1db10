"""The records of someone's file written as the exchange workbook's own sheets — one row per record, references
by identifier — for the exchange's planner to check, match and classify exactly as it does our workbooks.

A record of the base keeps what the file does not say: a required column the file lacks is filled with the
base's value, and so is an identity field the file spells otherwise (« durand » for « DURAND ») or that the user
matched by hand with another record. Row numbers are positions in `origins`, which points back at the file.

A person's criteria, prescriber and exit go in the person's sheet as the columns of version 1 (fields.py), which
the planner makes a check at entry into the clause and an exit (format_v1.py); a person whose rows say nothing of
such a column has `NOT_GIVEN` there, so that what the base says stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES, Kind
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.format_v1 import NOT_GIVEN
from erbm_desk.services.exchange.mapping.cells import Commune
from erbm_desk.services.exchange.mapping.fields import targets
from erbm_desk.services.exchange.mapping.groups import Group
from erbm_desk.services.exchange.mapping.records import Records
from erbm_desk.services.exchange.reader import Header, RawSheet
from erbm_desk.services.exchange.sheet_format import Role, SheetColumn
from erbm_desk.services.exchange.snapshot import folded


@dataclass
class Reshaped:
    sheets: list[tuple[str, RawSheet]] = field(default_factory=list)
    origins: dict[str, list[Group]] = field(default_factory=dict)  # sheet name -> its groups, row n at n - 1
    entity_of_sheet: dict[str, str] = field(default_factory=dict)


def reshape(records: Records) -> Reshaped:
    out = Reshaped()
    for entity in WORKBOOK_ENTITIES:
        groups = [g for g in records.groups.get(entity, ()) if g.from_file]
        if not groups:
            continue
        name = SPECS[entity].plural
        out.sheets.append((entity, _sheet(records, entity, name, groups)))
        out.origins[name] = groups
        out.entity_of_sheet[name] = entity
    return out


def _sheet(records: Records, entity: str, name: str, groups: list[Group]) -> RawSheet:
    spec = SPECS[entity]
    given = set().union(*(g.covered for g in groups))
    keys = [c.key for c in spec.columns if c.key in given or c.required]
    columns: list[tuple[int, SheetColumn]] = [(0, SheetColumn("uuid", fmt.ID_LABEL, Role.ID))]
    plan: list[tuple[str, str]] = []  # (key, "value" | "ref-text" | "ref-id")
    for key in keys:
        column = spec.column(key)
        columns.append((len(columns), SheetColumn(key, column.label, Role.FIELD, column)))
        if column.kind is Kind.REF and column.ref in fmt.RECORD_REFS:
            plan.append((key, "ref-text"))
            columns.append((len(columns), SheetColumn(f"{key}#id", fmt.ref_id_label(column), Role.REF_ID, column)))
            plan.append((key, "ref-id"))
        else:
            plan.append((key, "value"))
    for key in _legacy_keys(entity, given):
        column = targets()[f"{entity}.{key}"].column
        columns.append((len(columns), SheetColumn(f"legacy:{key}", column.label, Role.LEGACY, column)))
        plan.append((key, "legacy"))
    header = Header(0, columns)
    rows = _rows(records, entity, groups, plan)
    return RawSheet(name, 1, header, rows)


def _rows(records: Records, entity: str, groups: list[Group],
          plan: list[tuple[str, str]]) -> Iterator[tuple[int, list]]:
    spec = SPECS[entity]
    identity = set(spec.natural_key) | {p for p in spec.naming.parts}
    db_rows = records.db.rows(entity) if any(g.db_id is not None for g in groups) else {}
    for n, g in enumerate(groups, start=1):
        record = db_rows.get(g.db_id) if g.db_id is not None else None
        cells: list[Any] = [g.uuid if record is None else record["uuid"]]
        for key, what in plan:
            if what == "legacy":
                cells.append(g.fields.get(key) if key in g.covered else NOT_GIVEN)
                continue
            value = g.fields.get(key)
            if record is not None and (key not in g.covered or
                                       key in identity and (g.chosen or _same_text(value, record[key]))):
                value = _from_base(records, spec.column(key), record[key])
            if what == "ref-text":
                cells.append(None)
            elif what == "ref-id":
                cells.append(_uuid_of(records, spec.column(key).ref, value))
            else:
                cells.append(_cell(records, value))
        yield n, cells


def _legacy_keys(entity: str, given: set[str]) -> list[str]:
    """The person's version-1 columns the file gives, in the order of the targets."""
    return [t.key for t in targets().values() if t.legacy and t.entity == entity and t.key in given]


def _same_text(value: Any, stored: Any) -> bool:
    return isinstance(value, str) and isinstance(stored, str) and folded(value) == folded(stored)


def _from_base(records: Records, column, stored: Any) -> Any:
    if stored is None or column.kind is not Kind.REF:
        return stored
    if column.ref == "commune":
        return Commune(stored)
    if column.ref == "bailleur":
        return records.db.bailleur_names[stored]
    return records.db_group(column.ref, stored)


def _uuid_of(records: Records, entity: str, value: Any) -> str | None:
    if isinstance(value, Group):
        return value.uuid
    return None


def _cell(records: Records, value: Any) -> Any:
    if isinstance(value, Commune):
        insee, name = records.db.commune_rows[value.id]
        return fmt.commune_text(name, insee)
    return value
