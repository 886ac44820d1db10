"""The screen's text cache draws what matplotlib draws (charts/text_cache.py); off, it stays out of the way."""

import io
import random

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from erbm_desk.charts import text_cache
from erbm_desk.charts.text_cache import ChartFigure


def _pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)


def _texts(fig) -> None:
    fig.text(0.05, 0.9, "Heures d'insertion cumulées", fontsize=10.5, fontweight="bold", color="#2b2f36")
    fig.text(0.05, 0.8, "1\u202f440\u202f816 h réalisées ; 914\u202f865 h exigées", fontsize=7.5, color="#6b7280")
    for i, value in enumerate(("0", "25\u00a0000", "6,2 M€", "< 5", "246,5 %", "« s »")):
        fig.text(0.9, 0.1 + 0.1 * i, value, ha="right", va="center", fontsize=8, color="#2f5d8a")
    fig.text(0.5, 0.05, "Mise à dispo. ETTI", ha="center", va="bottom", fontsize=8.5)


def test_same_pixels_as_matplotlib_up_to_sub_pixel_placement(chart_speedups):
    text_cache.clear()
    plain, cached = Figure(figsize=(4, 2), dpi=100), ChartFigure(figsize=(4, 2), dpi=100)
    _texts(plain)
    _texts(cached)
    reference = _pixels(plain)
    for _ in range(2):  # the first draw fills the cache, the second reads it
        drawn = _pixels(cached)
        differing = (np.abs(drawn - reference).max(axis=2) > 96).mean()
        assert differing < 0.004, differing  # a few anti-aliased edge pixels, texts within half a pixel
    if chart_speedups:
        assert text_cache._masks and text_cache._glyphs  # words as masks, numbers from glyphs
    else:
        assert not text_cache._masks and not text_cache._glyphs  # matplotlib's public road: nothing cached


def test_numbers_are_measured_as_matplotlib_measures_them():
    renderer = RendererAgg(10, 10, 100)
    rng = random.Random(5)
    chars = "0123456789 \u00a0\u202f,.%€hkM/<>«»+-"
    for size in (7.5, 8.5, 10.5):
        prop = FontProperties(size=size)
        for _ in range(100):
            s = "".join(rng.choice(chars) for _ in range(rng.randint(1, 10))).strip() or "0"
            laid = text_cache._number_layout(renderer, s, prop)
            assert laid is not None
            assert laid[1:] == renderer.get_text_width_height_descent(s, prop, False), s


def test_vector_output_is_untouched():
    fig = ChartFigure(figsize=(3, 1))
    fig.text(0.1, 0.5, "Cité 10 : 1\u202f234 h")
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # texts as <text>, not glyph paths
        fig.savefig(out, format="svg")
    assert "Cité 10 : 1 234 h" in out.getvalue().decode()
    assert "draw_text" not in vars(FigureCanvasAgg(fig).get_renderer())  # the renderer is left as it was
