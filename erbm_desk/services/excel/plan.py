"""Reading and checking a whole workbook before anything is written: the import preview.

Each row is parsed with its column's spec, its references resolved (by identifier, else by the text naming the
record: in the workbook first, then in the database), matched with a record (identifier, else natural key),
checked with every rule a form obeys, and classified: new, changed, unchanged, kept (changed here since the last
exchange, not at the source) or conflict (changed on both sides: the user picks). Nothing is written here.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from erbm_desk.db.models import utcnow
from erbm_desk.domain import rules
from erbm_desk.domain.enums import fold
from erbm_desk.domain.specs import SPECS, Column, Kind
from erbm_desk.domain.validation import record_problems
from erbm_desk.services import authz
from erbm_desk.services.excel import format as fmt
from erbm_desk.services import excel_guard  # issue 7: import hardening
from erbm_desk.services.excel.errors import ExcelFileError
from erbm_desk.services.excel.exchange import Baseline, already_imported, baseline
from erbm_desk.services.excel.format import Role, SheetColumn
from erbm_desk.services.excel.reader import (
    RawSheet,
    is_blank,
    key_values,
    open_workbook,
    parse_timestamp,
    read_key_values,
    read_sheet,
)
from erbm_desk.services.excel.safety import check_workbook_file
from erbm_desk.services.excel.snapshot import AMBIGUOUS, DbSnapshot, TextIndex, database_token, insee_in, \
    natural_key, siret_in
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.records import DUPLICATE_MESSAGES


class Status(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    CONFLICT = "conflict"
    ERROR = "error"


STATUS_LABELS = {
    Status.NEW: "nouvelles",
    Status.CHANGED: "modifiées",
    Status.UNCHANGED: "inchangées",
    Status.KEPT: "conservées",
    Status.CONFLICT: "en conflit",
    Status.ERROR: "en erreur",
}


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str
    notice: bool = False

    def __str__(self) -> str:
        where = [f"feuille « {self.sheet} »"]
        if self.row:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne {self.column}")
        return f"{', '.join(where)} : {self.message}"


@dataclass
class Conflict:
    entity: str
    sheet: str
    row: int
    label: str
    differences: list[tuple[str, str, str]]  # (column, version here, version in the file)
    local_updated_at: datetime | None
    file_updated_at: datetime | None
    choice: str | None = None  # "local" or "file"
    local_values: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> tuple[str, int]:
        return (self.entity, self.row)


@dataclass(eq=False)
class NewBailleur:
    name: str
    db_id: int | None = None


@dataclass(eq=False, slots=True)
class RowPlan:
    """One row of the workbook, checked and matched. `values` holds the typed values of the columns present
    (references as a database id, a RowPlan or a NewBailleur); `final` the record as it would be saved."""

    entity: str
    row: int
    file_uuid: str | None
    values: dict[str, Any]
    final: dict[str, Any]
    status: Status = Status.NEW
    db_id: int | None = None
    uuid: str = ""
    updated_at: datetime | None = None
    file_updated_at: datetime | None = None
    fp_ok: bool = False
    conflict: Conflict | None = None
    texts: tuple[str, ...] = ()
    store: dict[str, Any] | None = None  # what applying writes (new: columns present, the others default)

    @property
    def text(self) -> str:
        return self.texts[0] if self.texts else ""


def ident(target: Any) -> tuple:
    """What two references to the same record have in common."""
    if isinstance(target, RowPlan):
        return ("db", target.db_id) if target.db_id is not None else ("row", target.entity, target.row)
    if isinstance(target, NewBailleur):
        return ("new-bailleur", fold(target.name))
    return ("db", target)


@dataclass
class SheetPlan:
    entity: str
    sheet: str
    present: set[str]
    rows: list[RowPlan] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass
class ImportPlan:
    path: Path
    sha256: str
    kind: str  # "classeur" or "relevé"
    metadata: dict[str, Any]
    baseline: Baseline
    sheets: dict[str, SheetPlan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    new_bailleurs: dict[str, NewBailleur] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    db_token: tuple = ()
    already_imported: bool = False
    planned_at: datetime = field(default_factory=utcnow)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.notice]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.problems if p.notice]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.choice not in ("local", "file")]

    def count(self, status: Status) -> int:
        return sum(sp.counts[status] for sp in self.sheets.values())

    @property
    def writes(self) -> int:
        """Rows that applying the plan would write (conflicts count once settled for the file)."""
        return (self.count(Status.NEW) + self.count(Status.CHANGED)
                + sum(1 for c in self.conflicts if c.choice == "file") + len(self.new_bailleurs))

    def table(self) -> list[tuple[str, dict[Status, int]]]:
        return [(sp.sheet, {s: sp.counts[s] for s in Status}) for sp in self.sheets.values()]

    def summary_lines(self) -> list[str]:
        lines = [f"{self.path.name} ({self.kind}) — {self.baseline.description}"]
        for sheet, counts in self.table():
            parts = [f"{n} {STATUS_LABELS[s]}" for s, n in counts.items() if n]
            lines.append(f"  {sheet} : {', '.join(parts) if parts else 'aucune ligne'}")
        return lines


# --- planning ------------------------------------------------------------------------------------------------


def plan_import(session: Session, path: str | Path, progress: Progress | None = None) -> ImportPlan:
    """Read, check and classify every row of the workbook (or hours statement) at `path`. Writes nothing.
    Raises ExcelFileError (French) when the file cannot be read at all."""
    from erbm_desk.services.excel import releve

    progress = progress or NullProgress()
    path = Path(path)
    authz.require(session, authz.DATA_IMPORT)
    progress.start(0, "Vérification du fichier")
    sha256 = check_workbook_file(path)
    excel_guard.check_workbook(path)  # issue 7: macro-enabled workbooks refused (services/excel_guard.py)
    check_cancel(progress)
    wb = open_workbook(path)
    try:
        names = wb.sheet_names
        releve_sheet = next((n for n in names if fmt.header_key(n) == fmt.header_key(fmt.RELEVE_SHEET)), None)
        if releve_sheet is not None:
            raw, metadata = releve.read_releve_sheet(wb, releve_sheet)
            sheets = [("hours_entry", raw)]
            kind = "relevé"
        else:
            readme = next((n for n in names if fmt.header_key(n) == fmt.header_key(fmt.README_SHEET)), None)
            metadata = _readme_metadata(read_key_values(wb, readme)) if readme else {}
            sheets, kind = [], "classeur"
        ctx = _Planner(session, path, sha256, kind, metadata, progress)
        if releve_sheet is None:
            sheets = ctx.read_entity_sheets(wb, names)
        ctx.run(sheets)
    finally:
        wb.close()
    return ctx.plan


def _readme_metadata(found: dict[str, Any]) -> dict[str, Any]:
    from erbm_desk.services.excel.export import README_KEYS

    meta: dict[str, Any] = {}
    for key, label in README_KEYS.items():
        value = found.get(fmt.header_key(label))
        if not is_blank(value):
            meta[key] = value
    return normalise_metadata(meta)


def normalise_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    out = dict(meta)
    if "exported_at" in out:
        try:
            out["exported_at"] = parse_timestamp(out["exported_at"], exact=True)
        except ValueError:
            out.pop("exported_at")
    if "site" in out:
        out["site"] = str(out["site"]).strip().lower() or None
    if "version" in out:
        try:
            out["version"] = int(float(out["version"]))
        except (TypeError, ValueError):
            out["version"] = None
    if "anonymous" in out:
        out["anonymous"] = fold(str(out["anonymous"])) in ("oui", "vrai", "true", "1")
    return out


class _Planner:
    def __init__(self, session: Session, path: Path, sha256: str, kind: str, metadata: dict, progress: Progress):
        self.session = session
        self.progress = progress
        self.db = DbSnapshot(session)
        base = baseline(session, metadata.get("site"), metadata.get("exported_at"))
        self.plan = ImportPlan(path, sha256, kind, metadata, base, db_token=database_token(session),
                               already_imported=already_imported(session, sha256))
        self.now = utcnow()  # rows dated later (a source clock ahead of ours) are dated now
        self.files: dict[str, TextIndex] = {e: TextIndex() for e in fmt.ENTITY_ORDER}
        self.file_uuids: dict[str, dict[str, RowPlan]] = {e: {} for e in fmt.ENTITY_ORDER}
        self.file_keys: dict[str, dict[tuple, RowPlan]] = {e: {} for e in fmt.ENTITY_ORDER}
        self.sirets: dict[str, RowPlan] = {}
        self.columns = {e: {c.key: c for c in SPECS[e].columns} for e in fmt.ENTITY_ORDER}
        self.kinds = {e: {c.key: c.kind for c in SPECS[e].columns} for e in fmt.ENTITY_ORDER}
        self.anonymous = bool(metadata.get("anonymous"))
        version = metadata.get("version")
        if version and version > fmt.FORMAT_VERSION:
            raise ExcelFileError(
                f"« {path.name} » est au format d'échange version {version}, plus récent que celui de cette "
                f"application (version {fmt.FORMAT_VERSION}) : mettez ERBM Desk à jour pour l'importer."
            )

    def problem(self, sheet: str, row: int | None, column: str | None, message: str, notice: bool = False) -> None:
        self.plan.problems.append(Problem(sheet, row, column, message, notice))

    # --- sheets --------------------------------------------------------------------------------------------

    def read_entity_sheets(self, wb, names: list[str]) -> list[tuple[str, RawSheet]]:
        found: dict[str, RawSheet] = {}
        for name in names:
            spec = fmt.sheet_spec(name)
            if spec is None:
                if not fmt.is_computed_sheet(name):
                    self.problem(name, None, None, "feuille inconnue, ignorée.", notice=True)
                continue
            if spec.name in found:
                self.problem(name, None, None, f"deuxième feuille « {spec.plural} », ignorée.", notice=True)
                continue
            raw = read_sheet(wb, name, fmt.header_index(spec))
            if raw is None:
                self.problem(name, None, None, "aucune ligne d'en-tête reconnue : feuille ignorée.", notice=True)
                continue
            found[spec.name] = raw
        if not found:
            raise ExcelFileError(
                f"« {self.plan.path.name} » ne contient aucune feuille du format d'échange ERBM Desk "
                f"({', '.join(SPECS[e].plural for e in fmt.ENTITY_ORDER)})."
            )
        return [(e, found[e]) for e in fmt.ENTITY_ORDER if e in found]

    def run(self, sheets: list[tuple[str, RawSheet]]) -> None:
        for entity, raw in sheets:
            self.plan_sheet(entity, raw)
            check_cancel(self.progress)
        self.check_contract_periods()
        for sp in self.plan.sheets.values():
            for rp in sp.rows:
                sp.counts[rp.status] += 1
                if rp.conflict is not None:
                    self.plan.conflicts.append(rp.conflict)

    def plan_sheet(self, entity: str, raw: RawSheet) -> None:
        spec = SPECS[entity]
        header = raw.header
        for j, text in header.unknown:
            if excel_guard.is_nir_header(text):  # issue 7: a NIR column is dropped with its own notice
                self.problem(raw.name, header.row, f"« {text} » ({raw.letter(j)})",
                             excel_guard.NIR_NOTICE.format(header=text), notice=True)
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
                         "colonne(s) obligatoire(s) absente(s) : " + ", ".join(f"« {m} »" for m in missing) + ".")
            return
        where = {c.key: f"« {label_at(raw, j)} » ({raw.letter(j)})" for j, c in header.columns}
        for c in spec.columns:
            where.setdefault(c.key, f"« {c.label} »")
        parsers = [_parser(j, c) for j, c in header.columns]
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
            count += 1
            if count % 2000 == 0:
                self.progress.advance(2000)
                check_cancel(self.progress)

    # --- rows ----------------------------------------------------------------------------------------------

    def plan_row(self, entity: str, sheet: str, rownum: int, cells: list, parsers, where) -> RowPlan:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        refs: dict[str, list] = {}
        file_uuid = updated = fp = None
        n = len(cells)
        for j, what, key, parse in parsers:
            raw = cells[j] if j < n else None
            if raw is None or (raw.__class__ is str and (not raw or raw.isspace())):
                raw = None
            try:
                if what == "f":
                    values[key] = parse(raw)
                elif what == "r":
                    refs.setdefault(key, [None, None])[0] = None if raw is None else _text(raw)
                elif what == "i":
                    refs.setdefault(key, [None, None])[1] = None if raw is None else _uuid(raw)
                elif what == "u":
                    file_uuid = None if raw is None else _uuid(raw)
                elif what == "p":
                    values["pseudonym"] = None if raw is None else " ".join(_text(raw).split())[:40]
                elif what == "t":
                    updated = None if raw is None else parse_timestamp(raw, exact=True)
                else:
                    fp = None if raw is None else str(raw).strip()
            except ValueError as exc:
                errors[key] = str(exc)
        for key, (text, ref_uuid) in refs.items():
            if key in errors:
                continue
            if text is None and ref_uuid is None:
                values[key] = None
                continue
            target, message = self.resolve(self.columns[entity][key], text, ref_uuid)
            if message:
                errors[key] = message
            else:
                values[key] = target
        if entity == "company" and values.get("siret"):
            values["siret"] = rules.normalise_siret(values["siret"])
        rp = RowPlan(entity, rownum, file_uuid, values, {}, file_updated_at=updated)
        self.match(rp, errors)
        if rp.db_id is not None:
            final = dict(self.db.rows(entity)[rp.db_id])
            final.update(values)
        else:
            final = values  # a new record: nothing else to know (and one dict less per row)
        rp.final = final
        for key, message in record_problems(entity, final).items():
            errors.setdefault(key, message)
        if entity == "hours_entry" and not errors:
            self.check_month(rp, errors)
        if entity == "contract" and "age_band" in values and not errors:
            self.check_age_band(rp, errors)
        rp.texts = self.texts_of(rp)
        self.register(rp, errors)
        if errors:
            rp.status = Status.ERROR
            self.report(sheet, rownum, errors, where)
            return rp
        self.classify(rp, sheet, fp, where)
        return rp

    def report(self, sheet: str, rownum: int, errors: dict[str | None, str], where: dict[str, str]) -> None:
        for key, message in errors.items():
            self.problem(sheet, rownum, where.get(key) if key else None, message)

    def resolve(self, column: Column, text: str | None, ref_uuid: str | None) -> tuple[Any, str | None]:
        """A reference by its text (workbook first, then database); by its identifier when the text names
        nothing (renamed since). The text wins over a stale identifier: it is what the user sees."""
        entity = column.ref
        if entity == "commune":
            return self._commune(column, text)
        if entity == "bailleur":
            return self._bailleur(text)
        if text:
            found = self._by_text(entity, text)
            if found is AMBIGUOUS:
                return None, f"« {text} » désigne plusieurs {SPECS[entity].plural.lower()} : précisez."
            if found is not None:
                return found, None
        if ref_uuid:
            found = self.file_uuids[entity].get(ref_uuid)
            if found is None:
                found = self.db.by_uuid(entity).get(ref_uuid)
            if found is not None:
                return found, None
        shown = text or ref_uuid
        return None, (f"« {column.label} » : « {shown} » est introuvable, ni dans le classeur ni dans la base. "
                      f"Ajoutez la ligne dans la feuille « {SPECS[entity].plural} ».")

    def _by_text(self, entity: str, text: str) -> Any:
        if entity == "company":
            siret = siret_in(text)
            if siret:
                found = self.sirets.get(siret)
                if found is None:
                    found = self.db.by_key("company").get((siret,))
                if found is not None:
                    return found
        found = self.files[entity].find(text)
        if found is None:
            found = self.db.texts(entity, self.anonymous).find(text)
        return found

    def _commune(self, column: Column, text: str | None) -> tuple[Any, str | None]:
        if not text:
            return None, None
        insee = insee_in(text)
        found = self.db.commune_ids.get(insee) if insee else None
        if found is None:
            found = self.db.communes.find(text)
        if found is None or found is AMBIGUOUS:
            return None, f"« {column.label} » : commune inconnue « {text} » (nom ou code INSEE d'une commune du " \
                         "territoire ERBM)."
        return found, None

    def _bailleur(self, text: str | None) -> tuple[Any, str | None]:
        if not text:
            return None, None
        name = " ".join(text.split())
        found = self.db.bailleurs.get(fold(name))
        if found is not None:
            return found, None
        key = fold(name)
        if key not in self.plan.new_bailleurs:
            self.plan.new_bailleurs[key] = NewBailleur(name)
            self.problem(SPECS["cite"].plural, None, None,
                         f"bailleur « {name} » inconnu : il sera créé.", notice=True)
        return self.plan.new_bailleurs[key], None

    # --- matching ------------------------------------------------------------------------------------------

    def match(self, rp: RowPlan, errors: dict) -> None:
        entity, values = rp.entity, rp.values
        if errors:
            # parse errors: still match by identifier so that rows referring to this one are not reported too
            rp.status = Status.ERROR
            rp.db_id = self.db.by_uuid(entity).get(rp.file_uuid) if rp.file_uuid else None
            if rp.file_uuid:
                self.file_uuids[entity].setdefault(rp.file_uuid, rp)
            return
        by_uuid = self.db.by_uuid(entity).get(rp.file_uuid) if rp.file_uuid else None
        if by_uuid is not None:
            key_values = dict(self.db.rows(entity)[by_uuid])
            key_values.update(values)
        else:
            key_values = values
        key = natural_key(entity, key_values, ident)
        by_key = self.db.by_key(entity).get(key) if key is not None else None
        if by_uuid is not None and by_key is not None and by_key != by_uuid:
            errors[SPECS[entity].natural_key[0]] = DUPLICATE_MESSAGES[entity]
        rp.db_id = by_uuid if by_uuid is not None else by_key
        if rp.file_uuid:
            twin = self.file_uuids[entity].get(rp.file_uuid)
            if twin is not None:
                errors["uuid"] = f"identifiant en double dans la feuille (déjà ligne {twin.row})."
        if key is not None:
            twin = self.file_keys[entity].get(key)
            if twin is not None:
                errors.setdefault(SPECS[entity].natural_key[0],
                                  f"doublon de la ligne {twin.row} ({DUPLICATE_MESSAGES[entity].lower()})")
            else:
                self.file_keys[entity][key] = rp
        if rp.db_id is not None:
            rp.uuid = self.db.rows(entity)[rp.db_id]["uuid"]
        else:
            rp.uuid = rp.file_uuid or str(uuidlib.uuid4())
        if errors:
            rp.status = Status.ERROR

    def register(self, rp: RowPlan, errors: dict) -> None:
        entity = rp.entity
        if rp.file_uuid:
            self.file_uuids[entity].setdefault(rp.file_uuid, rp)
        loose = rp.final.get("name") if entity in ("cite", "operation", "company") else None
        for i, text in enumerate(rp.texts):
            self.files[entity].add(text, rp, *([loose] if loose and i == 0 else []))
        if entity == "company" and rp.final.get("siret"):
            self.sirets.setdefault(rp.final["siret"], rp)

    def texts_of(self, rp: RowPlan) -> tuple[str, ...]:
        """The texts that name this row's record in reference columns (both spellings of a person)."""
        v, entity = rp.final, rp.entity
        if entity in ("hours_entry", "funding"):
            return ()  # never referred to
        try:
            if entity == "cite":
                return (fmt.cite_text(v["name"], self.db.text_of("commune", v["commune_id"], False)),)
            if entity == "operation":
                return tuple(fmt.operation_text(v["name"], t) for t in self._texts("cite", v["cite_id"]))
            if entity == "company":
                return (fmt.company_text(v["name"], v["siret"]),)
            if entity == "beneficiary":
                names = fmt.beneficiary_text(v.get("last_name"), v.get("first_name"), v.get("birth_date"), None)
                pseudo = v.get("pseudonym") or fmt.derived_pseudonym(rp.uuid)
                out = [t for t in (names, pseudo, v.get("pseudonym")) if t]
                if rp.file_uuid:
                    out.append(fmt.derived_pseudonym(rp.file_uuid))
                return tuple(dict.fromkeys(out))
            if entity == "contract":
                siret = self._siret(v["company_id"])
                ops = self._texts("operation", v["operation_id"])
                return tuple(fmt.contract_text(b, siret, o, v["start_date"])
                             for b in self._texts("beneficiary", v["beneficiary_id"]) for o in ops)
        except (KeyError, TypeError):
            return ()
        return ()

    def _texts(self, entity: str, target: Any) -> tuple[str, ...]:
        if isinstance(target, RowPlan):
            return target.texts
        return (self.db.text_of(entity, target, self.anonymous),)

    def _siret(self, target: Any) -> str:
        if isinstance(target, RowPlan):
            return target.final["siret"]
        return self.db.rows("company")[target]["siret"]

    # --- rules that need other records -------------------------------------------------------------------------

    def contract_values(self, target: Any) -> dict[str, Any]:
        return target.final if isinstance(target, RowPlan) else self.db.rows("contract")[target]

    def check_month(self, rp: RowPlan, errors: dict) -> None:
        contract = self.contract_values(rp.final["contract_id"])
        if not contract:
            return  # the contract's own row has errors, reported there
        month, start, end = rp.final["month"], contract["start_date"], contract.get("end_date")
        if start <= month and (end is None or month <= end):
            return  # the month's first day is inside the period: the month overlaps it
        try:
            rules.check_month_in_contract(month, start, end)
        except rules.RuleError as exc:
            errors[exc.field] = exc.message

    def birth_of(self, target: Any) -> Any:
        if isinstance(target, RowPlan):
            return target.final.get("birth_date")
        return self.db.rows("beneficiary")[target]["birth_date"]

    def check_age_band(self, rp: RowPlan, errors: dict) -> None:
        birth = self.birth_of(rp.final["beneficiary_id"])
        band = rp.values.get("age_band")
        if birth is not None and band is not None and band != rules.age_band(birth, rp.final["start_date"]):
            errors["age_band"] = ("La tranche d'âge ne correspond pas à la date de naissance du bénéficiaire au "
                                  "début du contrat.")

    def check_contract_periods(self) -> None:
        """A contract whose dates change keeps every month of hours the database holds inside its period."""
        sp = self.plan.sheets.get("contract")
        if sp is None:
            return
        changed = [rp for rp in sp.rows if rp.db_id is not None and rp.status in (Status.CHANGED, Status.CONFLICT)]
        if not changed:
            return
        months: dict[int, list] = {}
        for h in self.db.rows("hours_entry").values():
            months.setdefault(h["contract_id"], []).append(h["month"])
        for rp in changed:
            for month in sorted(months.get(rp.db_id, ())):
                try:
                    rules.check_month_in_contract(month, rp.final["start_date"], rp.final.get("end_date"))
                except rules.RuleError:
                    self.problem(sp.sheet, rp.row, "« Fin »",
                                 f"des heures sont saisies en {month:%m/%Y}, hors de la nouvelle période du contrat.")
                    rp.status = Status.ERROR
                    if rp.conflict:
                        rp.conflict = None
                    break

    # --- classification ------------------------------------------------------------------------------------

    def differences(self, rp: RowPlan, record: dict[str, Any]) -> list[str]:
        """The columns of the row whose value differs from the record's (as an export would write it)."""
        kinds = self.kinds[rp.entity]
        theirs = self.effective_db(rp, record) if rp.entity in ("beneficiary", "contract") else record
        mine = self.file_effective(rp) if rp.entity == "contract" else rp.values
        out = []
        for key, value in mine.items():
            other = theirs.get(key)
            if value == other:
                continue
            if kinds.get(key) is Kind.REF:
                if value is not None and other is not None and ident(value) == ident(other):
                    continue
            elif fmt.canon(value) == fmt.canon(other):
                continue
            out.append(key)
        return out

    def effective_db(self, rp: RowPlan, record: dict[str, Any]) -> dict[str, Any]:
        """The database record as an export would write it (derived pseudonym, age band from the birth date)."""
        eff = dict(record)
        if rp.entity == "beneficiary" and "pseudonym" in rp.values:
            if not eff["pseudonym"] and rp.values["pseudonym"] == fmt.derived_pseudonym(eff["uuid"]):
                eff["pseudonym"] = rp.values["pseudonym"]
        if rp.entity == "contract" and "age_band" in rp.values:
            birth = self.birth_of(record["beneficiary_id"])
            if birth is not None:
                eff["age_band"] = rules.age_band(birth, record["start_date"])
        return eff

    def file_effective(self, rp: RowPlan) -> dict[str, Any]:
        values = dict(rp.values)
        if rp.entity == "contract" and "age_band" in values:
            birth = self.birth_of(rp.final["beneficiary_id"])
            if birth is not None:
                values["age_band"] = rules.age_band(birth, rp.final["start_date"])
        return values

    def fingerprint_of(self, rp: RowPlan) -> str:
        columns = self.columns[rp.entity]
        canon = fmt.canon
        pairs = []
        for key, value in rp.values.items():
            col = columns.get(key)
            if col is not None and col.kind is Kind.REF:
                pairs.append((key, self.ref_token(col.ref, value)))
            else:
                pairs.append((key, canon(value)))
        return fmt.fingerprint(pairs)

    def ref_token(self, entity: str, target: Any) -> str:
        """What the export wrote in the fingerprint for a reference: INSEE code, bailleur name or identifier."""
        if target is None:
            return ""
        if isinstance(target, RowPlan):
            return target.file_uuid or ""
        if isinstance(target, NewBailleur):
            return target.name
        if entity == "commune":
            return self.db.commune_rows[target][0]
        if entity == "bailleur":
            return self.db.bailleur_names[target]
        return self.db.rows(entity)[target]["uuid"]

    def classify(self, rp: RowPlan, sheet: str, fp: str | None, where: dict[str, str]) -> None:
        record = self.db.rows(rp.entity)[rp.db_id] if rp.db_id is not None else None
        differ = self.differences(rp, record) if record is not None else None
        if record is not None and not differ:
            rp.status = Status.UNCHANGED
            return
        if record is None:
            # A new record keeps the time the workbook gives it (no later than now), edited by hand or not:
            # nothing here to compare it with.
            rp.updated_at = min(rp.file_updated_at, self.now) if rp.file_updated_at else self.now
            rp.status = Status.NEW
            rp.store = self.store_values(rp)
            return
        rp.fp_ok = fp is not None and rp.file_updated_at is not None and fp == self.fingerprint_of(rp)
        stamp = rp.file_updated_at if rp.fp_ok else None
        rp.updated_at = min(stamp, self.now) if stamp else self.now
        base = self.plan.baseline
        if not rp.fp_ok:
            remote = True
        elif not base.known:
            remote = True
        else:
            remote = rp.file_updated_at > base.remote_since
        local_changed = record["updated_at"] > base.local_since if base.known else \
            not self.db.pristine(rp.entity, record)
        if remote and not local_changed:
            rp.status = Status.CHANGED
        elif local_changed and not remote:
            rp.status = Status.KEPT
        elif remote and local_changed:
            rp.status = Status.CONFLICT
            rp.conflict = self.conflict(rp, sheet, record, differ)
        else:  # neither side changed since the last exchange: an older workbook; the later time wins
            newer = rp.file_updated_at is not None and rp.file_updated_at > record["updated_at"]
            rp.status = Status.CHANGED if newer else Status.KEPT
        if rp.status in (Status.CHANGED, Status.CONFLICT):
            rp.store = self.store_values(rp, record)

    def store_values(self, rp: RowPlan, record: dict[str, Any] | None = None) -> dict[str, Any]:
        spec = SPECS[rp.entity]
        if record is None:
            store = rp.values  # the defaults of absent columns are added when writing (apply.DEFAULTS)
        else:
            store = dict(rp.values)
            if rp.entity == "beneficiary" and "pseudonym" in store and not record["pseudonym"] \
                    and store["pseudonym"] == fmt.derived_pseudonym(record["uuid"]):
                store["pseudonym"] = None  # derived for the export, not data of its own
        for c in spec.columns:
            if c.kind is Kind.BOOL and c.key in store and store[c.key] is None:
                store[c.key] = False
        if rp.entity == "contract" and "age_band" in store and self.birth_of(rp.final["beneficiary_id"]):
            store["age_band"] = None  # derived from the birth date, never stored next to it
        return store

    def conflict(self, rp: RowPlan, sheet: str, record: dict[str, Any], keys: list[str]) -> Conflict:
        spec = SPECS[rp.entity]
        eff = self.effective_db(rp, record)
        mine = self.file_effective(rp)
        diffs = []
        for key in keys:
            label = fmt.PSEUDONYM_LABEL if key == "pseudonym" else spec.column(key).label
            diffs.append((label, self.show(rp.entity, key, eff.get(key)), self.show(rp.entity, key, mine.get(key))))
        return Conflict(rp.entity, sheet, rp.row, rp.text or rp.uuid, diffs, record["updated_at"],
                        rp.file_updated_at, local_values=dict(record))

    def show(self, entity: str, key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "pseudonym":
            return str(value)
        column = SPECS[entity].column(key)
        if column.kind is Kind.REF:
            if isinstance(value, RowPlan):
                return value.text
            if isinstance(value, NewBailleur):
                return value.name
            return self.db.text_of(column.ref, value, self.anonymous)
        return column.format(value)


def label_at(raw: RawSheet, index: int) -> str:
    for j, col in raw.header.columns:
        if j == index:
            return col.label
    return ""


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _uuid(raw: Any) -> str:
    if raw.__class__ is str and _CANONICAL_UUID.match(raw):
        return raw
    try:
        return str(uuidlib.UUID(str(raw).strip()))
    except ValueError:
        raise ValueError(f"« {raw} » n'est pas un identifiant valide : laissez la cellule vide pour une "
                         "nouvelle ligne.") from None


_ROLE_CODES = {Role.ID: "u", Role.PSEUDONYM: "p", Role.UPDATED: "t", Role.FINGERPRINT: "h", Role.REF_ID: "i"}


def _parser(index: int, col: SheetColumn) -> tuple[int, str, str, Any]:
    """(cell index, what the cell holds, value key, parser) for the row loop. A blank cell is None (False for
    a yes/no column): whether the record may lack it is for `record_problems` to say, once."""
    c = col.column
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
                text = " ".join(raw.split())
                if not limit or len(text) <= limit:
                    return text
            return c.parse(_text(raw))

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
