"""The rows of someone's file grouped into records: each row holds a piece of one or several records (a person, a
company, an operation and its cité, a contract, the hours of each month), each piece found again wherever the
same record appears — by the entity's natural key, texts compared without case nor accents — and matched with
the base: an existing record, one matched by hand, or « à créer ».

A piece that names a record only in part (a contract sheet giving a person's name and birth date, not the first
name; a company by name without its SIRET) is linked to the one record, of the file or of the base, that fits.
Two pieces of one record that disagree (« F » on one row, « H » on another) are an error on both cells.
"""

from __future__ import annotations

import uuid as uuidlib
from operator import itemgetter
from decimal import Decimal
from enum import Enum
from typing import Any

from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.mapping.cells import CellReader, Unparsed, is_blank, split_full_name
from erbm_desk.services.exchange.mapping.fields import entity_of, field_column, links, target
from erbm_desk.services.exchange.mapping.groups import FAILED, Cell, Group, Issue, token
from erbm_desk.services.exchange.mapping.linking import Linker, _definite, _no, ident_text
from erbm_desk.services.exchange.mapping.model import Mapping
from erbm_desk.services.exchange.mapping.prepare import PreparedSheet, RowKey
from erbm_desk.services.exchange.snapshot import DbSnapshot, natural_key

