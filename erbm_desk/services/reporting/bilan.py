"""The comité's bilan as a PDF: title page with the comité sentence, tables of indicators per EPCI and per
cité, the charts of the scope, one page per cité, page numbers and the date of the data on every page.

Anonymous by construction: nothing here reads a person's name or birth date (only counts leave the
database). In the tables per EPCI and per cité (and on each cité's page, which repeats its row), counts of
people and contracts go through `disclosure.suppress_small` at the database's threshold: a small count reads
« < 5 », and other values are hidden (« s ») so that no total can give it back — the total row of the EPCI
table for its column, and each EPCI's row for the cités of that EPCI.
Written with matplotlib's PdfPages (no other dependency) through `atomic_path`: a cancelled or failed run
leaves the previous file, never half a bilan. A plain function with a progress object (DESIGN rule 3).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from sqlalchemy.orm import Session

from erbm_desk import __version__
from erbm_desk.charts.breakdowns import contracts_figure, funding_figure, people_figure, phases_figure
from erbm_desk.charts.cites import cites_figure
from erbm_desk.charts.energy import energy_figure
from erbm_desk.charts.homes import homes_figure
from erbm_desk.charts.hours import hours_figure
from erbm_desk.charts.map import map_figure
from erbm_desk.charts.style import (
    GRID,
    INK,
    MUTED,
    PRIMARY,
    fr_hours,
    fr_money_short,
    fr_month,
    fr_number,
    fr_percent,
)
from erbm_desk.domain.french import format_date
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.reporting.dashboard_data import (
    DashboardData,
    GroupRow,
    cite_series,
    commune_shapes,
    dashboard_data,
    epci_outlines,
    group_rows,
)
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.progress import NullProgress, Progress, check_cancel

A4_LANDSCAPE = (11.69, 8.27)
ROWS_PER_TABLE_PAGE = 22
# The counts of a row that small-count suppression covers, in the tables' order.
COUNTS = ("people", "people_rsa", "people_under_26", "people_women", "contracts")


@dataclass(frozen=True)
class Tables:
    """The per-EPCI and per-cité tables' counts after suppression: what each cell prints."""

    epcis: disclosure.Disclosed  # rows: the EPCIs in the order given; columns: COUNTS
    cites: dict[int, tuple[disclosure.Disclosed, int]]  # cité id -> (the table of its EPCI's cités, its row)
    total: dict[str, str]  # the EPCI table's total row (the scope's own indicators: people counted once)
    threshold: int

    def epci_text(self, i: int, count: str) -> str:
        return self.epcis.text(i, COUNTS.index(count))

    def cite_text(self, cite_id: int, count: str) -> str:
        table, i = self.cites[cite_id]
        return table.text(i, COUNTS.index(count))

    @property
    def note(self) -> str:
        return disclosure.SMALL_NOTE.format(threshold=self.threshold)


def _hide_more(table: disclosure.Disclosed, column: int) -> None:
    """Hide the smallest non-zero value still shown in `column` (its EPCI's value of that column is hidden in
    the EPCI table, so the cités' shown values must not add up to it)."""
    shown = [(v, i) for i, row in enumerate(table.cells) if (v := row[column])]
    if shown:
        table.cells[min(shown)[1]][column] = None


def disclose_tables(epcis: list[GroupRow], cites: list[GroupRow], total: dict[str, int],
                    threshold: int) -> Tables:
    """Suppress small counts in the per-EPCI table (rows `epcis`, with the scope's `total` under it) and in the
    per-cité table, EPCI by EPCI: the rows of one EPCI's cités add up to that EPCI's row (people nearly: a
    person who worked on two cités counts in both), so each EPCI's cités form one table whose column totals
    are the EPCI's values."""
    epci_table = disclosure.suppress_small([[getattr(r, c) for c in COUNTS] for r in epcis], threshold,
                                           [r.epci for r in epcis], list(COUNTS))
    total_text = {}
    for j, count in enumerate(COUNTS):
        # The scope's own figure (people once), hidden when the column's sum is, or when itself small.
        value = total[count]
        if epci_table.column_totals[j] is None:
            total_text[count] = epci_table.text(None, j)
        elif 0 < value < threshold:
            total_text[count] = f"< {threshold}"
        else:
            total_text[count] = disclosure.format_count(value)
    by_epci: dict[str, list[GroupRow]] = {}
    for row in cites:
        by_epci.setdefault(row.epci, []).append(row)
    epci_index = {r.epci: i for i, r in enumerate(epcis)}
    cite_tables: dict[int, tuple[disclosure.Disclosed, int]] = {}
    for short, rows in by_epci.items():
        table = disclosure.suppress_small([[getattr(r, c) for c in COUNTS] for r in rows], threshold,
                                          [r.name for r in rows], list(COUNTS))
        i = epci_index.get(short)
        for j in range(len(COUNTS)):
            epci_hidden = i is not None and epci_table.cells[i][j] is None
            if epci_hidden and all(row[j] is not None for row in table.cells):
                _hide_more(table, j)
        for k, row in enumerate(rows):
            cite_tables[row.id] = (table, k)
    return Tables(epci_table, cite_tables, total_text, threshold)


