"""Exporting the exchange workbook: Lisez-moi, one sheet per entity, Synthèse (values), hidden Listes.

Anonymous by default (DESIGN §5): no names nor birth dates, a pseudonym per person, and each contract's age
band at its start so that the indicators computed from the workbook are exactly the source's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import null, or_, select
from sqlalchemy.orm import Session

from erbm_desk import __version__
from erbm_desk.db.models import (
    MODELS,
    Bailleur,
    Beneficiary,
    Cite,
    Commune,
    Company,
    Contract,
    Funding,
    HoursEntry,
    Operation,
    utcnow,
)
from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.domain.values import format_month
from erbm_desk.services.security import audit, authz
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.exchange import format as fmt
from erbm_desk.services.exchange.bulk import paused_gc
from erbm_desk.services.exchange.site_log import own_site_uuid
from erbm_desk.services.exchange.format import Role
from erbm_desk.services.exchange.sheetwriter import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_FORMAT,
    MONEY_FORMAT,
    MONTH_FORMAT,
    ListsSheet,
    SheetWriter,
)
from erbm_desk.services.exchange.synthese import HEADERS as SYNTHESE_HEADERS
from erbm_desk.services.exchange.synthese import synthese_rows
from erbm_desk.services.reporting.indicators import Period, Scope, scope_cites, scope_label, scope_operations
from erbm_desk.services.progress import NullProgress, Progress, check_cancel

SHEET_HELP = {
    "cite": "les cités minières : commune, bailleur, logements",
    "operation": "les opérations de rénovation de chaque cité",
    "funding": "les lignes de financement de chaque opération",
    "company": "les entreprises et structures d'insertion (SIRET)",
    "beneficiary": "les participants (anonymes : pseudonyme seulement)",
    "contract": "les contrats d'insertion (tranche d'âge au début)",
    "hours_entry": "les heures réalisées, une ligne par contrat et par mois",
}


@dataclass
class ExportOptions:
    scope: Scope = field(default_factory=Scope)
    period: Period = field(default_factory=Period)
    anonymous: bool = True
    organisation: str = ""


@dataclass
class ExportSummary:
    path: Path
    counts: dict[str, int]
    anonymous: bool
    seconds: float

    @property
    def message(self) -> str:
        parts = ", ".join(f"{n} {SPECS[e].plural.lower()}" for e, n in self.counts.items())
        kind = "anonyme" if self.anonymous else "nominatif"
        return f"Classeur {kind} enregistré : {self.path.name} ({parts})."


def _where_period_overlaps(query, period: Period):
    if period.last_day:
        query = query.where(Contract.start_date <= period.last_day)
    if period.first_day:
        query = query.where(or_(Contract.end_date.is_(None), Contract.end_date >= period.first_day))
    return query


def _keys(entity: str) -> list[str]:
    return ["id", "uuid", "updated_at", *SPECS[entity].keys] + (["pseudonym"] if entity == "beneficiary" else [])


def _select(session: Session, entity: str, *where, names: bool = True) -> list[Any]:
    model = MODELS[entity]
    keys = _keys(entity)
    table = model.__table__
    hidden = set() if names else {"last_name", "first_name"}
    query = select(*[null().label(k) if k in hidden else table.c[k] for k in keys]).order_by(table.c.id)
    for clause in where:
        if clause is not None:
            query = query.where(clause)
    return session.execute(query).all()


def collect_rows(session: Session, scope: Scope, period: Period, names: bool = True) -> dict[str, list[Any]]:
    """The rows of each entity in the perimeter, and every record they refer to (names only if `names`)."""
    ops = scope_operations(session, scope)
    cites = scope_cites(session, scope)
    everything = scope.kind == "territory" and period.start is None and period.end is None
    contract_q = _where_period_overlaps(select(Contract.id), period)
    if ops is not None:
        contract_q = contract_q.where(Contract.operation_id.in_(ops))
    rows = {
        "cite": _select(session, "cite", Cite.id.in_(cites) if cites is not None else None),
        "operation": _select(session, "operation", Operation.id.in_(ops) if ops is not None else None),
        "funding": _select(session, "funding", Funding.operation_id.in_(ops) if ops is not None else None),
    }
    contracts = None if everything else Contract.id.in_(contract_q)
    if everything:
        rows["company"] = _select(session, "company")
        rows["beneficiary"] = _select(session, "beneficiary", names=names)
    else:
        rows["company"] = _select(session, "company", Company.id.in_(contract_q.with_only_columns(Contract.company_id)))
        rows["beneficiary"] = _select(
            session, "beneficiary", Beneficiary.id.in_(contract_q.with_only_columns(Contract.beneficiary_id)),
            names=names)
    rows["contract"] = _select(session, "contract", contracts)
    months = []
    if period.start:
        months.append(HoursEntry.month >= rules.month_start(period.start))
    if period.end:
        months.append(HoursEntry.month <= rules.month_start(period.end))
    rows["hours_entry"] = _select(
        session, "hours_entry", None if everything else HoursEntry.contract_id.in_(contract_q), *months)
    return rows


def _period_text(period: Period) -> str:
    if period.start is None and period.end is None:
        return "toute la durée"
    start = format_month(period.start) if period.start else "le début"
    end = format_month(period.end) if period.end else "aujourd'hui"
    return f"de {start} à {end}"


class _Refs:
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


@paused_gc()
def export_workbook(session: Session, path: str | Path, options: ExportOptions | None = None,
                    progress: Progress | None = None) -> ExportSummary:
    """Write the exchange workbook at `path` (atomically: the previous file stays until the new one is whole)."""
    options = options or ExportOptions()
    progress = progress or NullProgress()
    started = time.perf_counter()
    path = Path(path)
    authz.require(session, authz.EXPORT_ANONYMOUS if options.anonymous else authz.EXPORT_NOMINATIVE)
    progress.start(10, "Lecture des données")
    exported_at = fmt.export_time(utcnow())  # before reading: whatever changes later is « after the export »
    rows = collect_rows(session, options.scope, options.period, names=not options.anonymous)
    check_cancel(progress)
    progress.advance()
    counts = {e: len(rows[e]) for e in fmt.ENTITY_ORDER}
    total_rows = sum(counts.values())
    progress.start(total_rows + 2, "Écriture du classeur")
    site = own_site_uuid(session)
    wb = Workbook(write_only=True)
    try:
        _write_sheets(wb, session, options, rows, counts, exported_at, site, progress)
    except BaseException:
        discard(wb)
        raise
    with atomic_path(path) as tmp:
        wb.save(tmp)
        check_cancel(progress)
        if not session.info.get("read_only"):
            audit.log_event(session, "export", "*", {
                "fichier": path.name, "anonyme": options.anonymous, "perimetre": scope_label(session, options.scope),
                "periode": _period_text(options.period), "lignes": counts})
    progress.advance(1)
    return ExportSummary(path, counts, options.anonymous, time.perf_counter() - started)


def _write_sheets(wb: Workbook, session: Session, options: ExportOptions, rows: dict[str, list[Any]],
                  counts: dict[str, int], exported_at: datetime, site: str | None, progress: Progress) -> None:
    step = max(sum(counts.values()) // 200, 500)
    lists = ListsSheet()
    _write_readme(wb, options, counts, exported_at, site, scope_label(session, options.scope))
    refs = _Refs(session, options.anonymous)
    births: dict[int, tuple[date | None, datetime]] = {}
    written = 0
    for entity in fmt.ENTITY_ORDER:
        spec = SPECS[entity]
        columns = fmt.sheet_columns(spec, options.anonymous)
        writer = SheetWriter(wb, spec.plural, hidden=[i for i, c in enumerate(columns, 1) if c.hidden])
        row_writer = _RowWriter(writer, entity, columns, refs, births, options.anonymous)
        first = [row_writer.cells(row) for row in rows[entity][:FIT_ROWS]]
        writer.set_widths(fit_widths(columns, first))
        writer.header([c.label for c in columns])
        for cells in first:
            writer.append(cells)
        for row in rows[entity][FIT_ROWS:]:
            writer.append(row_writer.cells(row))
            written += 1
            if written % step == 0:
                progress.advance(step)
                check_cancel(progress)
        writer.autofilter()
        _add_validations(writer, columns, lists)
    check_cancel(progress)
    _write_synthese(wb, session, options)
    progress.advance(1)
    lists.write(wb, fmt.LISTS_SHEET)


FIT_ROWS = 300  # the rows whose content sets the column widths


def _shown_length(cell: Any) -> int:
    value = getattr(cell, "_value", cell)
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return len(str(value))


def fit_widths(columns, rows: list[list]) -> list[int]:
    """Widths that fit the header and the first rows: at least the spec's, at most 60 characters."""
    widths = []
    for i, col in enumerate(columns):
        longest = max((_shown_length(r[i]) for r in rows), default=0)
        header = max(len(word) for word in col.label.split())  # the header wraps on spaces
        widths.append(min(max(col.width, longest + 2, header + 3), 60))
    return widths


