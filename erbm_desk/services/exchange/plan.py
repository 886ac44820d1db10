"""Reading and checking a whole workbook before anything is written: the import preview.

Each row is parsed with its column's spec, its references resolved (by identifier, else by the text naming the
record: in the workbook first, then in the database), matched with a record (identifier, else natural key),
checked with every rule a form obeys, and classified: new, changed, unchanged, kept (changed here since the last
exchange, not at the source) or conflict (changed on both sides: the user picks). Nothing is written here.
"""

from __future__ import annotations

import functools
import uuid as uuidlib
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from erbm_desk.db.models import utcnow
from erbm_desk.domain import rules
from erbm_desk.domain.text import fold
from erbm_desk.domain.entities import SPECS, Column
from erbm_desk.domain.validation import record_problems
from erbm_desk.services.security import authz
from erbm_desk.services.exchange import guard as excel_guard  # issue 7: import hardening
from erbm_desk.services.exchange import format as fmt
from erbm_desk.services.exchange.bulk import paused_gc
from erbm_desk.services.exchange.cells import label_at, parser as _parser, text as _text, uuid_text as _uuid
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.site_log import already_imported, baseline
from erbm_desk.services.exchange.format import Role
from erbm_desk.services.exchange.merge import Merging
from erbm_desk.services.exchange.model import (  # noqa: F401 - the plan's vocabulary, imported from here too
    STATUS_LABELS,
    Conflict,
    ImportPlan,
    NewBailleur,
    Problem,
    RowPlan,
    SheetPlan,
    Status,
    ident,
)
from erbm_desk.services.exchange.reader import (
    RawSheet,
    SheetPrefetch,
    is_blank,
    open_workbook,
    parse_timestamp,
    read_key_values,
    read_sheet,
)
from erbm_desk.services.exchange.safety import check_workbook_file
from erbm_desk.services.exchange.snapshot import AMBIGUOUS, DbSnapshot, TextIndex, database_token, insee_in, \
    natural_key, siret_in
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.records.writes import DUPLICATE_MESSAGES


# --- planning ------------------------------------------------------------------------------------------------


def _pseudonym(raw: Any) -> str | None:
    return None if raw is None else " ".join(_text(raw).split())[:40]


def _split_parsers(parsers: list[tuple[int, str, str, Any]]) -> tuple[list, list, list[str]]:
    """The row loop's parsers in two lists: the typed values (and the pseudonym) of the columns, each parsed by
    one call; the identifiers, references, time and fingerprint. And the keys in the columns' order."""
    fields = [(j, key, parse if what == "f" else _pseudonym) for j, what, key, parse in parsers if what in "fp"]
    others = [(j, what, key) for j, what, key, _ in parsers if what not in "fp"]
    return fields, others, list(dict.fromkeys(key for _, _, key, _ in parsers))


@paused_gc()
def plan_import(session: Session, path: str | Path, progress: Progress | None = None) -> ImportPlan:
    """Read, check and classify every row of the workbook (or hours statement) at `path`. Writes nothing.
    Raises ExcelFileError (French) when the file cannot be read at all."""
    from erbm_desk.services.exchange import releve

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
        try:
            if releve_sheet is None:
                sheets = ctx.read_entity_sheets(wb, names)
            ctx.run(sheets)
        finally:
            if ctx.prefetch is not None:
                ctx.prefetch.close()  # before the workbook closes: the thread may still be reading it
    finally:
        wb.close()
    return ctx.plan


def _readme_metadata(found: dict[str, Any]) -> dict[str, Any]:
    from erbm_desk.services.exchange.export import README_KEYS

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


