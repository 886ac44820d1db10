"""Reading and checking a whole workbook before anything is written: the import preview.

Each row is parsed with its column's spec, its references resolved (by identifier, else by the text naming the
record: in the workbook first, then in the database), matched with a record (identifier, else natural key),
checked with every rule a form obeys, and classified: new, changed, unchanged, kept (changed here since the last
exchange, not at the source) or conflict (changed on both sides: the user picks). Nothing is written here.

The planner's parts: plan_references.py (references), plan_matching.py (matching a record), plan_cross_checks.py
(rules across records), merge.py (classifying a matched row); model.py holds what a plan is made of.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from erbm_desk.domain.french import agree, count_agreed
from erbm_desk.db.models import utcnow
from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES
from erbm_desk.domain.validation import record_problems
from erbm_desk.services.exchange import releve
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.paused_gc import paused_gc
from erbm_desk.services.exchange.cells import (
    cell_as_text,
    label_at,
    parser as _parser,
    pseudonym,
    shown,
    uuid_text as _uuid,
)
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.uncached_formulas import NOTICE as UNCACHED_NOTICE
from erbm_desk.services.exchange.uncached_formulas import cells_in_columns, uncached_formula_cells
from erbm_desk.services.exchange.format_v1 import LegacyRows
from erbm_desk.services.exchange.merge import Merging
from erbm_desk.services.exchange.model import ImportPlan, Problem, RowPlan, SheetPlan, Status
from erbm_desk.services.exchange.nir import NIR_NOTICE, is_nir_header
from erbm_desk.services.exchange.plan_cross_checks import CrossRecordChecks
from erbm_desk.services.exchange.plan_matching import RowMatching
from erbm_desk.services.exchange.plan_references import ReferenceResolving
from erbm_desk.services.exchange.reader import (
    HEADER_SCAN_ROWS,
    RawSheet,
    is_blank,
    open_checked,
    parse_sheet,
    parse_timestamp,
    read_key_values,
    read_sheet,
)
from erbm_desk.services.exchange.sheet_format import Role
from erbm_desk.services.exchange.site_log import already_imported, baseline
from erbm_desk.services.exchange.snapshot import DbSnapshot, TextIndex, database_token
from erbm_desk.services.exchange.workbook_metadata import readme_metadata
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.security import authz


# --- planning ------------------------------------------------------------------------------------------------


COERCIONS_LISTED = 5  # per column of a sheet; the others are counted in one notice


def _split_parsers(parsers: list[tuple[int, str, str, Any]]) -> tuple:
    """The row loop's parsers: typed values (and pseudonym), one call each; identifiers, references, time and
    fingerprint; the keys in the columns' order; legacy columns; keys whose parser obeys their column's rules."""
    fields = [(j, key, parse if what == "f" else pseudonym) for j, what, key, parse in parsers if what in "fp"]
    others = [(j, what, key) for j, what, key, _ in parsers if what not in "fpl"]
    legacy = [(j, key, parse) for j, what, key, parse in parsers if what == "l"]
    parsed = frozenset(key for _, what, key, _ in parsers if what == "f")
    return fields, others, list(dict.fromkeys(key for _, _, key, _ in parsers)), legacy, parsed


@paused_gc(keep=True)
def plan_import(session: Session, path: str | Path, progress: Progress | None = None) -> ImportPlan:
    """Read, check and classify every row of the workbook (or hours statement) at `path`. Writes nothing.
    Raises ExcelFileError (French) when the file cannot be read at all."""
    progress = progress or NullProgress()
    path = Path(path)
    authz.require(session, authz.DATA_IMPORT)
    progress.start(0, "Vérification du fichier")
    formula_parts: set[str] = set()
    wb, sha256 = open_checked(path, formula_parts)
    try:
        check_cancel(progress)
        names = wb.sheet_names
        releve_sheet = next((n for n in names if fmt.header_key(n) == fmt.header_key(fmt.RELEVE_SHEET)), None)
        if releve_sheet is not None:
            raw, metadata = releve.read_releve_sheet(wb, releve_sheet)
            sheets = [("hours_entry", raw)]
            kind = "relevé"
        else:
            readme = next((n for n in names if fmt.header_key(n) == fmt.header_key(fmt.README_SHEET)), None)
            metadata = readme_metadata(read_key_values(wb, readme)) if readme else {}
            sheets, kind = [], "classeur"
        ctx = _Planner(session, path, sha256, kind, metadata, progress)
        ctx.uncached = uncached_formula_cells(path, formula_parts)
        if releve_sheet is None:
            sheets = ctx.read_entity_sheets(wb, names)
        ctx.run(sheets)
    finally:
        wb.close()
    return ctx.plan


@paused_gc(keep=True)
def plan_sheets(session: Session, path: str | Path, sha256: str, sheets: list[tuple[str, RawSheet]],
                progress: Progress | None = None, db: DbSnapshot | None = None) -> ImportPlan:
    """Check and classify sheets already read into the exchange's columns — a workbook of another layout mapped
    by services/exchange/mapping — with the same checks, matching and classification as `plan_import`.
    Writes nothing."""
    progress = progress or NullProgress()
    authz.require(session, authz.DATA_IMPORT)
    ctx = _Planner(session, Path(path), sha256, "classeur", {}, progress, db)
    ctx.mapped = True
    ctx.run(sheets)
    return ctx.plan


class _Planner(Merging, ReferenceResolving, RowMatching, CrossRecordChecks, LegacyRows):
    """Checks every sheet and row; its parts: merge.py (classifying), plan_references.py, plan_matching.py and
    plan_cross_checks.py."""

    def __init__(self, session: Session, path: Path, sha256: str, kind: str, metadata: dict, progress: Progress,
                 db: DbSnapshot | None = None):
        self.session = session
        self.progress = progress
        self.db = db or DbSnapshot(session)
        base = baseline(session, metadata.get("site"), metadata.get("exported_at"))
        self.plan = ImportPlan(path, sha256, kind, metadata, base, db_token=database_token(session),
                               already_imported=already_imported(session, sha256))
        self.now = utcnow()  # rows dated later (a source clock ahead of ours) are dated now
        self.files: dict[str, TextIndex] = {e: TextIndex() for e in WORKBOOK_ENTITIES}
        self.file_uuids: dict[str, dict[str, RowPlan]] = {e: {} for e in WORKBOOK_ENTITIES}
        self.file_keys: dict[str, dict[tuple, RowPlan]] = {e: {} for e in WORKBOOK_ENTITIES}
        self.sirets: dict[str, RowPlan] = {}
        self.columns = {e: {c.key: c for c in SPECS[e].columns} for e in WORKBOOK_ENTITIES}
        self.kinds = {e: {c.key: c.kind for c in SPECS[e].columns} for e in WORKBOOK_ENTITIES}
        self._maps: dict[str, tuple] = {}
        self.resolved: tuple = (None, {})  # (entity of the sheet checked, its reference cells → (record, message))
        self.coerced: list = []  # the current sheet's cells read as another type (plan_sheet)
        self.uncached: dict[str, set] = {}  # formula cells stored without their result, per sheet
        self.anonymous = bool(metadata.get("anonymous"))
        version = metadata.get("version")
        if version and version > fmt.FORMAT_VERSION:
            raise ExcelFileError(
                f"« {path.name} » est au format d'échange version {version}, plus récent que celui de cette "
                f"application (version {fmt.FORMAT_VERSION}) : mettez ERBM Desk à jour pour l'importer."
            )

    def problem(self, sheet: str, row: int | None, column: str | None, message: str, notice: bool = False,
                key: str | None = None) -> None:
        self.plan.problems.append(Problem(sheet, row, column, message, notice, key))

    # --- sheets --------------------------------------------------------------------------------------------

    def read_entity_sheets(self, wb, names: list[str]) -> list[tuple[str, Any]]:
        """The entity sheets, in the order they are checked, each as a function reading it (the guarded reading's
        child parses them ahead, guarded_reading.py)."""
        candidates: dict[str, list[str]] = {}
        for name in names:
            spec = fmt.sheet_spec(name)
            if spec is None:
                if not fmt.is_computed_sheet(name):
                    self.problem(name, None, None, "feuille inconnue, ignorée.", notice=True)
                continue
            candidates.setdefault(spec.name, []).append(name)
        if not candidates:
            self.no_entity_sheet()
        order = [e for e in WORKBOOK_ENTITIES if e in candidates]
        return [(e, functools.partial(self._first_with_header, wb, e, candidates[e])) for e in order]

    def _first_with_header(self, wb, entity: str, names: list[str]) -> RawSheet | None:
        """The first of the sheets named for `entity` that has a header; notices for the others."""
        found = None
        headless = []  # sheets with content but no header
        for name in names:
            if found is not None:
                self.problem(name, None, None, f"deuxième feuille « {SPECS[entity].plural} », ignorée.",
                             notice=True)
                continue
            sheet = parse_sheet(wb, name)
            found = read_sheet(wb, name, fmt.header_index(SPECS[entity]), sheet=sheet)
            if found is None:
                if getattr(sheet, "start", None) is not None:
                    headless.append(name)
                else:
                    self.problem(name, None, None, "feuille vide, ignorée.", notice=True)
        for name in headless:
            if found is not None:  # another sheet of the same name has a header: this one is set aside
                self.problem(name, None, None, "aucune ligne d'en-tête reconnue : feuille ignorée.", notice=True)
            else:  # never skipped quietly: the rows would be left out of an import that says it succeeded
                self.problem(name, None, None, f"aucune ligne d'en-tête reconnue dans ses {HEADER_SCAN_ROWS} "
                             "premières lignes : la feuille ne peut pas être lue. Placez la ligne des titres de "
                             f"colonnes (« {SPECS[entity].columns[0].label} »…) plus haut.")
        return found

    def no_entity_sheet(self) -> None:
        raise ExcelFileError(
            f"« {self.plan.path.name} » ne contient aucune feuille du format d'échange ERBM Desk "
            f"({', '.join(SPECS[e].plural for e in WORKBOOK_ENTITIES)})."
        )

    def run(self, sheets: list[tuple[str, Any]]) -> None:
        """Check every sheet: (entity, RawSheet, or a function giving it or None)."""
        found = 0
        for entity, raw in sheets:
            if callable(raw):
                raw = raw()
                if raw is None:
                    continue
            found += 1
            self.plan_sheet(entity, raw)
            check_cancel(self.progress)
        if not found:
            self.no_entity_sheet()
        self.check_contract_periods()
        self.legacy_rows()
        for sp in self.plan.sheets.values():
            for rp in sp.rows:
                sp.counts[rp.status] += 1
                if rp.conflict is not None:
                    self.plan.conflicts.append(rp.conflict)

    def plan_sheet(self, entity: str, raw: RawSheet) -> None:
        spec = SPECS[entity]
        header = raw.header
        for j, text in header.unknown:
            if is_nir_header(text):  # a NIR column is dropped with its own notice
                self.problem(raw.name, header.row, f"« {text} » ({raw.letter(j)})",
                             NIR_NOTICE.format(header=text), notice=True)
                continue
            self.problem(raw.name, header.row, f"« {text} » ({raw.letter(j)})", "colonne inconnue, ignorée.",
                         notice=True)
        for j, text in header.duplicates:
            self.problem(raw.name, header.row, f"« {text} » ({raw.letter(j)})", "colonne en double, ignorée.",
                         notice=True)
        present = {c.key for _, c in header.columns}
        ref_present = {c.column.key for _, c in header.columns if c.role is Role.REF_ID}
        anonymous_sheet = entity == "beneficiary" and "pseudonym" in present
        missing = [c.label for c in spec.columns
                   if c.required and c.key not in present and c.key not in ref_present
                   and not (c.personal and anonymous_sheet)]
        sp = SheetPlan(entity, raw.name, present)
        self.plan.sheets[entity] = sp
        if missing:
            self.problem(raw.name, header.row, None,
                         f"{agree(len(missing), 'colonne obligatoire absente', 'colonnes obligatoires absentes')} : "
                         + ", ".join(f"« {m} »" for m in missing) + ".")
            return
        where = {c.key: f"« {label_at(raw, j)} » ({raw.letter(j)})" for j, c in header.columns}
        for c in spec.columns:
            where.setdefault(c.key, f"« {c.label} »")
        for row, column in cells_in_columns(self.uncached.get(raw.name, set()), raw, where):
            self.problem(raw.name, row, column, UNCACHED_NOTICE, notice=True)
        coerced: list[tuple[str, Any, str]] = []  # (column key, cell, value read) of the current row
        self.coerced = coerced
        parsers = _split_parsers([_parser(j, c, coerced) for j, c in header.columns])
        listed: dict[str, int] = {}
        self._maps[entity] = (self.db.by_uuid(entity), self.db.by_key(entity), self.db.rows(entity),
                              self.file_uuids[entity], self.file_keys[entity])
        self.progress.start(0, f"Vérification de la feuille « {raw.name} »")
        count = 0
        # In an hours statement, a line whose hours the company left empty is not an answer: skipped.
        skip_if_blank = next((j for j, c in header.columns if c.key == "hours"), None) \
            if self.plan.kind == "relevé" else None
        for rownum, cells in raw.rows:
            first = cells[0] if cells else None
            if (first is None or first.__class__ is not str or not first or first.isspace()) \
                    and all(is_blank(c) for c in cells):
                continue
            if skip_if_blank is not None and (skip_if_blank >= len(cells) or is_blank(cells[skip_if_blank])):
                continue
            sp.rows.append(self.plan_row(entity, raw.name, rownum, cells, parsers, where))
            if coerced:
                self.report_coerced(raw.name, rownum, coerced, where, listed)
            count += 1
            if count % 2000 == 0:
                self.progress.advance(2000)
                check_cancel(self.progress)
        for key, n in listed.items():
            if n > COERCIONS_LISTED:
                others = count_agreed(n - COERCIONS_LISTED, "autre cellule", "lu", True, "autres cellules")
                self.problem(raw.name, None, where[key], f"et {others} de la même façon.", notice=True)

    def report_coerced(self, sheet: str, rownum: int, coerced: list, where: dict[str, str],
                       listed: dict[str, int]) -> None:
        """Cells read as another type than theirs (a number in a text column, a date's time dropped): said in the
        preview, never done silently."""
        for key, cell, read in coerced:
            listed[key] = listed.get(key, 0) + 1
            if listed[key] <= COERCIONS_LISTED:
                self.problem(sheet, rownum, where[key], f"valeur {shown(cell)} lue comme « {read} ».", notice=True)
        coerced.clear()

    # --- rows ----------------------------------------------------------------------------------------------

    def plan_row(self, entity: str, sheet: str, rownum: int, cells: list, parsers, where) -> RowPlan:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        refs: dict[str, list] = {}
        file_uuid = updated = fp = None
        n = len(cells)
        fields, others, order, legacy, parsed = parsers
        for j, key, parse in fields:  # most cells: one call to the column's parser
            raw = cells[j] if j < n else None
            if raw.__class__ is str and (not raw or raw.isspace()):
                raw = None
            try:
                values[key] = parse(raw)
            except ValueError as exc:
                errors[key] = str(exc)
        late = False
        for j, what, key in others:
            raw = cells[j] if j < n else None
            if raw is None or (raw.__class__ is str and (not raw or raw.isspace())):
                raw = None
            try:
                if what == "r":
                    refs.setdefault(key, [None, None])[0] = "" if raw is None else (
                        raw.strip() if raw.__class__ is str else self.ref_text(entity, key, raw))
                elif what == "i":
                    refs.setdefault(key, [None, None])[1] = None if raw is None else _uuid(raw)
                elif what == "u":
                    file_uuid = None if raw is None else _uuid(raw)
                elif what == "t":
                    updated = None if raw is None else parse_timestamp(raw, exact=True)
                else:
                    fp = None if raw is None else str(raw).strip()
            except ValueError as exc:
                errors[key] = str(exc)
                late = True
        if late and len(errors) > 1:  # reported in the order of the columns
            errors = {k: errors[k] for k in order if k in errors}
        for key, (text, ref_uuid) in refs.items():
            if key in errors:
                continue
            if not text and ref_uuid is None:
                values[key] = None
                continue
            target, message = self.resolve_in_sheet(entity, key, text, ref_uuid)
            if message:
                errors[key] = message
            else:
                values[key] = target
                if text == "" and not self.mapped:
                    self.linked_by_identifier(self.columns[entity][key], target, sheet, rownum)
        if entity == "company" and values.get("siret"):
            values["siret"] = rules.normalise_siret(values["siret"])
        rp = RowPlan(entity, rownum, file_uuid, values, {}, file_updated_at=updated)
        if legacy:
            rp.legacy = self.legacy_values(cells, legacy, errors)
        self.match(rp, errors)
        if rp.db_id is not None:
            final = dict(self.db.rows(entity)[rp.db_id])
            final.update(values)
        else:
            final = values  # a new record: nothing else to know (and one dict less per row)
        rp.final = final
        for key, message in record_problems(entity, final, parsed).items():
            errors.setdefault(key, message)
        if entity == "hours_entry" and not errors:
            self.check_month(rp, errors)
        if entity == "contract" and "age_band" in values and not errors:
            self.check_age_band(rp, errors)
        if SPECS[entity].agreements and not errors:
            self.check_agreements(rp, errors)
        rp.texts = self.texts_of(rp)
        self.register(rp, errors)
        if errors:
            rp.status = Status.ERROR
            self.report(sheet, rownum, errors, where)
            return rp
        self.classify(rp, sheet, fp, where)
        return rp

    def ref_text(self, entity: str, key: str, raw: Any) -> str:
        """A reference cell that holds no text (a number, a date…): its text, or a refusal (cells.cell_as_text)."""
        seen: list = []
        text = cell_as_text(self.columns[entity][key].label, raw, seen)
        self.coerced.extend((key, cell, read) for cell, read in seen)
        return text

    def report(self, sheet: str, rownum: int, errors: dict[str | None, str], where: dict[str, str]) -> None:
        for key, message in errors.items():
            self.problem(sheet, rownum, where.get(key) if key else None, message, key=key)
