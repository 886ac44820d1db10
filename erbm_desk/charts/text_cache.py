"""Screen drawing of texts without re-shaping them at every draw: a per-process cache of text metrics and of the
rendered coverage mask of each text, used while a `ChartFigure` draws with Agg (the screen, PNG).

Why: with matplotlib 3.11 every Text is shaped by libraqm and its glyphs rendered one by one at every draw, and
measured again on every new canvas (matplotlib's metrics cache belongs to one renderer): about 1 ms per label of
twenty characters, more than the rest of a chart. The dashboard redraws the same titles, category names and
scale labels at every refresh. Here a text is shaped and rendered once (with matplotlib's own code, into a
small scratch Agg buffer) and its coverage mask is then composited in the text's colour with the same call
matplotlib uses for each glyph (`draw_text_image`), so the pixels are those matplotlib draws, give or take the
sub-pixel position (texts are placed on whole pixels).

Only plain horizontal one-line texts on an Agg renderer take this path; mathtext, rotated texts, texts with
font features, path effects and every vector backend (PDF, SVG: the bilan) draw as usual.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font

_MAX_ENTRIES = 20_000  # a dashboard draws a few hundred distinct texts; cleared wholesale when full
_metrics: dict = {}
_masks: dict = {}
_heights: dict = {}


def clear() -> None:
    """Forget every cached text (tests, and the bench's « cold » case)."""
    _metrics.clear()
    _masks.clear()
    _heights.clear()


def _hinting() -> tuple:
    return rcParams["text.hinting"], rcParams["text.hinting_factor"], rcParams["text.antialiased"]


def _metrics_of(renderer: RendererAgg, original, s: str, prop, ismath):
    if ismath:
        return original(s, prop, ismath)
    key = (s, prop.copy(), renderer.dpi, _hinting())
    found = _metrics.get(key)
    if found is None:
        if len(_metrics) >= _MAX_ENTRIES:
            _metrics.clear()
        found = _metrics[key] = original(s, prop, ismath)
    return found


def _font_height_metrics(renderer: RendererAgg, prop):
    """What `Text._get_layout` computes from the font's tables for each text (ascent, descent and line gap at the
    figure's dpi), once per font and size."""
    key = (prop.copy(), renderer.dpi)
    found = _heights.get(key)
    if found is None:
        found = (None, None, None)
        font = get_font(fontManager._find_fonts_by_props(prop))
        for table_name, gap_key, ascent_key, descent_key in (
                ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"), ("hhea", "lineGap", "ascent", "descent")):
            table = font.get_sfnt_table(table_name)
            if table is None:
                continue
            scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * renderer.dpi / 72
            found = (table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale)
            break
        if len(_heights) >= _MAX_ENTRIES:
            _heights.clear()
        _heights[key] = found
    return found


def _mask(renderer: RendererAgg, s: str, prop, antialiased: bool):
    """(coverage mask, x and y of the text's origin in it, y downwards) for `s`, rendered once."""
    key = (s, prop.copy(), renderer.dpi, antialiased, _hinting())
    found = _masks.get(key)
    if found is None:
        w, h, d = _metrics_of(renderer, renderer.get_text_width_height_descent, s, prop, False)
        pad = 2 + math.ceil(prop.get_size_in_points() * renderer.dpi / 72 * 0.4)  # overhanging glyphs, accents
        ascent = math.ceil(h - d)
        scratch = RendererAgg(math.ceil(w) + 2 * pad, ascent + math.ceil(d) + 2 * pad, renderer.dpi)
        gc = scratch.new_gc()
        gc.set_foreground((0, 0, 0, 1), isRGBA=True)
        gc.set_antialiased(antialiased)
        RendererAgg.draw_text(scratch, gc, pad, pad + ascent, s, prop, 0)
        gc.restore()
        coverage = np.ascontiguousarray(np.asarray(scratch.buffer_rgba())[:, :, 3])
        found = (coverage, pad, pad + ascent)
        if len(_masks) >= _MAX_ENTRIES:
            _masks.clear()
        _masks[key] = found
    return found


def _draw_text(renderer: RendererAgg, original, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    if (ismath or angle or not s
            or (mtext is not None and (mtext.get_fontfeatures() or mtext.get_language()))):
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    coverage, ox, oy = _mask(renderer, s, prop, bool(gc.get_antialiased()))
    # draw_text_image takes the left side and the bottom side of the mask, y downwards.
    renderer._renderer.draw_text_image(coverage, round(x) - ox, round(y) - oy + coverage.shape[0], 0, gc)


@contextmanager
def cached_text(renderer):
    """While drawing with `renderer`, measure and draw plain texts through the cache (Agg only)."""
    if type(renderer) is not RendererAgg or "draw_text" in vars(renderer):
        yield
        return
    measure, draw = renderer.get_text_width_height_descent, renderer.draw_text
    renderer.get_text_width_height_descent = lambda s, prop, ismath: _metrics_of(renderer, measure, s, prop, ismath)
    renderer.draw_text = lambda *args, **kwargs: _draw_text(renderer, draw, *args, **kwargs)
    renderer._get_font_height_metrics = lambda prop: _font_height_metrics(renderer, prop)
    try:
        yield
    finally:
        del renderer.get_text_width_height_descent, renderer.draw_text, renderer._get_font_height_metrics


class ChartFigure(Figure):
    """The Figure of every chart: draws its texts through the cache on Agg."""

    def draw(self, renderer):
        with cached_text(renderer):
            super().draw(renderer)