class _Planner(Merging):
    def __init__(self, session: Session, path: Path, sha256: str, kind: str, metadata: dict, progress: Progress):
        self.session = session
        self.progress = progress
        self.prefetch: SheetPrefetch | None = None
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
        self._maps: dict[str, tuple] = {}
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

    def read_entity_sheets(self, wb, names: list[str]) -> list[tuple[str, Any]]:
        """The entity sheets, in the order they are checked, each as a function reading it: they are parsed
        ahead by a `SheetPrefetch` (`self.prefetch`, closed by the caller) while the previous one is checked."""
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
        order = [e for e in fmt.ENTITY_ORDER if e in candidates]
        self.prefetch = SheetPrefetch(wb, [n for e in order for n in candidates[e]])
        return [(e, functools.partial(self._first_with_header, wb, e, candidates[e])) for e in order]

    def _first_with_header(self, wb, entity: str, names: list[str]) -> RawSheet | None:
        """The first of the sheets named for `entity` that has a header; notices for the others."""
        found = None
        for name in names:
            sheet = self.prefetch.get(name)
            if found is not None:
                self.problem(name, None, None, f"deuxième feuille « {SPECS[entity].plural} », ignorée.",
                             notice=True)
                continue
            found = read_sheet(wb, name, fmt.header_index(SPECS[entity]), sheet=sheet)
            if found is None:
                self.problem(name, None, None, "aucune ligne d'en-tête reconnue : feuille ignorée.", notice=True)
        return found

    def no_entity_sheet(self) -> None:
        raise ExcelFileError(
            f"« {self.plan.path.name} » ne contient aucune feuille du format d'échange ERBM Desk "
            f"({', '.join(SPECS[e].plural for e in fmt.ENTITY_ORDER)})."
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
        parsers = _split_parsers([_parser(j, c) for j, c in header.columns])
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
        fields, others, order = parsers
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
                    refs.setdefault(key, [None, None])[0] = None if raw is None else _text(raw)
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
        db_by_uuid, db_by_key, db_rows, file_uuids, file_keys = self._maps[entity]
        by_uuid = db_by_uuid.get(rp.file_uuid) if rp.file_uuid else None
        if by_uuid is not None:
            key_values = dict(db_rows[by_uuid])
            key_values.update(values)
        else:
            key_values = values
        key = natural_key(entity, key_values, ident)
        by_key = db_by_key.get(key) if key is not None else None
        if by_uuid is not None and by_key is not None and by_key != by_uuid:
            errors[SPECS[entity].natural_key[0]] = DUPLICATE_MESSAGES[entity]
        rp.db_id = by_uuid if by_uuid is not None else by_key
        if rp.file_uuid:
            twin = file_uuids.get(rp.file_uuid)
            if twin is not None:
                errors["uuid"] = f"identifiant en double dans la feuille (déjà ligne {twin.row})."
        if key is not None:
            twin = file_keys.get(key)
            if twin is not None:
                errors.setdefault(SPECS[entity].natural_key[0],
                                  f"doublon de la ligne {twin.row} ({DUPLICATE_MESSAGES[entity].lower()})")
            else:
                file_keys[key] = rp
        if rp.db_id is not None:
            rp.uuid = db_rows[rp.db_id]["uuid"]
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
            if entity == "beneficiary":  # first the spelling this workbook uses, then the other ones
                names = fmt.beneficiary_text(v.get("last_name"), v.get("first_name"), v.get("birth_date"), None)
                pseudo = v.get("pseudonym") or fmt.derived_pseudonym(rp.uuid)
                primary = pseudo if self.anonymous else (names or pseudo)
                out = [t for t in (primary, names, pseudo, v.get("pseudonym")) if t]
                if rp.file_uuid:
                    out.append(fmt.derived_pseudonym(rp.file_uuid))
                return tuple(dict.fromkeys(out))
            if entity == "contract":  # as this workbook names it (the database knows the other spellings)
                return (fmt.contract_text(self._texts("beneficiary", v["beneficiary_id"])[0],
                                          self._siret(v["company_id"]),
                                          self._texts("operation", v["operation_id"])[0], v["start_date"]),)
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
        if start is None or month is None:
            return  # a missing start date or month is reported on its own row (found by the fuzz run, seed 7)
        if start <= month and (end is None or month <= end):
            return  # the month's first day is inside the period: the month overlaps it
        try:
            rules.check_month_in_contract(month, start, end)
        except rules.RuleError as exc:
            errors[exc.field] = exc.message

    def check_age_band(self, rp: RowPlan, errors: dict) -> None:
        birth = self.birth_of(rp.final["beneficiary_id"])
        band = rp.values.get("age_band")
        start = rp.final["start_date"]
        if birth is not None and band is not None and start is not None and band != rules.age_band(birth, start):
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

