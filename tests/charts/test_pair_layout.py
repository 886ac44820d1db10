"""Texts measured and laid out from their pairs of characters (charts/pair_layout.py) are measured and laid out
as matplotlib shapes them whole, or left to matplotlib."""

import random
import threading

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends import backend_pdf
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import LoadFlags

from erbm_desk.charts import pair_layout, speedups

# what matplotlib's FT2Font gives is compared with matplotlib 3.11's own: a speed-up's test
pytestmark = pytest.mark.skipif(not speedups.supported(), reason="matplotlib hors de la plage testée")
TEXTS = [
    "Cité Saint-Paul — Ourton (CABBALR)",
    "Bailleur : Maisons & Cités — 3 opérations",
    "36\u00a0645 h réalisées ; 12\u00a0815 h exigées par les opérations",
    "98 logements sur 98 (logements prévus) ; rythme actuel 11/an ; il faut 65/an d'ici fin 2027",
    "Données arrêtées au 31/12/2025 — page 17 / 376",
    "« < 5 » et « s » : effectifs masqués",
    "AVATAR To Té Vœux ÉTÉ «Wa» 1\u202f440,5 h 226,1 % 1,9 M€ 850 k€",
    "Taffin", "Bénéficiaires du RSA", "affluent",  # ligatures: shaped whole
    " ", "a", "",
]
ALPHABET = "abcdefghijklmnopqrstuvwxyzéèêàçùôîïœABCDEFGHIJKLMNOPQRSTUVWXYZÉ0123456789 ,.;:'’-—–()/%€«»<>&\u00a0\u202f"


def _font(size: float, weight: str):
    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(FontProperties(weight=weight)))
    font.clear()
    font.set_size(size, 72)
    return font


def _whole(font, s: str):
    font.set_text(s, 0.0, flags=LoadFlags.NO_HINTING)
    measured = (*font.get_width_height(), font.get_descent())
    items = [(i.char, i.glyph_index, i.x, i.y, i.prev_kern) for i in font._layout(s, LoadFlags.NO_HINTING)]
    return measured, items


@pytest.mark.parametrize("size, weight", [(7.5, "normal"), (10, "normal"), (8.5, "bold"), (15, "bold")])
def test_the_same_measures_and_glyphs_as_matplotlib_or_none(size, weight):
    pair_layout.clear()
    rnd = random.Random(size)
    texts = TEXTS + ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 40))) for _ in range(400)]
    font = _font(size, weight)
    laid = 0
    for s in texts:
        measured, glyphs = pair_layout.measure(font, size, s), pair_layout.layout(font, size, s)
        assert (measured is None) == (glyphs is None), s
        if measured is None:
            continue
        laid += 1
        whole_measured, whole_items = _whole(font, s)
        assert measured == whole_measured, s
        assert [(g.char, g.glyph_index, g.x, g.y, g.prev_kern) for g in glyphs] == whole_items, s
    assert laid > 300  # most texts: only the ligatures and the empty text are left to matplotlib


def test_ligatures_and_missing_glyphs_are_left_to_matplotlib():
    pair_layout.clear()
    font = _font(10, "normal")
    assert pair_layout.layout(font, 10, "Taffin") is None and pair_layout.measure(font, 10, "fi") is None
    assert pair_layout.layout(font, 10, "\x0c") is None  # no glyph in DejaVu Sans


def test_matplotlib_own_layout_outside_a_recording():
    # backend_pdf sees pdf_text_cache's _text_helpers for good: only the thread recording a text gets the
    # pairs, any other PDF written meanwhile gets matplotlib's layout (glyphs loaded as usual)
    from erbm_desk.charts import pdf_text_cache

    font = _font(10, "normal")
    helpers = backend_pdf._text_helpers
    assert helpers is pdf_text_cache._TEXT_HELPERS
    helpers.recording.size = 10
    try:
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            assert isinstance(helpers.layout("Cité", font)[0], pair_layout.Glyph)
            seen = []
            other = threading.Thread(target=lambda: seen.extend(helpers.layout("Cité", font)))
            other.start()
            other.join()
        assert seen and not isinstance(seen[0], pair_layout.Glyph)
    finally:
        del helpers.recording.size