def discard(wb: Workbook) -> None:
    """Close the temporary files of an unfinished write-only workbook (cancel, error)."""
    for ws in wb.worksheets:
        try:
            ws.close()
        except Exception:  # noqa: BLE001 - already closed or half-written: nothing more to do
            pass


class _RowWriter:
    """The cells of one entity's rows, from database rows (tuples in `_select`'s order): each column's
    conversion is chosen once per sheet, not once per cell."""

    def __init__(self, writer: SheetWriter, entity: str, columns, refs: _Refs, births: dict, anonymous: bool):
        self.writer, self.entity, self.refs, self.births, self.anonymous = writer, entity, refs, births, anonymous
        self.keys = _keys(entity)
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


def _ref_text(entity: str, v, refs: _Refs) -> str:
    if entity == "cite":
        return fmt.cite_text(v["name"], refs.commune[v["commune_id"]][0])
    if entity == "operation":
        return fmt.operation_text(v["name"], refs.by_entity["cite"][v["cite_id"]][0])
    if entity == "company":
        refs.siret[v["id"]] = v["siret"]
        return fmt.company_text(v["name"], v["siret"])
    if entity == "beneficiary":
        pseudonym = v["pseudonym"] or fmt.derived_pseudonym(v["uuid"])
        if refs.anonymous:
            return pseudonym
        return fmt.beneficiary_text(v["last_name"], v["first_name"], v["birth_date"], pseudonym)
    return fmt.contract_text(
        refs.by_entity["beneficiary"][v["beneficiary_id"]][0], refs.siret[v["company_id"]],
        refs.by_entity["operation"][v["operation_id"]][0], v["start_date"])


