"""Exporting the exchange workbook: Lisez-moi, one sheet per entity, Synthèse (values), hidden Listes.

Its parts: export_selection.py reads the rows, export_row_cells.py turns them into cells, readme_sheet.py writes
the Lisez-moi, sheetwriter.py the sheets.

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

from sqlalchemy.orm import Session

from erbm_desk.db.models import utcnow
from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.domain.french import format_count
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.paused_gc import paused_gc
from erbm_desk.services.exchange.export_row_cells import RecordTexts, RowCells
from erbm_desk.services.exchange.export_selection import collect_rows
from erbm_desk.services.exchange.readme_sheet import period_text, write_readme
from erbm_desk.services.exchange.sheet_format import Role
from erbm_desk.services.exchange.sheetwriter import (
    DECIMAL_FORMAT,
    MONEY_FORMAT,
    ExchangeWorkbook,
    ListsSheet,
    SheetWriter,
)
from erbm_desk.services.exchange.site_log import own_site_uuid
from erbm_desk.services.exchange.synthese import HEADERS as SYNTHESE_HEADERS
from erbm_desk.services.exchange.synthese import synthese_rows
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.reporting.scopes import scope_label
from erbm_desk.services.security import audit, authz


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
        parts = ", ".join(format_count(n, SPECS[e].noun.one, SPECS[e].noun.many) for e, n in self.counts.items())
        kind = "anonyme" if self.anonymous else "nominatif"
        return f"Classeur {kind} enregistré : {self.path.name} ({parts})."


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
    counts = {e: len(rows[e]) for e in fmt.workbook_entities(options.anonymous)}
    total_rows = sum(counts.values())
    progress.start(total_rows + 2, "Écriture du classeur")
    site = own_site_uuid(session)
    with atomic_path(path) as tmp:
        wb = ExchangeWorkbook(tmp)
        try:
            _write_sheets(wb, session, options, rows, counts, exported_at, site, progress)
        except BaseException:
            wb.discard()
            raise
        wb.close()
        check_cancel(progress)
        if not session.info.get("read_only"):
            audit.log_event(session, "export", "*", {
                "fichier": path.name, "anonyme": options.anonymous, "perimetre": scope_label(session, options.scope),
                "periode": period_text(options.period), "lignes": counts})
    progress.advance(1)
    return ExportSummary(path, counts, options.anonymous, time.perf_counter() - started)


def _write_sheets(wb: ExchangeWorkbook, session: Session, options: ExportOptions, rows: dict[str, list[Any]],
                  counts: dict[str, int], exported_at: datetime, site: str | None, progress: Progress) -> None:
    step = max(sum(counts.values()) // 200, 500)
    lists = ListsSheet()
    write_readme(wb, counts, exported_at, site, scope_label(session, options.scope), options.period, options.anonymous,
                 options.organisation)
    refs = RecordTexts(session, options.anonymous)
    births: dict[int, tuple[date | None, datetime]] = {}
    written = 0
    for entity in fmt.workbook_entities(options.anonymous):
        spec = SPECS[entity]
        columns = fmt.sheet_columns(spec, options.anonymous)
        writer = SheetWriter(wb, spec.plural, hidden=[i for i, c in enumerate(columns, 1) if c.hidden])
        row_writer = RowCells(writer, entity, columns, refs, births, options.anonymous)
        first = [row_writer.cells(row) for row in rows[entity][:FIT_ROWS]]
        writer.set_widths(row_writer.widths_of(columns, first), row_writer.looks)
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


def _add_validations(writer: SheetWriter, columns, lists: ListsSheet) -> None:
    for i, col in enumerate(columns, 1):
        c = col.column
        if col.role is not Role.FIELD:
            continue
        if c.kind is Kind.ENUM:
            writer.validate_list(i, lists.ref(c.choices.__name__, c.choices.labels(), c.label), c.label)
        elif c.kind is Kind.BOOL:
            writer.validate_list(i, lists.ref("Oui/Non", ["Oui", "Non"]), c.label)


def _write_synthese(wb: ExchangeWorkbook, session: Session, options: ExportOptions) -> None:
    threshold = disclosure.threshold_of(session) if options.anonymous else None
    rows = synthese_rows(session, options.scope, options.period, scope_label(session, options.scope),
                         options.anonymous, threshold)
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
