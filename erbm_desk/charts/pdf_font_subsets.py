"""The fonts of a PDF embedded without their OpenType layout tables.

matplotlib embeds in each PDF file a subset of every TrueType font its texts use (Type 42), made by fontTools,
which keeps the layout tables (GSUB, GPOS, GDEF, kern) and completes the subset with every glyph they can reach:
parsing those tables of DejaVu Sans took 0.15 to 0.2 s per font and file, about 0.6 s at the end of each part of
a long bilan (each part is a file of its own, `reporting/bilan_parallel.py`). A PDF viewer never reads them: the
page already says which glyph goes where. Here fontTools drops them before subsetting; the glyphs kept, and the
rest of each font, are those matplotlib keeps (the pages are the same to the pixel).

It works through matplotlib's private `_backend_pdf_ps` (the fontTools options its `get_glyphs_subset` builds),
so it is one of the speed-ups of `charts.speedups`: matplotlib's own subsets when they are off.
"""

from __future__ import annotations

from types import ModuleType

from fontTools import subset

from erbm_desk.charts import speedups

LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "kern")


class _Options(subset.Options):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if speedups.active():
            self.drop_tables += [t for t in LAYOUT_TABLES if t not in self.drop_tables]  # its own copy


class _Subsetting(ModuleType):
    """fontTools.subset as matplotlib's subsetting sees it: the same, but for the options it builds."""

    Options = _Options

    def __getattr__(self, name):
        return getattr(subset, name)


def install() -> None:
    """Have matplotlib's PDF (and PostScript) backends subset fonts this way from now on, in this process.
    Idempotent; what it does is decided font by font, as the speed-ups are on or off then."""
    from matplotlib.backends import _backend_pdf_ps

    if not isinstance(_backend_pdf_ps.subset, _Subsetting):
        _backend_pdf_ps.subset = _Subsetting(subset.__name__)
