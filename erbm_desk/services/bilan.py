"""The comité's bilan as a PDF: title page with the comité sentence, tables of indicators per EPCI and per
cité, the charts of the scope, one page per cité, page numbers and the date of the data on every page.

Anonymous by construction: nothing here reads a person's name or birth date (only counts leave the
database), and in the tables per EPCI and per cité, counts of people and contracts below 5 read « < 5 ».
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
from erbm_desk.domain.values import format_date
from erbm_desk.services.atomic import atomic_path
from erbm_desk.services.dashboard_data import (
    DashboardData,
    GroupRow,
    cite_series,
    commune_shapes,
    dashboard_data,
    epci_outlines,
    group_rows,
)
from erbm_desk.services.indicators import Period, Scope
from erbm_desk.services.progress import NullProgress, Progress, check_cancel

SMALL_COUNT = 5
A4_LANDSCAPE = (11.69, 8.27)
ROWS_PER_TABLE_PAGE = 22
MASKED = f"< {SMALL_COUNT}"


def masked(n: int) -> str:
    """A count of people or contracts as a per-EPCI or per-cité table shows it: « < 5 » below 5."""
    return MASKED if n < SMALL_COUNT else fr_number(n)


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


def _title_page(pages: _Pages, data: DashboardData, period: Period, today: date) -> None:
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
    fig.text(0.06, 0.085, "Document anonyme : aucun nom de personne. Dans les tableaux par EPCI et par cité, "
             f"les effectifs inférieurs à {SMALL_COUNT} sont affichés « {MASKED} ».", fontsize=8.5, color=MUTED)
    fig.text(0.06, 0.06, f"Édité le {format_date(today)} avec ERBM Desk {__version__}.", fontsize=8.5,
             color=MUTED)
    pages.save(fig)


# (header, width as a share of the table, cell text from the row and the formatter of counts, right-aligned)
_Column = tuple[str, float, Callable[[GroupRow, Callable[[int], str]], str], bool]


def _epci_name(row: GroupRow, _count) -> str:
    return f"{short_label(row.name)} ({row.epci})" if row.epci else row.name


COMMON_COLUMNS: list[_Column] = [
    ("Heures\nréalisées", 0.08, lambda r, c: fr_number(r.hours_realised), True),
    ("Heures\nexigées", 0.075, lambda r, c: fr_number(r.hours_required), True),
    ("Taux", 0.06, lambda r, c: fr_percent(r.hours_rate), True),
    ("Personnes", 0.065, lambda r, c: c(r.people), True),
    ("dont\nRSA", 0.05, lambda r, c: c(r.people_rsa), True),
    ("dont\n< 26 ans", 0.06, lambda r, c: c(r.people_under_26), True),
    ("dont\nfemmes", 0.055, lambda r, c: c(r.people_women), True),
    ("Contrats", 0.06, lambda r, c: c(r.contracts), True),
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


def _table(fig: Figure, columns: list[_Column], rows: list[GroupRow], total: GroupRow | None,
           top: float = 0.87, row_h: float = 0.031) -> None:
    """Rows of texts with a header, zebra stripes (counts masked) and an optional bold total row (unmasked)."""
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
        cells(y - row_h / 2, [col[2](row, masked) for col in columns])
        y -= row_h
    if total:
        fig.add_artist(Line2D([left, left + width], [y, y], color=INK, linewidth=0.8))
        cells(y - row_h / 2, [col[2](total, fr_number) for col in columns], fontweight="bold")


def _total_row(data: DashboardData) -> GroupRow:
    """The scope's own indicators (people counted once) under the per-EPCI table: the comité sentence's
    figures, so shown unmasked."""
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


def _chart_pages(pages: _Pages, data: DashboardData) -> None:
    ind = data.indicators
    label = short_label(data.label)
    fig = pages.page(f"{label} en graphiques — insertion")
    (a, b), (c, d) = _band(fig).subfigures(2, 2)
    hours_figure(data.hours, into=a)
    homes_figure(data.homes, into=b)
    people_figure(data.people_by_public, data.people_by_sex, ind.people, mask_below=SMALL_COUNT, into=c)
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
        cites_figure(data.cites, top_n=25, mask_below=SMALL_COUNT, into=_band(fig))
        pages.save(fig)


def _cite_page(pages: _Pages, session: Session, row: GroupRow, period: Period, as_of: date) -> None:
    series = cite_series(session, row.id, period, as_of)
    fig = pages.page(f"{row.name} — {row.commune} ({row.epci})")
    fig.text(0.04, 0.875, f"Bailleur : {row.bailleur or 'non renseigné'} — {fr_number(row.operations)} "
             f"opération{'s' if row.operations > 1 else ''}", fontsize=10, color=MUTED, va="top")
    figures = [
        ("Heures réalisées", fr_hours(row.hours_realised)),
        ("Heures exigées", fr_hours(row.hours_required)),
        ("Taux de réalisation", fr_percent(row.hours_rate)),
        ("Personnes", masked(row.people)),
        ("dont bénéficiaires du RSA", masked(row.people_rsa)),
        ("dont moins de 26 ans", masked(row.people_under_26)),
        ("dont femmes", masked(row.people_women)),
        ("Contrats", masked(row.contracts)),
        ("Logements livrés / prévus", f"{fr_number(row.homes_delivered)} / {fr_number(row.homes_planned)}"),
        ("Financements accordés", fr_money_short(row.funding)),
    ]
    y = 0.825
    for label, value in figures:
        fig.text(0.05, y, label, fontsize=9, color=MUTED, va="center")
        fig.text(0.38, y, value, fontsize=10, color=INK, ha="right", va="center", fontweight="bold")
        fig.add_artist(Line2D([0.05, 0.38], [y - 0.017, y - 0.017], color=GRID, linewidth=0.8))
        y -= 0.036
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
    progress.start(total, "Écriture du bilan…")
    target = Path(target)
    metadata = {"Title": f"Bilan ERBM — {data.label}", "Creator": f"ERBM Desk {__version__}",
                "Subject": "Bilan pour le comité de pilotage de l'ERBM"}
    with atomic_path(target) as tmp, matplotlib.rc_context({"pdf.fonttype": 42}), \
            PdfPages(tmp, metadata=metadata) as pdf:
        pages = _Pages(pdf, total, short_label(data.label), data.as_of, progress)
        _title_page(pages, data, period, today)
        for i, chunk in enumerate(epci_pages):
            fig = pages.page("Indicateurs par EPCI" + (f" (suite {i + 1})" if i else ""))
            last = i == len(epci_pages) - 1
            _table(fig, EPCI_COLUMNS, chunk, _total_row(data) if last else None)
            pages.save(fig)
        for i, chunk in enumerate(cite_pages):
            fig = pages.page("Indicateurs par cité" + (f" ({i + 1}/{len(cite_pages)})" if len(cite_pages) > 1 else ""))
            _table(fig, CITE_COLUMNS, chunk, None)
            pages.save(fig)
        _chart_pages(pages, data)
        for row in cites_by_name:
            _cite_page(pages, session, row, period, data.as_of)
    return BilanSummary(target, pages.number, len(cites_by_name), data.as_of)