@dataclass(frozen=True)
class BilanSummary:
    path: Path
    pages: int
    cites: int
    as_of: date


def short_label(label: str) -> str:
    """« EPCI : Communauté d'agglomération de la Porte du Hainaut (CAPH) » -> « EPCI : CA de la Porte du
    Hainaut (CAPH) », for page titles and footers."""
    return label.replace("Communauté d'agglomération", "CA").replace("Communauté de communes", "CC")


def period_text(period: Period) -> str:
    if period.start and period.end:
        return f"de {fr_month(period.start)} à {fr_month(period.end)}"
    if period.start:
        return f"depuis {fr_month(period.start)}"
    if period.end:
        return f"jusqu'à {fr_month(period.end)}"
    return "depuis le début du programme (2017)"


# ---------------------------------------------------------------------------------------------- page frame


class _Pages:
    """Numbers the pages and frames each one (header, footer with the date of the data and « page n / N »)."""

    def __init__(self, pdf: PdfPages, total: int, label: str, as_of: date, progress: Progress):
        self.pdf, self.total, self.label, self.as_of, self.progress = pdf, total, label, as_of, progress
        self.number = 0

    def page(self, title: str | None) -> Figure:
        check_cancel(self.progress)
        fig = Figure(figsize=A4_LANDSCAPE, dpi=100, facecolor="white")
        if title:
            fig.text(0.04, 0.955, title, fontsize=15, fontweight="bold", color=INK, va="top")
            fig.add_artist(Line2D([0.04, 0.96], [0.905, 0.905], color=PRIMARY, linewidth=1.2))
        return fig

    def save(self, fig: Figure) -> None:
        self.number += 1
        fig.text(0.04, 0.025, f"ERBM Desk — bilan pour le comité de pilotage — {self.label}", fontsize=7.5,
                 color=MUTED)
        fig.text(0.96, 0.025, f"Données arrêtées au {format_date(self.as_of)} — page {self.number} / {self.total}",
                 fontsize=7.5, color=MUTED, ha="right")
        self.pdf.savefig(fig)
        self.progress.advance()


# ---------------------------------------------------------------------------------------------- pages


def _title_page(pages: _Pages, data: DashboardData, period: Period, today: date, threshold: int) -> None:
    ind = data.indicators
    fig = pages.page(None)
    fig.text(0.06, 0.86, "Bilan de l'Engagement pour le Renouveau du Bassin Minier", fontsize=22,
             fontweight="bold", color=INK)
    fig.text(0.06, 0.81, "Clauses d'insertion et rénovation des cités minières — comité de pilotage",
             fontsize=13, color=MUTED)
    fig.text(0.06, 0.73, data.label, fontsize=16, color=PRIMARY, fontweight="bold")
    fig.text(0.06, 0.69, f"Période : {period_text(period)} — données arrêtées au {format_date(data.as_of)}",
             fontsize=11, color=INK)
    sentence = "\n".join(textwrap.wrap(f"« {ind.sentence} »", 78))
    fig.text(0.06, 0.60, sentence, fontsize=17, color=INK, va="top", linespacing=1.5,
             bbox=dict(boxstyle="round,pad=0.8", facecolor="#eef3f8", edgecolor="none"))
    homes_goal = f" — objectif ERBM {fr_number(ind.homes_target)}" if data.scope.kind == "territory" else ""
    figures = [
        ("Heures d'insertion réalisées / exigées",
         f"{fr_hours(ind.hours_realised)} / {fr_hours(ind.hours_required)} ({fr_percent(ind.hours_rate)})"),
        ("Personnes en parcours",
         f"{fr_number(ind.people)} dont {fr_number(ind.people_women)} femme{'s' if ind.people_women > 1 else ''}"),
        ("Contrats d'insertion", fr_number(ind.contracts)),
        ("Opérations", fr_number(ind.operations)),
        ("Logements livrés / prévus",
         f"{fr_number(ind.homes_delivered)} / {fr_number(ind.homes_planned)}{homes_goal}"),
        ("Financements accordés", fr_money_short(ind.funding_total)),
    ]
    y = 0.36
    for i, (label, value) in enumerate(figures):
        x = 0.06 if i % 2 == 0 else 0.52
        fig.text(x, y, label, fontsize=9.5, color=MUTED)
        fig.text(x, y - 0.035, value, fontsize=13, color=INK, fontweight="bold")
        if i % 2:
            y -= 0.09
    notice = ("Document anonyme : aucun nom de personne. Dans les tableaux par EPCI et par cité, les effectifs "
              f"inférieurs à {threshold} sont affichés « < {threshold} » et d'autres valeurs masquées « s » pour "
              "qu'aucun total ne les révèle.")
    fig.text(0.06, 0.13, "\n".join(textwrap.wrap(notice, 150)), fontsize=8.5, color=MUTED, va="top",
             linespacing=1.4)
    fig.text(0.06, 0.06, f"Édité le {format_date(today)} avec ERBM Desk {__version__}.", fontsize=8.5,
             color=MUTED)
    pages.save(fig)


