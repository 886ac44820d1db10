"""One switch for the charts' speed-ups that reach into matplotlib's internals:

- `text_cache`: texts shaped and rendered once per process on the Agg renderer (private renderer and FT2Font
  methods);
- `pdf_text_cache`: texts measured and laid out once per process, written once per PDF file, on the bilan's
  pages (private renderer methods, and the layout of `RendererPdf.draw_text`'s output);
- `light_axes`: axes that create their tick objects only when something asks for them (private Axis hooks);
- `style.no_clip`: one clip path shared by the texts and bars of an axes (relies on Axes.text and add_patch
  keeping a clip path they are given).

They are on only for the matplotlib releases they were written and tested against (TESTED, matched by the
upper bound of matplotlib in pyproject.toml), and off when the environment variable ERBM_DESK_CHART_SPEEDUPS
is « 0 ». Off, every chart draws through matplotlib's public road: the same figures, more slowly (the
dashboard's charts take two to four times as long to build and draw, the text cache being most of it: see the
bench's « speed-ups off » case). The test suite draws tests/charts both ways.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache

TESTED = ((3, 11), (3, 12))  # first release in, first release out
ENVIRONMENT = "ERBM_DESK_CHART_SPEEDUPS"
_forced: list[bool] = []  # `forced()` contexts, innermost last


@lru_cache(maxsize=1)
def supported() -> bool:
    """Whether the matplotlib in use is one the speed-ups were tested against. Asked when a chart is drawn:
    reading matplotlib's version imports it, which the window avoids while it starts."""
    import matplotlib

    version = tuple(int(part) for part in matplotlib.__version__.split(".")[:2])
    return TESTED[0] <= version < TESTED[1]


def active() -> bool:
    if _forced:
        return _forced[-1]
    return supported() and os.environ.get(ENVIRONMENT, "").strip() != "0"


@contextmanager
def forced(on: bool):
    """Charts drawn inside take (`on`) or leave the speed-ups, whatever the environment says (tests, bench).
    Turning them on where matplotlib is untested is refused."""
    if on and not supported():
        raise RuntimeError("Accélérations des graphiques non testées avec cette version de matplotlib.")
    _forced.append(on)
    try:
        yield
    finally:
        _forced.pop()
