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
fonts take matplotlib's road every time, and so does every other renderer (the screen, PNG, SVG). A new text is
measured and recorded from the shapes of its pairs of characters where `pair_layout` can (most texts: a cité's
name, its charts' subtitles and figures). It replaces private methods (`_get_font_height_metrics`,
`Text._get_layout`, the `_text_helpers` that backend_pdf sees: `_TextHelpersForPdf`) and relies on the layout
of `RendererPdf.draw_text`'s output (matplotlib 3.11), so it is one of the speed-ups of `charts.speedups`: off
on other releases or when the environment asks.
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager

from matplotlib import _text_helpers, rcParams
from matplotlib.backends import backend_pdf
from matplotlib.backends.backend_pdf import Op, RendererPdf
from matplotlib.ft2font import LoadFlags
from matplotlib.figure import Figure
from matplotlib.text import Text

from erbm_desk.charts import pair_layout, speedups

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
    pair_layout.clear()


def _remember(cache: dict, key, value):
    if len(cache) >= _MAX_ENTRIES:
        cache.clear()
    cache[key] = value
    return value


def _metrics_of(renderer: RendererPdf, original, s: str, prop, ismath):
    if ismath:
        return original(s, prop, ismath)
    key = (s, prop.copy(), rcParams["pdf.use14corefonts"])
    found = _metrics.get(key)
    if found is None:
        found = _remember(_metrics, key, _new_metrics(renderer, s, prop) or original(s, prop, ismath))
    return found


def _new_metrics(renderer: RendererPdf, s: str, prop):
    """What RendererPdf.get_text_width_height_descent gives for a TrueType font, from `pair_layout` (None: not
    laid out there)."""
    if rcParams["pdf.use14corefonts"]:
        return None
    size = prop.get_size_in_points()
    measured = pair_layout.measure(renderer._get_font_ttf(prop), size, s)
    if measured is None:
        return None
    width, height, descent = measured
    return width * (1 / 64), height * (1 / 64), descent * (1 / 64)


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


class _TextHelpersForPdf:
    """`matplotlib._text_helpers` as `backend_pdf` sees it (installed below, for good): matplotlib's own, except
    while this thread records a text (`_Recording`), when `layout` gives the text put together from its pairs of
    characters (`pair_layout`), or shaped without loading each glyph in FreeType. `_text_helpers.layout` loads
    every glyph for callers that read its outline afterwards (text as paths); draw_text reads only the glyph
    indices, the positions and the kerning of the layout, and loading the glyphs was a third of the time of
    writing a new text."""

    def __init__(self):
        self.recording = threading.local()  # .size: the points of the text this thread records

    def __getattr__(self, name):
        return getattr(_text_helpers, name)

    def layout(self, string, font, *, features=None, language=None):
        size = getattr(self.recording, "size", None)
        if size is None:
            return _text_helpers.layout(string, font, features=features, language=language)
        if features is None and language is None and rcParams["pdf.fonttype"] == 42:
            # Type 42 only: draw_text then reads the position of the first glyph alone (Type 3 splits a text
            # into runs of 256 characters, each placed by its first glyph's position)
            glyphs = pair_layout.layout(font, size, string)
            if glyphs is not None:
                return glyphs
        return font._layout(string, LoadFlags.NO_HINTING, features=features, language=language)


_TEXT_HELPERS = backend_pdf._text_helpers = _TextHelpersForPdf()


class _Recording:
    """The writes of a PdfFile while matplotlib draws one text of `size` points at the origin."""

    def __init__(self, file, size: float):
        self.file, self.parts, self.size = file, [], size

    def __enter__(self):
        self.file.write = self.parts.append
        _TEXT_HELPERS.recording.size = self.size
        return self

    def __exit__(self, *exc):
        del _TEXT_HELPERS.recording.size
        del self.file.write


def _block(renderer: RendererPdf, original, gc, s: str, prop, mtext) -> bytes | None:
    """The « BT … ET » operators of `s` in `prop` in this renderer's file, recorded the first time; None when
    matplotlib's output is not laid out as expected (then it draws the text itself, every time)."""
    file = renderer.file
    blocks = vars(file).setdefault("_erbm_text_blocks", {})
    key = (s, prop.copy(), rcParams["pdf.fonttype"])
    if key not in blocks:
        with _Recording(file, prop.get_size_in_points()) as recording:
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
    pdf.get_text_width_height_descent = lambda s, prop, ismath: _metrics_of(pdf, measure, s, prop, ismath)
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
