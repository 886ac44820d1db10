"""The frame of every page of the bilan: A4 landscape, a title, a footer with the date of the data and « page n / N »,
and the band between them that charts are drawn into."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import date
from typing import Iterator

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from matplotlib.lines import Line2D

from erbm_desk.charts import pdf_font_subsets
from erbm_desk.charts.pdf_text_cache import PdfPageFigure
from erbm_desk.charts.style import INK, MUTED, PRIMARY, fr_month
from erbm_desk.domain.reporting import Period
from erbm_desk.domain.french import format_date
from erbm_desk.services.paused_gc import paused_gc
from erbm_desk.services.progress import Progress, check_cancel

A4_LANDSCAPE = (11.69, 8.27)


@contextmanager
def drawing_pages() -> Iterator[None]:
    """What the pages of the bilan are drawn under.

    - The rcParams: TrueType fonts embedded whole (Type 42), and the patches' default face colour given as the
      colour it stands for. The default, « C0 », names the first colour of the property cycle: matplotlib cannot
      cache that lookup and rebuilt the cycle's colours for each bar and axes background created (a few
      milliseconds per cité page), though every patch of the bilan is given its own colour anyway.
    - Python's automatic garbage collection off, `Pages.page` collecting the young objects instead: a page is
      tens of thousands of objects in reference cycles (a figure and its artists), alive while it is drawn, so
      the automatic collections ran a dozen times per page over them, moved them to older generations and
      walked every object of the process again and again (a fifth of a cité page's time). Once saved, a page is
      garbage as a whole: one collection of the youngest generation per page frees it.
    - The fonts embedded without their layout tables, which no PDF viewer reads (`charts.pdf_font_subsets`).
    """
    from matplotlib.colors import to_hex

    pdf_font_subsets.install()

    with paused_gc(), matplotlib.rc_context({"pdf.fonttype": 42,
                                             "patch.facecolor": to_hex(matplotlib.rcParams["patch.facecolor"])}):
        yield


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


class Pages:
    """Numbers the pages and frames each one (header, footer with the date of the data and « page n / N »)."""

    def __init__(self, pdf: PdfPages, total: int, label: str, as_of: date, progress: Progress):
        self.pdf, self.total, self.label, self.as_of, self.progress = pdf, total, label, as_of, progress
        self.number = 0

    def page(self, title: str | None) -> Figure:
        check_cancel(self.progress)
        gc.collect(0)  # the previous page, saved and let go by now (see `drawing_pages`)
        fig = PdfPageFigure(figsize=A4_LANDSCAPE, dpi=100, facecolor="white")
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


def chunks(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def chart_band(fig: Figure) -> Figure:
    """The part of a page between its header and its footer, as a SubFigure the charts are drawn into.
    (Subfigures follow only the ratios of a grid, not its margins: hence a grid of margins around it, of which
    only the middle cell becomes a SubFigure, where nested `subfigures` made six on every page.)"""
    grid = GridSpec(3, 3, figure=fig, height_ratios=[0.115, 0.835, 0.05], width_ratios=[0.025, 0.95, 0.025],
                    left=0, right=1, bottom=0, top=1, wspace=0, hspace=0)
    return fig.add_subfigure(grid[1, 1])
