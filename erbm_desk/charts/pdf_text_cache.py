"""PDF drawing of texts without measuring and shaping them again on every page: per-process caches of text
metrics and layouts and, per PDF file, of the content-stream operators that draw each text, used while a
`PdfPageFigure` (every page of the bilan) is saved as PDF.

Why: matplotlib measures every text with FreeType (`set_text`), lays it out, and shapes it again with libraqm
to write it (`_layout`, then `load_glyph` for every character), on every page: its metrics cache belongs to one
renderer and PdfPages makes a renderer per page. A cité's page has about a hundred texts, most of them the same
from one cité to the next (titles, legends, month and year labels, scale values): measuring and shaping them
was about half the time of the page.

Here a text is measured and laid out once per process (`get_text_width_height_descent`,
`_get_font_height_metrics`, `Text._get_layout`: functions of the string, the font, the alignments and the dpi,
placed relative to the text's position), and written once per PDF file by matplotlib's own `draw_text`, at the
origin, while the file's writes are recorded; later the same text is written as matplotlib writes it (« q », its
own matrix « cm » placing and turning it, the recorded « BT … ET », « Q »): the same bytes. The recorded block
names the file's fonts and registers their glyphs for subsetting: hence one record per file, never shared.

Plain texts only: mathtext, wrapped or TeX texts, texts with font features or a language, links and the 14 core
fonts take matplotlib's road every time, and so does every other renderer (the screen, PNG, SVG). It replaces
private methods (`_get_font_height_metrics`, `Text._get_layout`), relies on the layout of
`RendererPdf.draw_text`'s output (matplotlib 3.11) and, while recording, on what draw_text reads of
`_text_helpers.layout` (`_LayoutOnly`), so it is one of the speed-ups of `charts.speedups`: off on other
releases or when the environment asks.
"""
from __future__ import annotations

import math
from contextlib import contextmanager

from matplotlib import _text_helpers, rcParams
from matplotlib.backends import backend_pdf
from matplotlib.backends.backend_pdf import Op, RendererPdf
from matplotlib.ft2font import LoadFlags
from matplotlib.figure import Figure
from matplotlib.text import Text

from erbm_desk.charts import speedups

_MAX_ENTRIES = 20_000  # a bilan draws a few thousand distinct texts; cleared wholesale when full
_metrics: dict = {}
_heights: dict = {}
_layouts: dict = {}
_MARK = "_erbm_cached_text"  # set on a RendererPdf while its texts go through the caches


def clear() -> None:
    """Forget every measured text (tests, and the bench's « cold » case)."""
    _metrics.clear()
    _heights.clear()
    _layouts.clear()


def _remember(cache: dict, key, value):
    if len(cache) >= _MAX_ENTRIES:
        cache.clear()
    cache[key] = value
    return value


def _metrics_of(original, s: str, prop, ismath):
    if ismath:
        return original(s, prop, ismath)
    key = (s, prop.copy(), rcParams["pdf.use14corefonts"])
    found = _metrics.get(key)
    return found if found is not None else _remember(_metrics, key, original(s, prop, ismath))


def _font_height_metrics(original, prop):
    key = (prop.copy(), rcParams["pdf.use14corefonts"])
    found = _heights.get(key)
    return found if found is not None else _remember(_heights, key, original(prop))


_plain_layout = Text._get_layout


def _text_layout(text: Text, renderer):
    """`Text._get_layout`, from the cache while a page is written as PDF. What it returns is placed relative to
    the text's own position: a function of the string, the font, the alignments, the rotation, the line spacing
    and the dpi, the same from one page to the next."""
    if not getattr(renderer, _MARK, False) or text.get_wrap() or text.get_usetex():
        return _plain_layout(text, renderer)
    key = (text.get_text(), text.get_fontproperties().copy(), text._linespacing, text._get_multialignment(),
           text.get_rotation(), text.get_rotation_mode(), text.get_horizontalalignment(),
           text.get_verticalalignment(), text._parse_math, text.get_figure(root=True).dpi,
           rcParams["pdf.use14corefonts"])
    found = _layouts.get(key)
    if found is None:
        found = _remember(_layouts, key, _plain_layout(text, renderer))
    bbox, lines, box = found
    return bbox.frozen(), list(lines), box


