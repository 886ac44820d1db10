"""The bilan's PDF text cache (charts/pdf_text_cache.py) writes what matplotlib writes, page after page."""

import io

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from erbm_desk.charts import pdf_text_cache
from erbm_desk.charts.pdf_text_cache import PdfPageFigure


def _page(cls, n: int) -> Figure:
    fig = cls(figsize=(8, 5), dpi=100)
    fig.text(0.05, 0.9, "Heures d'insertion cumulées", fontsize=10.5, fontweight="bold", color="#2b2f36")
    fig.text(0.05, 0.8, f"Cité n° {n} — 1\u202f440 h réalisées", fontsize=7.5, color="#6b7280", va="top")
    fig.text(0.9, 0.5, "« s »\nmoins de 5", ha="right", va="center", fontsize=8, linespacing=1.4)
    fig.text(0.5, 0.2, "2024", rotation=45, ha="center", fontsize=8.5, color="#2f5d8a")
    ax = fig.add_axes((0.1, 0.1, 0.3, 0.3))
    ax.text(0.5, 0.5, f"{n} %", transform=ax.transAxes, ha="center")
    return fig


def _pdf(cls) -> bytes:
    out = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42, "pdf.compression": 0}), \
            PdfPages(out, metadata={"CreationDate": None}) as pdf:
        for n in (1, 2, 1, 3):  # texts seen again, on other pages
            pdf.savefig(_page(cls, n))
    return out.getvalue()


def test_same_bytes_as_matplotlib(chart_speedups):
    pdf_text_cache.clear()
    assert _pdf(PdfPageFigure) == _pdf(Figure)
    if chart_speedups:
        assert pdf_text_cache._metrics and pdf_text_cache._layouts
    else:
        assert not pdf_text_cache._metrics and not pdf_text_cache._layouts  # matplotlib's public road


def test_other_renderers_are_left_alone(chart_speedups):
    pdf_text_cache.clear()
    fig = _page(PdfPageFigure, 4)
    fig.savefig(io.BytesIO(), format="png")
    fig.savefig(io.BytesIO(), format="svg")
    assert not pdf_text_cache._metrics and not pdf_text_cache._layouts
