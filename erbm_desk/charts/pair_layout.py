"""New texts of a PDF page measured and laid out from their pairs of characters instead of being shaped whole.

Why: matplotlib 3.11 shapes a text with libraqm twice the first time it writes it to a PDF, once to measure it
(`FT2Font.set_text`) and once to write it (`FT2Font._layout`), and FreeType loads every glyph each time: about
10 µs per character and per shaping, 1.3 ms for a subtitle of 55 characters. The caches of `pdf_text_cache` make
a text cost this once per process, but a cité's page of the bilan has a dozen texts of its own (its name, its
charts' subtitles, its figures, « page n / N »): a fifth of the page's time.

How: in DejaVu Sans (the charts' font), libraqm lays out a plain text as one glyph per character, each placed by
the advances and pair kernings before it, so the layout of a text is the layouts of its pairs put end to end,
and its measures (advance, ink top and bottom) add up the same way. Each character and each pair of characters
is shaped once per process, font and size, by matplotlib's own calls, and a text is put together from them. A
pair libraqm shapes otherwise (a ligature: « ff », « fi »; a character the font lacks, drawn from a fallback
font; anything but one glyph per character) sends the text down matplotlib's road. Checked against matplotlib
on every text of the demo bilan and on thousands of random strings (tests/charts/test_pair_layout.py).

Used by `pdf_text_cache` only (one of the speed-ups of `charts.speedups`): it relies on what `set_text` and
`_layout` of matplotlib 3.11's FT2Font return and on what `RendererPdf.draw_text` reads of a layout.
"""

from __future__ import annotations

from typing import NamedTuple

from matplotlib import rcParams
from matplotlib.ft2font import LoadFlags

_MAX_PAIRS = 50_000  # per font and size; a bilan meets a few thousand
_fonts: dict = {}


class Glyph(NamedTuple):
    """What `RendererPdf.draw_text` reads of an item of `FT2Font._layout`."""

    ft_object: object
    char: str
    glyph_index: int
    x: float
    y: float
    prev_kern: float


class _Shapes:
    """The characters and pairs of characters of one font at one size, as matplotlib shapes them."""

    def __init__(self):
        self.chars: dict[str, tuple | None] = {}  # char -> (glyph index, x, prev_kern, advance, ink bottom, top)
        self.pairs: dict[tuple[str, str], tuple | None] = {}  # (a, b) -> (b's x after a, b's kern, kern measured)

    def char(self, font, c: str) -> tuple | None:
        found = self.chars.get(c, False)
        if found is False:
            items = list(font._layout(c, LoadFlags.NO_HINTING))
            found = None
            if len(items) == 1 and items[0].char == c and items[0].glyph_index and _same_font(items[0], font):
                font.set_text(c, 0.0, flags=LoadFlags.NO_HINTING)
                width, height = font.get_width_height()
                descent = font.get_descent()
                found = (items[0].glyph_index, items[0].x, items[0].prev_kern, width, -descent, height - descent)
            self.chars[c] = found
        return found

    def pair(self, font, a: str, b: str) -> tuple | None:
        found = self.pairs.get((a, b), False)
        if found is False:
            items = list(font._layout(a + b, LoadFlags.NO_HINTING))
            found = None
            if (len(items) == 2 and items[0].char == a and items[1].char == b and items[0].x == 0
                    and items[0].glyph_index == self.chars[a][0] and items[1].glyph_index == self.chars[b][0]
                    and _same_font(items[1], font)):
                font.set_text(a + b, 0.0, flags=LoadFlags.NO_HINTING)
                kern = font.get_width_height()[0] - self.chars[a][3] - self.chars[b][3]
                found = (items[1].x, items[1].prev_kern, kern)
            if len(self.pairs) >= _MAX_PAIRS:
                self.pairs.clear()
            self.pairs[(a, b)] = found
        return found


def clear() -> None:
    """Forget every shaped character and pair (tests, and the bench's « cold » case)."""
    _fonts.clear()


def _same_font(item, font) -> bool:
    return item.ft_object.fname == font.fname and item.ft_object.face_index == font.face_index


def _shapes(font, size: float) -> _Shapes:
    key = (font.fname, font.face_index, size, rcParams["text.hinting_factor"], rcParams["text.kerning_factor"])
    found = _fonts.get(key)
    if found is None:
        found = _fonts[key] = _Shapes()
    return found


def _walk(font, size: float, s: str):
    """(the characters' shapes, the pairs' shapes) of `s`, or None when it must be shaped whole."""
    if not s:
        return None
    shapes = _shapes(font, size)
    chars = [shapes.char(font, c) for c in s]
    if None in chars:
        return None
    pairs = [shapes.pair(font, a, b) for a, b in zip(s, s[1:])]
    if None in pairs:
        return None
    return chars, pairs


def measure(font, size: float, s: str) -> tuple[int, int, int] | None:
    """What `font.set_text(s, 0, NO_HINTING)` then `get_width_height()` and `get_descent()` give (26.6 units):
    (advance, ink height, descent); `font` set to `size` points at 72 dpi. None: measure it whole."""
    walked = _walk(font, size, s)
    if walked is None:
        return None
    chars, pairs = walked
    width = sum(c[3] for c in chars) + sum(p[2] for p in pairs)
    bottom, top = min(c[4] for c in chars), max(c[5] for c in chars)
    return width, top - bottom, -bottom


def layout(font, size: float, s: str) -> list[Glyph] | None:
    """What `list(font._layout(s, NO_HINTING))` gives, as `Glyph`s; None: shape it whole."""
    walked = _walk(font, size, s)
    if walked is None:
        return None
    chars, pairs = walked
    first = chars[0]
    glyphs = [Glyph(font, s[0], first[0], first[1], 0.0, first[2])]
    x = first[1]
    for c, char, (dx, kern, _measured) in zip(s[1:], chars[1:], pairs):
        x += dx
        glyphs.append(Glyph(font, c, char[0], x, 0.0, kern))
    return glyphs
