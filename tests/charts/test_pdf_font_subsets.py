"""The bilan's PDF embeds its fonts without the layout tables no viewer reads (charts/pdf_font_subsets.py): the
same glyphs, the same text, a lighter font."""

import io

import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_pdf import PdfPages
from pypdf import PdfReader

from erbm_desk.charts.pdf_font_subsets import LAYOUT_TABLES
from erbm_desk.charts.pdf_text_cache import PdfPageFigure
from erbm_desk.services.reporting.bilan_layout import drawing_pages

TEXT = "Heures d'insertion réalisées : 1 440 h — « moins de 5 » — Cité Lens 12-14 (CALL)"


def _bilan_like_pdf() -> bytes:
    out = io.BytesIO()
    with drawing_pages(), PdfPages(out) as pdf:
        fig = PdfPageFigure(figsize=(8, 5), dpi=100)
        fig.text(0.05, 0.5, TEXT, fontsize=10)
        fig.text(0.05, 0.3, "Bilan pour le comité de pilotage", fontsize=12, fontweight="bold")
        pdf.savefig(fig)
    return out.getvalue()


def _fonts(pdf: bytes) -> list[TTFont]:
    fonts = []
    for ref in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        fonts.append(TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data())))
    return fonts


def test_fonts_embedded_without_layout_tables_keep_text_and_glyphs(chart_speedups):
    pdf = _bilan_like_pdf()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert TEXT in page.extract_text()  # still searchable and copyable in a PDF reader
    fonts = _fonts(pdf)
    assert len(fonts) >= 2  # regular and bold (matplotlib may split a font in several subsets)
    for font in fonts:
        assert {"glyf", "cmap", "hmtx"} <= set(font.keys())
        kept = {t for t in LAYOUT_TABLES if t in font}
        if chart_speedups:
            assert not kept
        else:  # matplotlib's own subset, as it was
            assert kept


@pytest.mark.parametrize("chart_speedups", ["accelere"], indirect=True)
def test_lighter_file(chart_speedups):
    from erbm_desk.charts import speedups

    lean = len(_bilan_like_pdf())
    with speedups.forced(False):
        full = len(_bilan_like_pdf())
    assert lean < full
