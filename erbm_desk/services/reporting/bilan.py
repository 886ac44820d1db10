"""The comité's bilan as a PDF: title page with the comité sentence, tables of indicators per EPCI and per
cité, the charts of the scope, one page per cité, page numbers and the date of the data on every page.

Anonymous by construction: nothing here reads a person's name or birth date (only counts leave the
database). In the tables per EPCI and per cité (and on each cité's page, which repeats its row), counts of
people and contracts go through `disclosure.suppress_small` at the database's threshold: a small count reads
« < 5 », and other values are hidden (« s ») so that no total can give it back — the total row of the EPCI
table for its column, and each EPCI's row for the cités of that EPCI.
Written with matplotlib's PdfPages (no other dependency) through `atomic_path`: a cancelled or failed run
leaves the previous file, never half a bilan. A plain function with a progress object (DESIGN rule 3).

The page frame is `bilan_layout`, the tables `bilan_tables`, the pages `bilan_pages`; every figure comes from
one report of the reporting engine (`engine.report`, grouped by cité). A long bilan has its cités' pages drawn by
worker processes (`bilan_parallel`), page for page the same.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from sqlalchemy.orm import Session

from erbm_desk import __version__
from erbm_desk.domain.reporting import Period, Scope
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.progress import NullProgress, Progress
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.reporting.bilan_layout import Pages, chunks, drawing_pages, short_label
from erbm_desk.services.reporting.bilan_parallel import CitePages, join_pdfs, worker_count
from erbm_desk.services.reporting.bilan_parallel import cite_pages as drawn_apart
from erbm_desk.services.reporting.bilan_pages import chart_pages, cite_page, title_page
from erbm_desk.services.reporting.bilan_parcours import definitions_page, exits_chart_page, path_page
from erbm_desk.services.reporting.bilan_tables import (
    CITE_COLUMNS,
    COUNTS,
    EPCI_COLUMNS,
    disclose_tables,
    draw_table,
    total_row,
)
from erbm_desk.services.reporting.dashboard_data import (
    as_of_date,
    cites_series,
    dashboard_of,
    ranked,
    report_title,
    scope_has_lots,
    scope_lots,
)
from erbm_desk.services.reporting.engine import report

ROWS_PER_TABLE_PAGE = 22
PATH_PAGES = 2  # the person's path: its figures and tables, its chart (bilan_parcours.py)


@dataclass(frozen=True)
class BilanSummary:
    path: Path
    pages: int
    cites: int
    as_of: date


def write_bilan(session: Session, target: str | Path, scope: Scope = Scope(), period: Period = Period(),
                progress: Progress | None = None, today: date | None = None) -> BilanSummary:
    """Write the bilan of `scope` over `period` to `target` (PDF). Raises ScopeError for an unknown scope and
    Cancelled when the progress object says so (the target is then left as it was)."""
    progress = progress or NullProgress()
    today = today or date.today()
    progress.start(1, "Calcul des indicateurs…")
    r = report(session, scope, period, by="cite")
    epcis, cites = r.grouped("epci"), ranked(r.groups)
    cites_by_name = sorted(cites, key=lambda r: (r.epci, r.name, r.commune))
    # a page of its own only for a cité with something to show: its row of the table says the rest (a bilan of
    # one operation is not two dozen empty pages)
    cites_shown = [row for row in cites_by_name if row.operations or row.contracts or row.hours_realised]
    workers = worker_count(len(cites_shown))
    # a long bilan's workers start now (a second each, importing Python's and matplotlib's modules) while this
    # process reads what the cités' pages need and counts the pages; they draw those pages while it reads the
    # rest of the scope's figures (the lots' lines, a second at ten times ERBM's size) and draws the first pages
    with drawn_apart(workers) if workers else nullcontext() as drawing:
        as_of = as_of_date(session, r.period)
        series = cites_series(session, r, as_of)
        epci_pages = chunks(epcis, ROWS_PER_TABLE_PAGE)
        cite_pages = chunks(cites_by_name, ROWS_PER_TABLE_PAGE)
        # the titulaires' page: one line per company of a lot (the lines themselves are read below)
        chart_count = 3 + (len(cites) > 1) + scope_has_lots(session, r)
        # the title, the tables, the charts, the path's pages, a page per cité shown, the definitions last
        total = 1 + len(epci_pages) + len(cite_pages) + chart_count + PATH_PAGES + len(cites_shown) + 1
        totals = total_row(r.total, len(cites))
        tables = disclose_tables(epcis, cites, {c: getattr(totals, c) for c in COUNTS},
                                 disclosure.threshold_of(session))
        progress.start(total, "Écriture du bilan…")
        target = Path(target)
        title = report_title(session, r)
        metadata = {"Title": f"Bilan ERBM — {title}", "Creator": f"ERBM Desk {__version__}",
                    "Subject": "Bilan pour le comité de pilotage de l'ERBM"}
        label = short_label(title)
        if workers:  # a long bilan: the cités' pages, then the last page, drawn by the worker processes from now
            drawing.start(metadata, total - len(cites_shown), total, label, as_of, [series[r.id] for r in cites_shown],
                          tables, r.total.data_problems)
        data = dashboard_of(session, r, lots=scope_lots(session, r, as_of))
        if not workers:
            with atomic_path(target) as tmp, drawing_pages(), \
                    PdfPages(tmp, metadata=metadata) as pdf:
                pages = Pages(pdf, total, label, as_of, progress)
                _first_pages(pages, data, period, today, tables, totals, epcis, epci_pages, cite_pages)
                for row in cites_shown:
                    cite_page(pages, series[row.id], tables)
                # the last page: where each figure is defined, what to complete
                definitions_page(pages, r.total.data_problems)
            return BilanSummary(target, pages.number, len(cites_by_name), as_of)
        with atomic_path(target) as tmp:  # this process draws the first pages meanwhile
            first = drawing.folder / "debut.pdf"
            with drawing_pages(), PdfPages(first, metadata=metadata) as pdf:
                pages = Pages(pdf, total, label, as_of, _Pumping(progress, drawing))
                _first_pages(pages, data, period, today, tables, totals, epcis, epci_pages, cite_pages)
            join_pdfs([first, *drawing.join(progress)], tmp, metadata)
    return BilanSummary(target, total, len(cites_by_name), as_of)


class _Pumping:
    """The caller's progress, also told of the pages the workers drew each time this process draws one."""

    def __init__(self, progress: Progress, drawing: CitePages):
        self.progress, self.drawing = progress, drawing

    def start(self, total: int, label: str = "") -> None:
        self.progress.start(total, label)

    def advance(self, steps: int = 1) -> None:
        self.progress.advance(steps)
        self.drawing.pump(self.progress)

    def cancelled(self) -> bool:
        return self.progress.cancelled()


