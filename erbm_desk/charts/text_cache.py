"""Screen drawing of texts without re-shaping them at every draw: a per-process cache of text metrics and of the
rendered coverage mask of each text, used while a `ChartFigure` draws with Agg (the screen, PNG).

Why: with matplotlib 3.11 every Text is shaped by libraqm and its glyphs rendered one by one at every draw, and
measured again on every new canvas (matplotlib's metrics cache belongs to one renderer): about 1 ms per label of
twenty characters, more than the rest of a chart. The dashboard redraws the same titles, category names and
scale labels at every refresh. Here a text is shaped and rendered once (with matplotlib's own code, into a
small scratch Agg buffer) and its coverage mask is then composited in the text's colour with the same call
matplotlib uses for each glyph (`draw_text_image`), so the pixels are those matplotlib draws, give or take the
sub-pixel position (texts are placed on whole pixels).

Numbers (digits, spaces, « , . % € h k M / + - < > « » ») are the texts that change from one scope to the next;
they are laid out from a per-process cache of glyphs (hinted advance, box and coverage of each character, as
FreeType gives them to matplotlib) instead of being shaped: DejaVu Sans has no kerning or ligature among those
characters, and the positions and metrics match matplotlib's exactly (checked on 1 500 random number strings at
five sizes; any glyph the font lacks or any fractional advance falls back to the general path).

Only plain horizontal one-line texts on an Agg renderer take this path; mathtext, rotated texts, texts with
font features, path effects and every vector backend draw as usual (the bilan's PDF pages have a cache of their
own: `pdf_text_cache`). It uses matplotlib 3.11's private renderer and font methods (`_get_font_height_metrics`,
`_prepare_font`, `_render_glyph`…), so it is one of the speed-ups of `charts.speedups`: off on other releases or
when the environment asks.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font

from erbm_desk.charts import speedups

_MAX_ENTRIES = 20_000  # a dashboard draws a few hundred distinct texts; cleared wholesale when full
_metrics: dict = {}
_masks: dict = {}
_heights: dict = {}
_glyphs: dict = {}
NUMERIC = re.compile("[0-9 \u00a0\u202f,.%€hkM/+\\-<>«»]+\\Z")
_IDENTITY = np.array([[0x10000, 0], [0, 0x10000]])


def clear() -> None:
    """Forget every cached text and glyph (tests, and the bench's « cold » case)."""
    _metrics.clear()
    _masks.clear()
    _heights.clear()
    _glyphs.clear()


def _glyph(font, key: tuple, index: int, flags):
    """(hinted advance, (xmin, ymin, xmax, ymax), coverage, left, top) of one glyph at the font's current size,
    26.6 units for the advance and box, pixels for the bitmap (rendered at a whole-pixel origin)."""
    found = _glyphs.get((key, index))
    if found is None:
        from matplotlib.ft2font import RenderMode

        font._set_transform(_IDENTITY, [0, 0])
        glyph = font.load_glyph(index, flags)
        bitmap = font._render_glyph(index, flags, RenderMode.NORMAL)
        found = (glyph.horiAdvance, tuple(glyph.bbox), np.array(bitmap.buffer, dtype=np.uint8), bitmap.left,
                 bitmap.top)
        if len(_glyphs) >= _MAX_ENTRIES:
            _glyphs.clear()
        _glyphs[(key, index)] = found
    return found


def _number_layout(renderer: RendererAgg, s: str, prop):
    """(glyphs with their pen position, width, height, descent) of a number, or None when it must be shaped."""
    from matplotlib.ft2font import Kerning

    font = renderer._prepare_font(prop)
    flags = get_hinting_flag()
    key = (font.fname, prop.get_size_in_points(), renderer.dpi, _hinting())
    placed, pen, previous = [], 0, None
    xmin = ymin = math.inf
    ymax = -math.inf
    for ch in s:
        index = font.get_char_index(ord(ch))
        if not index:
            return None
        if previous is not None:
            pen += font.get_kerning(previous, index, Kerning.DEFAULT)
        glyph = _glyph(font, key, index, flags)
        if pen % 64 or glyph[0] % 64:
            return None  # not on whole pixels: matplotlib's own rendering
        placed.append((pen, glyph))
        x0, y0, _x1, y1 = glyph[1]
        xmin, ymin, ymax = min(xmin, pen + x0), min(ymin, y0), max(ymax, y1)
        pen += glyph[0]
        previous = index
    # What FT2Font.set_text reports: the advance (from 0 or the leftmost ink), the ink's height and descent.
    return placed, (pen - min(0, xmin)) / 64, (ymax - ymin) / 64, -ymin / 64


def _number_mask(placed) -> tuple:
    left = min(pen // 64 + g[3] for pen, g in placed)
    right = max(pen // 64 + g[3] + g[2].shape[1] for pen, g in placed)
    top = max(g[4] for _pen, g in placed)
    bottom = min(g[4] - g[2].shape[0] for _pen, g in placed)
    coverage = np.zeros((max(top - bottom, 1), max(right - left, 1)), dtype=np.float32)
    for pen, (_adv, _box, buffer, gl, gt) in placed:
        if not buffer.size:
            continue
        x, y = pen // 64 + gl - left, top - gt
        h, w = buffer.shape
        area = coverage[y:y + h, x:x + w]
        a = buffer.astype(np.float32) / 255
        area += a * (1 - area)  # what Agg does drawing each glyph over the previous ones
    mask = np.ascontiguousarray(np.round(coverage * 255).astype(np.uint8))
    return mask, -left, top


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
        laid = _number_layout(renderer, s, prop) if NUMERIC.match(s) else None
        found = _metrics[key] = laid[1:] if laid is not None else original(s, prop, ismath)
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
    if found is None and antialiased and NUMERIC.match(s):
        laid = _number_layout(renderer, s, prop)
        if laid is not None:
            found = _masks[key] = _number_mask(laid[0])
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
    if not speedups.active() or type(renderer) is not RendererAgg or "draw_text" in vars(renderer):
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