class Records:
    """Every record of the file, by entity, with the issues found on the way."""

    def __init__(self, db: DbSnapshot, mapping: Mapping):
        self.db = db
        self.mapping = mapping
        self.reader = CellReader(mapping, db)
        self.groups: dict[str, list[Group]] = {}
        self.by_key: dict[str, dict[tuple, Group]] = {}
        self.by_db: dict[str, dict[int, Group]] = {}
        self.issues: list[Issue] = []
        self.row_groups: dict[RowKey, dict[str, Any]] = {}
        self.linker = Linker(self)
        self._plans: dict[tuple[str, str], tuple] = {}

    # --- the whole file ------------------------------------------------------------------------------------

    def read(self, sheets: list[PreparedSheet]) -> None:
        order = [e for e in SPECS if any(e in s.entities for s in sheets)]
        for entity in order:
            partial: list[tuple[PreparedSheet, int, tuple]] = []
            for sheet in sheets:
                if entity not in sheet.entities:
                    continue
                if entity == "hours_entry" and sheet.months:
                    self._month_columns(sheet)
                    continue
                # Rows that repeat a record (a company on every row of its contracts) give the same piece: read
                # once per distinct cells and references.
                own = [j for j, _key, _code in sheet.fields.get(entity, ())]
                width = max(own, default=-1) + 1
                own_cells = itemgetter(*own) if own else (lambda cells: None)
                refs = [ref for _key, ref, _required in links(entity)]
                seen: dict[tuple, Group] = {}
                row_groups = self.row_groups
                name = sheet.name
                for rownum, cells in sheet.rows:
                    row = row_groups.get((name, rownum))
                    if row is None:
                        row = row_groups[(name, rownum)] = {}
                    if len(cells) < width:
                        cells = list(cells) + [None] * (width - len(cells))
                    same = (own_cells(cells), *[id(row.get(ref)) for ref in refs])
                    group = seen.get(same)
                    if group is not None:
                        group.rows += 1
                        row[entity] = group
                        continue
                    piece = self._piece(entity, sheet, rownum, cells, row)
                    if piece is None or piece is FAILED:
                        row[entity] = piece
                        continue
                    key = natural_key(entity, piece[0], token)
                    if key is None:
                        partial.append((sheet, rownum, piece))
                    else:
                        row[entity] = seen[same] = self._add(entity, key, piece, Cell(name, rownum))
            self._apply_matches(entity)
            for sheet, rownum, piece in partial:
                found = self.linker.link(entity, piece[0], Cell(sheet.name, rownum), sheet)
                self.row_groups[(sheet.name, rownum)][entity] = found
                if isinstance(found, Group):
                    self._merge(found, *piece)
        for entity, groups in self.groups.items():
            if entity not in fmt.RECORD_REFS:
                continue  # never referred to (hours, fundings): matched by their natural key
            for g in groups:
                if g.uuid is None:
                    g.uuid = self.db.rows(entity)[g.db_id]["uuid"] if g.db_id is not None else str(uuidlib.uuid4())

    # --- pieces of a row -----------------------------------------------------------------------------------

    def _piece(self, entity: str, sheet: PreparedSheet, rownum: int, cells: list, row: dict) -> Any:
        """(values, cells, columns given) of `entity` on this row; None when the row has none; FAILED when it
        cannot be read."""
        own, base_covered, constants, refs, key_parts = self._plan(entity, sheet)
        values: dict[str, Any] = {}
        where: dict[str, Cell] = {}
        n = len(cells)
        value = self.reader.value
        name = sheet.name
        for j, key, code in own:
            raw = cells[j] if j < n else None
            if raw is None or raw.__class__ is str and (not raw or raw.isspace()):
                continue
            cell = Cell(name, rownum, j)
            if key == "full_name":
                text = value(code, raw)
                parts = split_full_name(text)
                if parts is None:
                    self.issue(cell, f"« {text} » : nom et prénom attendus (ex. « DURAND Léa »).", entity)
                    return FAILED
                for k, part in zip(("last_name", "first_name"), parts):
                    if k not in values:
                        values[k], where[k] = part, cell
                continue
            values[key] = value(code, raw)
            where[key] = cell
        if own and not values:
            return None
        for key, code, text in constants:
            if key not in values:
                values[key] = value(code, text)
        covered = base_covered
        for key, ref, required in refs:
            linked = row.get(ref)
            if linked is FAILED:
                return FAILED
            if linked is None:
                linked = self.fixed_record(ref)
            if linked is None:
                if not required:
                    continue
                if not own:
                    return None  # nothing of this entity on the row
                self.issue(Cell(name, rownum), self._missing(entity, ref), entity)
                return FAILED
            values[key] = linked
            if key not in covered:
                covered = covered | {key}
        if not own and not values:
            return None
        for key in key_parts:
            if values.get(key).__class__ is Unparsed:
                column = field_column(entity, key)
                self.issue(where[key], self._unreadable(column, values[key]), entity)
                return FAILED
        return values, where, covered

    def _plan(self, entity: str, sheet: PreparedSheet) -> tuple:
        """How `_piece` reads `entity` from the rows of `sheet` (worked out once per sheet)."""
        found = self._plans.get((sheet.name, entity))
        if found is None:
            own = tuple(sheet.fields.get(entity, ()))
            covered = {k for _, key, _ in own
                       for k in (("last_name", "first_name") if key == "full_name" else (key,))}
            given = {**sheet.constants, **self.mapping.constants}  # a value typed for all rows wins
            constants = tuple((target(code).key, code, text) for code, text in given.items()
                              if entity_of(code) == entity)
            covered |= {key for key, _code, _text in constants}
            refs = links(entity)
            # A missing required reference fails the piece; an optional one is emptied only when the sheet gives
            # its record (a contract's lot: a file without lots leaves each contract on its lot of the base).
            covered |= {key for key, ref, required in refs
                        if required or ref in sheet.entities or ref in self.mapping.records}
            found = self._plans[(sheet.name, entity)] = (own, frozenset(covered), constants, refs,
                                                          SPECS[entity].natural_key)
        return found

    def _month_columns(self, sheet: PreparedSheet) -> None:
        """Hours of the month columns: one record per contract and month with hours (a blank or zero cell: none)."""
        for rownum, cells in sheet.rows:
            row = self.row_groups.setdefault((sheet.name, rownum), {})
            contract = row.get("contract")
            n = len(cells)
            for j, header in sheet.months:
                raw = cells[j] if j < n else None
                if is_blank(raw) or _is_zero(raw):
                    continue
                cell = Cell(sheet.name, rownum, j)
                if contract is FAILED:
                    break
                if contract is None:
                    self.issue(Cell(sheet.name, rownum), "des heures sans contrat sur cette ligne (bénéficiaire, "
                               "entreprise ou opération manquant).", "hours_entry")
                    break
                month = sheet.month_of(header, cells, j)
                if month is None:
                    self.issue(cell, "l'année de cette colonne de mois est inconnue : indiquez-la dans la "
                               "correspondance des colonnes.", "hours_entry")
                    continue
                values = {"contract_id": contract, "month": month,
                          "hours": self.reader.value("hours_entry.hours", raw)}
                piece = (values, {"hours": cell, "month": cell}, {"contract_id", "month", "hours"})
                self._add("hours_entry", natural_key("hours_entry", values, token), piece, cell)

    # --- records -------------------------------------------------------------------------------------------

    def _add(self, entity: str, key: tuple, piece: tuple, first: Cell) -> Group:
        values = piece[0]
        index = self.by_key.setdefault(entity, {})
        group = index.get(key)
        if group is None:
            db_id = None
            if not any(isinstance(p, tuple) and p and p[0] == "new" for p in key):
                db_id = self.db.by_key(entity).get(key)
            if db_id is not None and db_id in self.by_db.get(entity, {}):
                group = self.by_db[entity][db_id]
                index[key] = group
            else:
                group = Group(entity, key, first=first, db_id=db_id)
                if entity in fmt.RECORD_REFS:  # what a mapping may match by hand, or a dependent's identity
                    group.ident = ident_text(entity, values, self.db)
                index[key] = group
                self.groups.setdefault(entity, []).append(group)
                if db_id is not None:
                    self.by_db.setdefault(entity, {})[db_id] = group
        self._merge(group, *piece)
        if group.first is None:
            group.first = first
        return group

    def _merge(self, group: Group, values: dict, where: dict, covered: set[str]) -> None:
        if not group.rows and not group.fields:  # a new record: its first piece as it is
            group.rows = 1
            group.fields, group.cells, group.covered = values, dict(where), set(covered)
            return
        group.rows += 1
        group.covered |= covered
        for key, value in values.items():
            old = group.fields.get(key)
            if old is None:
                group.fields[key] = value
                if key in where:
                    group.cells[key] = where[key]
                continue
            if _same(old, value) or key not in where:
                continue
            column = field_column(group.entity, key)
            before = group.cells.get(key)
            there = f"ligne {before.row}" if before else "ailleurs"
            self.issue(where[key], f"« {column.label} » : « {_shown(column, value)} » ici, mais « "
                       f"{_shown(column, old)} » {there} pour {_the(group.entity)}.", group.entity)

    def _apply_matches(self, entity: str) -> None:
        """Records of the file matched by hand with a record of the base (saved with the mapping)."""
        chosen = self.mapping.matches.get(entity, {})
        if not chosen:
            return
        by_uuid = self.db.by_uuid(entity)
        for group in list(self.groups.get(entity, ())):
            if group.db_id is not None:
                continue
            db_id = by_uuid.get(chosen.get(group.ident, ""))
            if db_id is None:
                continue
            twin = self.by_db.setdefault(entity, {}).get(db_id)
            if twin is not None:  # two spellings in the file, both this record: one record
                self._fold_into(group, twin)
                continue
            group.db_id, group.chosen = db_id, True
            self.by_db[entity][db_id] = group

    def _fold_into(self, group: Group, twin: Group) -> None:
        self.groups[group.entity].remove(group)
        for key, g in list(self.by_key[group.entity].items()):
            if g is group:
                self.by_key[group.entity][key] = twin
        for row in self.row_groups.values():
            if row.get(group.entity) is group:
                row[group.entity] = twin
        self._merge(twin, group.fields, group.cells, group.covered)

    def db_group(self, entity: str, db_id: int) -> Group:
        """The group of a record of the base reached from the file (created on first use)."""
        index = self.by_db.setdefault(entity, {})
        group = index.get(db_id)
        if group is None:
            record = self.db.rows(entity)[db_id]
            group = index[db_id] = Group(entity, None, db_id=db_id, uuid=record["uuid"])
            self.groups.setdefault(entity, []).append(group)
        return group

    def fixed_record(self, entity: str) -> Group | None:
        """The record of the base the mapping gives every row of the file (« toutes les lignes : ... »)."""
        uuid = self.mapping.records.get(entity)
        db_id = self.db.by_uuid(entity).get(uuid) if uuid else None
        return self.db_group(entity, db_id) if db_id is not None else None

    def issue(self, cell: Cell | None, message: str, entity: str | None = None) -> None:
        self.issues.append(Issue(cell, message, entity))

    # --- messages ------------------------------------------------------------------------------------------

    @staticmethod
    def _missing(entity: str, ref: str) -> str:
        return f"{_no(ref).capitalize()} sur cette ligne : {_definite(entity)} ne peut pas y être rattaché(e)."

    @staticmethod
    def _unreadable(column, raw: str) -> str:
        if column.kind is Kind.REF and column.ref == "commune":
            return f"« {column.label} » : commune inconnue « {raw} » (nom ou code INSEE du territoire ERBM)."
        try:
            column.parse(raw)
        except ValueError as exc:
            return str(exc)
        return f"« {column.label} » : « {raw} » illisible."


def _is_zero(raw: Any) -> bool:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw == 0
    return isinstance(raw, str) and raw.strip() in ("0", "0,0", "0,00", "0.0", "-")


def _same(a: Any, b: Any) -> bool:
    if a is b or a == b:
        return True
    if isinstance(a, Group) or isinstance(b, Group):
        return False
    return fmt.canon(a) == fmt.canon(b) or (isinstance(a, str) and isinstance(b, str) and
                                            fmt.header_key(a) == fmt.header_key(b))


def _shown(column, value: Any) -> str:
    if isinstance(value, Enum):
        return value.label if hasattr(value, "label") else str(value.value)
    if isinstance(value, (Unparsed, str)) or column.kind is Kind.REF:
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and column.kind is Kind.DECIMAL:
        value = Decimal(str(value))
    try:
        return column.format(value)
    except (ValueError, TypeError, KeyError):
        return str(value)


def _the(entity: str) -> str:
    noun = SPECS[entity].noun
    article = "la même" if noun.feminine else "le même"
    return f"{article} {noun.one}"