# (header, width as a share of the table, cell text from the row and the text of a count by name, right-aligned)
_Column = tuple[str, float, Callable[[GroupRow, Callable[[str], str]], str], bool]


def _epci_name(row: GroupRow, _count) -> str:
    return f"{short_label(row.name)} ({row.epci})" if row.epci else row.name


COMMON_COLUMNS: list[_Column] = [
    ("Heures\nréalisées", 0.08, lambda r, c: fr_number(r.hours_realised), True),
    ("Heures\nexigées", 0.075, lambda r, c: fr_number(r.hours_required), True),
    ("Taux", 0.06, lambda r, c: fr_percent(r.hours_rate), True),
    ("Personnes", 0.065, lambda r, c: c("people"), True),
    ("dont\nRSA", 0.05, lambda r, c: c("people_rsa"), True),
    ("dont\n< 26 ans", 0.06, lambda r, c: c("people_under_26"), True),
    ("dont\nfemmes", 0.055, lambda r, c: c("people_women"), True),
    ("Contrats", 0.06, lambda r, c: c("contracts"), True),
    ("Logements\nlivrés / prévus", 0.09,
     lambda r, c: f"{fr_number(r.homes_delivered)} / {fr_number(r.homes_planned)}", True),
    ("Finance-\nments", 0.065, lambda r, c: fr_money_short(r.funding), True),
]
EPCI_COLUMNS: list[_Column] = [
    ("EPCI", 0.29, _epci_name, False),
    ("Cités", 0.04, lambda r, c: fr_number(r.cites), True),
] + COMMON_COLUMNS
CITE_COLUMNS: list[_Column] = [
    ("Cité", 0.15, lambda r, c: r.name, False),
    ("Commune", 0.11, lambda r, c: r.commune, False),
    ("EPCI", 0.06, lambda r, c: r.epci, False),
] + COMMON_COLUMNS


def _table(fig: Figure, columns: list[_Column], rows: list[GroupRow], counts: list[Callable[[str], str]],
           total: tuple[GroupRow, Callable[[str], str]] | None, note: str, top: float = 0.87,
           row_h: float = 0.031) -> None:
    """Rows of texts with a header, zebra stripes and an optional bold total row; `counts[i]` gives the
    printed counts of row i (after suppression), `note` explains « < 5 » and « s » under the table."""
    left, width = 0.04, 0.92
    scale = width / sum(c[1] for c in columns)
    xs, x = [], left
    for col in columns:
        xs.append((x, x + col[1] * scale))
        x += col[1] * scale

    def cells(y: float, values: list[str], **style) -> None:
        for (x0, x1), col, value in zip(xs, columns, values):
            right = col[3]
            room = int((x1 - x0) * A4_LANDSCAPE[0] / 0.062)  # characters that fit at 8 pt
            text = value if right or len(value) <= room else value[: room - 1] + "…"
            fig.text(x1 - 0.004 if right else x0 + 0.004, y, text, ha="right" if right else "left", va="center",
                     fontsize=8, color=INK, **style)

    header_y = top - row_h
    for (x0, x1), col in zip(xs, columns):
        right = col[3]
        fig.text(x1 - 0.004 if right else x0 + 0.004, header_y, col[0], ha="right" if right else "left",
                 va="center", fontsize=7.5, color=MUTED, fontweight="bold",
                 multialignment="right" if right else "left", linespacing=1.1)
    y = top - 2 * row_h
    fig.add_artist(Line2D([left, left + width], [y, y], color=INK, linewidth=0.8))
    for i, row in enumerate(rows):
        if i % 2 == 0:
            fig.add_artist(Rectangle((left, y - row_h), width, row_h, color=GRID, alpha=0.55, linewidth=0))
        cells(y - row_h / 2, [col[2](row, counts[i]) for col in columns])
        y -= row_h
    if total:
        fig.add_artist(Line2D([left, left + width], [y, y], color=INK, linewidth=0.8))
        cells(y - row_h / 2, [col[2](total[0], total[1]) for col in columns], fontweight="bold")
        y -= row_h
    fig.text(left, y - row_h * 0.8, note, fontsize=7.5, color=MUTED, va="top")