def _add_validations(writer: SheetWriter, columns, lists: ListsSheet) -> None:
    for i, col in enumerate(columns, 1):
        c = col.column
        if col.role is not Role.FIELD:
            continue
        if c.kind is Kind.ENUM:
            writer.validate_list(i, lists.ref(c.choices.__name__, c.choices.labels(), c.label), c.label)
        elif c.kind is Kind.BOOL:
            writer.validate_list(i, lists.ref("Oui/Non", ["Oui", "Non"]), c.label)


def _write_readme(wb: Workbook, options: ExportOptions, counts: dict[str, int], exported_at: datetime,
                  site: str | None, scope_name: str) -> None:
    w = SheetWriter(wb, fmt.README_SHEET, widths=[28, 70, 12])
    w.append([w.labelled(fmt.FORMAT_NAME, "title")])
    w.append([])
    meta = [
        (README_KEYS["format"], fmt.FORMAT_NAME),
        (README_KEYS["version"], fmt.FORMAT_VERSION),
        (README_KEYS["exported_at"], w.styled(exported_at, DATETIME_FORMAT)),
        (README_KEYS["organisation"], w.text(options.organisation) if options.organisation else None),
        (README_KEYS["site"], site),
        (README_KEYS["anonymous"], "Oui" if options.anonymous else "Non"),
        (README_KEYS["scope"], w.text(scope_name)),
        (README_KEYS["period"], _period_text(options.period)),
        ("Application", f"ERBM Desk {__version__}"),
    ]
    for key, value in meta:
        w.append([w.labelled(key, "bold"), value])
    w.append([])
    w.append([w.labelled("Feuille", "bold"), w.labelled("Contenu", "bold"), w.labelled("Lignes", "bold")])
    for entity in fmt.ENTITY_ORDER:
        w.append([SPECS[entity].plural, SHEET_HELP[entity], counts[entity]])
    w.append([fmt.SUMMARY_SHEET, "indicateurs du périmètre, par EPCI et par cité (valeurs calculées, ignorées "
                                 "à l'import)", None])
    w.append([])
    for line in README_NOTES:
        w.append([None, line])


README_KEYS = {
    "format": "Format",
    "version": "Version du format",
    "exported_at": "Exporté le (UTC)",
    "organisation": "Organisation",
    "site": "Identifiant de la base",
    "anonymous": "Anonyme",
    "scope": "Périmètre",
    "period": "Période",
}
README_NOTES = (
    "Ce classeur peut être complété dans Excel ou LibreOffice puis importé dans ERBM Desk (Fichier > Importer…).",
    "Chaque ligne est reconnue par sa colonne « Identifiant » ; une ligne ajoutée à la main (identifiant vide) "
    "l'est par sa clé naturelle (nom de la cité et commune, SIRET, etc.).",
    "Les colonnes masquées (identifiants des références, empreinte) servent à reconnaître les lignes et les "
    "modifications : ne les supprimez pas.",
    "Dates au format jj/mm/aaaa, mois au format mm/aaaa, nombres avec virgule décimale acceptés.",
    "Documentation complète du format : docs/format-echange.md.",
)


def _write_synthese(wb: Workbook, session: Session, options: ExportOptions) -> None:
    threshold = disclosure.threshold_of(session) if options.anonymous else None
    rows = synthese_rows(session, scope_cites(session, options.scope), options.period,
                         scope_label(session, options.scope), options.anonymous, threshold)
    widths = [10, 34, 10] + [14] * (len(SYNTHESE_HEADERS) - 3)
    w = SheetWriter(wb, fmt.SUMMARY_SHEET, widths=widths)
    w.header(list(SYNTHESE_HEADERS))
    for row in rows:
        cells = [w.text(row[0]), w.text(row[1]), w.text(row[2])]
        for i, value in enumerate(row[3:], 3):
            if isinstance(value, Decimal):
                cells.append(w.styled(value, MONEY_FORMAT if i == len(row) - 1 else DECIMAL_FORMAT))
            else:
                cells.append(w.text(value) if isinstance(value, str) else value)
        w.append(cells)
    w.autofilter()
    if options.anonymous:  # below the table, outside its filter: what « < 5 » and « s » mean
        w.append([])
        w.append([w.text(disclosure.SMALL_NOTE.format(threshold=threshold))])