Text._get_layout = _text_layout


class _LayoutOnly:
    """`matplotlib._text_helpers` as `RendererPdf.draw_text` sees it while a text is recorded: the shaped glyphs
    without loading each one in FreeType. `_text_helpers.layout` loads every glyph for callers that read its
    outline afterwards (text as paths); draw_text reads only the glyph indices, the positions and the kerning
    of the layout, and loading the glyphs was a third of the time of writing a new text."""

    @staticmethod
    def layout(string, font, *, features=None, language=None):
        return font._layout(string, LoadFlags.NO_HINTING, features=features, language=language)


class _Recording:
    """The writes of a PdfFile while matplotlib draws one text at the origin."""

    def __init__(self, file):
        self.file, self.parts = file, []

    def __enter__(self):
        self.file.write = self.parts.append
        backend_pdf._text_helpers = _LayoutOnly
        return self

    def __exit__(self, *exc):
        # Another thread writing a PDF at the same time may find _LayoutOnly left behind: it writes the same.
        backend_pdf._text_helpers = _text_helpers
        del self.file.write


def _block(renderer: RendererPdf, original, gc, s: str, prop, mtext) -> bytes | None:
    """The « BT … ET » operators of `s` in `prop` in this renderer's file, recorded the first time; None when
    matplotlib's output is not laid out as expected (then it draws the text itself, every time)."""
    file = renderer.file
    blocks = vars(file).setdefault("_erbm_text_blocks", {})
    key = (s, prop.copy(), rcParams["pdf.fonttype"])
    if key not in blocks:
        with _Recording(file) as recording:
            original(gc, 0, 0, s, prop, 0, ismath=False, mtext=mtext)
        parts = recording.parts
        # what draw_text writes: « q », the matrix, the text block, « Q », each output() a line then b"\n"
        expected = (len(parts) >= 7 and parts[0] == Op.gsave.value and parts[-2] == Op.grestore.value
                    and parts[2].endswith(Op.concat_matrix.value) and parts[4].startswith(Op.begin_text.value))
        blocks[key] = b"".join(parts[4:-2]) if expected else None
    return blocks[key]


def _draw_text(renderer: RendererPdf, original, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    if (ismath or not s or gc.get_url() is not None or rcParams["pdf.use14corefonts"]
            or (mtext is not None and (mtext.get_fontfeatures() or mtext.get_language()))):
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    # the colour first, as draw_text does: the recorded block then holds only the text's own operators
    renderer.check_gc(gc, gc._rgb)
    block = _block(renderer, original, gc, s, prop, mtext)
    if block is None:
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    a = math.radians(angle)
    file = renderer.file
    file.output(Op.gsave)
    file.output(math.cos(a), math.sin(a), -math.sin(a), math.cos(a), x, y, Op.concat_matrix)
    file.write(block)
    file.output(Op.grestore)


@contextmanager
def cached_pdf_text(renderer):
    """While drawing with `renderer` (a MixedModeRenderer over a RendererPdf), measure and write plain texts
    through the caches."""
    pdf = getattr(renderer, "_renderer", renderer)
    if not speedups.active() or type(pdf) is not RendererPdf or "draw_text" in vars(pdf):
        yield
        return
    measure, draw, heights = pdf.get_text_width_height_descent, pdf.draw_text, pdf._get_font_height_metrics
    pdf.get_text_width_height_descent = lambda s, prop, ismath: _metrics_of(measure, s, prop, ismath)
    pdf.draw_text = lambda *args, **kwargs: _draw_text(pdf, draw, *args, **kwargs)
    pdf._get_font_height_metrics = lambda prop: _font_height_metrics(heights, prop)
    setattr(pdf, _MARK, True)
    try:
        yield
    finally:
        del pdf.get_text_width_height_descent, pdf.draw_text, pdf._get_font_height_metrics
        delattr(pdf, _MARK)


class PdfPageFigure(Figure):
    """The Figure of a page of the bilan: writes its texts through the caches when saved as PDF."""

    def draw(self, renderer):
        with cached_pdf_text(renderer):
            super().draw(renderer)