def _total_row(data: DashboardData) -> GroupRow:
    """The scope's own indicators (people counted once) under the per-EPCI table: the comité sentence's
    figures (their counts printed through `Tables.total`)."""
    ind = data.indicators
    return GroupRow(id=0, name="Total", hours_realised=ind.hours_realised, hours_required=ind.hours_required,
                    people=ind.people, people_rsa=ind.people_rsa, people_under_26=ind.people_under_26,
                    people_women=ind.people_women, contracts=ind.contracts, homes_planned=ind.homes_planned,
                    homes_delivered=ind.homes_delivered, funding=ind.funding_total, cites=len(data.cites))


def _chunks(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def _band(fig: Figure) -> Figure:
    """The part of a page between its header and its footer, as a SubFigure the charts are drawn into.
    (Subfigures follow only the ratios of a grid, not its margins: hence nested subfigures.)"""
    middle = fig.subfigures(3, 1, height_ratios=[0.115, 0.835, 0.05])[1]
    return middle.subfigures(1, 3, width_ratios=[0.025, 0.95, 0.025])[1]


def _chart_pages(pages: _Pages, data: DashboardData, tables: Tables) -> None:
    ind = data.indicators
    label = short_label(data.label)
    fig = pages.page(f"{label} en graphiques — insertion")
    (a, b), (c, d) = _band(fig).subfigures(2, 2)
    hours_figure(data.hours, into=a)
    homes_figure(data.homes, into=b)
    people_figure(data.people_by_public, data.people_by_sex, ind.people, mask_below=tables.threshold, into=c)
    contracts_figure(data.contracts_by_type, data.contracts_by_delivery, into=d)
    pages.save(fig)

    fig = pages.page(f"{label} en graphiques — opérations")
    left, right = _band(fig).subfigures(1, 2)
    top_left, bottom_left = left.subfigures(2, 1)
    phases_figure(data.operations_by_phase, into=top_left)
    funding_figure(data.funding_by_funder, into=bottom_left)
    energy_figure(data.energy, data.energy_level, into=right, max_rows=20)
    pages.save(fig)

    fig = pages.page(f"{label} — carte")
    map_figure(data.map, commune_shapes(), epci_outlines(), into=_band(fig), clickable=False)
    pages.save(fig)

    if len(data.cites) > 1:
        fig = pages.page(f"{label} — comparaison des cités")
        hidden = {r.id: text for r in data.cites
                  if r.id in tables.cites and not (text := tables.cite_text(r.id, "people"))[:1].isdigit()}
        cites_figure(data.cites, top_n=25, hidden=hidden, into=_band(fig))
        pages.save(fig)


def _cite_page(pages: _Pages, session: Session, row: GroupRow, period: Period, as_of: date,
               tables: Tables) -> None:
    series = cite_series(session, row.id, period, as_of)
    fig = pages.page(f"{row.name} — {row.commune} ({row.epci})")
    fig.text(0.04, 0.875, f"Bailleur : {row.bailleur or 'non renseigné'} — {fr_number(row.operations)} "
             f"opération{'s' if row.operations > 1 else ''}", fontsize=10, color=MUTED, va="top")
    figures = [
        ("Heures réalisées", fr_hours(row.hours_realised)),
        ("Heures exigées", fr_hours(row.hours_required)),
        ("Taux de réalisation", fr_percent(row.hours_rate)),
        ("Personnes", tables.cite_text(row.id, "people")),
        ("dont bénéficiaires du RSA", tables.cite_text(row.id, "people_rsa")),
        ("dont moins de 26 ans", tables.cite_text(row.id, "people_under_26")),
        ("dont femmes", tables.cite_text(row.id, "people_women")),
        ("Contrats", tables.cite_text(row.id, "contracts")),
        ("Logements livrés / prévus", f"{fr_number(row.homes_delivered)} / {fr_number(row.homes_planned)}"),
        ("Financements accordés", fr_money_short(row.funding)),
    ]
    y = 0.825
    for label, value in figures:
        fig.text(0.05, y, label, fontsize=9, color=MUTED, va="center")
        fig.text(0.38, y, value, fontsize=10, color=INK, ha="right", va="center", fontweight="bold")
        fig.add_artist(Line2D([0.05, 0.38], [y - 0.017, y - 0.017], color=GRID, linewidth=0.8))
        y -= 0.036
    if any(tables.cite_text(row.id, c)[:1] in "<s" for c in COUNTS):
        fig.text(0.05, y + 0.005, "\n".join(textwrap.wrap(tables.note, 62)), fontsize=7, color=MUTED, va="top")
    top, bottom = _band(fig).subfigures(2, 1)
    hours_figure(series.hours, into=top.subfigures(1, 2, width_ratios=[0.4, 0.6])[1])
    homes_part, energy_part = bottom.subfigures(1, 2)
    homes_figure(series.homes, into=homes_part)
    energy_figure(series.energy, "opération", into=energy_part, max_rows=8)
    pages.save(fig)


# ---------------------------------------------------------------------------------------------- entry point


def write_bilan(session: Session, target: str | Path, scope: Scope = Scope(), period: Period = Period(),
                progress: Progress | None = None, today: date | None = None) -> BilanSummary:
    """Write the bilan of `scope` over `period` to `target` (PDF). Raises ScopeError for an unknown scope and
    Cancelled when the progress object says so (the target is then left as it was)."""
    progress = progress or NullProgress()
    today = today or date.today()
    progress.start(1, "Calcul des indicateurs…")
    data = dashboard_data(session, scope, period)
    epcis, cites = group_rows(session, scope, period)
    cites_by_name = sorted(cites, key=lambda r: (r.epci, r.name, r.commune))
    epci_pages = _chunks(epcis, ROWS_PER_TABLE_PAGE)
    cite_pages = _chunks(cites_by_name, ROWS_PER_TABLE_PAGE)
    chart_pages = 3 + (len(data.cites) > 1)
    total = 1 + len(epci_pages) + len(cite_pages) + chart_pages + len(cites_by_name)
    totals = _total_row(data)
    tables = disclose_tables(epcis, cites, {c: getattr(totals, c) for c in COUNTS}, disclosure.threshold_of(session))
    progress.start(total, "Écriture du bilan…")
    target = Path(target)
    metadata = {"Title": f"Bilan ERBM — {data.label}", "Creator": f"ERBM Desk {__version__}",
                "Subject": "Bilan pour le comité de pilotage de l'ERBM"}
    with atomic_path(target) as tmp, matplotlib.rc_context({"pdf.fonttype": 42}), \
            PdfPages(tmp, metadata=metadata) as pdf:
        pages = _Pages(pdf, total, short_label(data.label), data.as_of, progress)
        _title_page(pages, data, period, today, tables.threshold)
        index = {id(r): i for i, r in enumerate(epcis)}
        for i, chunk in enumerate(epci_pages):
            fig = pages.page("Indicateurs par EPCI" + (f" (suite {i + 1})" if i else ""))
            last = i == len(epci_pages) - 1
            counts = [lambda c, k=index[id(r)]: tables.epci_text(k, c) for r in chunk]
            _table(fig, EPCI_COLUMNS, chunk, counts, (totals, tables.total.get) if last else None, tables.note)
            pages.save(fig)
        for i, chunk in enumerate(cite_pages):
            fig = pages.page("Indicateurs par cité" + (f" ({i + 1}/{len(cite_pages)})" if len(cite_pages) > 1 else ""))
            counts = [lambda c, cid=r.id: tables.cite_text(cid, c) for r in chunk]
            _table(fig, CITE_COLUMNS, chunk, counts, None, tables.note)
            pages.save(fig)
        _chart_pages(pages, data, tables)
        for row in cites_by_name:
            _cite_page(pages, session, row, period, data.as_of, tables)
    return BilanSummary(target, pages.number, len(cites_by_name), data.as_of)