def _first_pages(pages: Pages, data, period: Period, today: date, tables, totals, epcis, epci_pages,
                 cite_pages) -> None:
    """The title page, the tables per EPCI and per cité, the scope's charts and the path's pages."""
    title_page(pages, data, period, today, tables.threshold)
    index = {id(r): i for i, r in enumerate(epcis)}
    for i, chunk in enumerate(epci_pages):
        fig = pages.page("Indicateurs par EPCI" + (f" (suite {i + 1})" if i else ""))
        last = i == len(epci_pages) - 1
        counts = [lambda c, k=index[id(r)]: tables.epci_text(k, c) for r in chunk]
        draw_table(fig, EPCI_COLUMNS, chunk, counts, (totals, tables.total.get) if last else None, tables.note)
        pages.save(fig)
    for i, chunk in enumerate(cite_pages):
        fig = pages.page("Indicateurs par cité" + (f" ({i + 1}/{len(cite_pages)})" if len(cite_pages) > 1 else ""))
        counts = [lambda c, cid=r.id: tables.cite_text(cid, c) for r in chunk]
        draw_table(fig, CITE_COLUMNS, chunk, counts, None, tables.note)
        pages.save(fig)
    chart_pages(pages, data, tables)
    path_page(pages, data, tables.threshold)
    exits_chart_page(pages, data, tables.threshold)
