"""The one switch of the charts' speed-ups (charts/speedups.py): on for the tested matplotlib releases only, off
on request, and each speed-up follows it."""

import re
from decimal import Decimal as D
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from erbm_desk.charts import speedups
from erbm_desk.charts.breakdowns import funding_figure, people_figure
from erbm_desk.charts.energy import energy_figure
from erbm_desk.charts.homes import homes_figure
from erbm_desk.charts.hours import hours_figure
from erbm_desk.charts.light_axes import LightAxes, add_panel
from erbm_desk.charts.style import label, no_clip
from tests.charts.test_series import ENERGY, HOMES, HOURS


@pytest.fixture
def chart_speedups():
    """Here the switch itself is under test: no forcing from tests/charts/conftest.py."""
    yield None


def test_on_for_the_tested_releases_unless_the_environment_says_no(monkeypatch):
    version = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])
    assert speedups.supported() == (speedups.TESTED[0] <= version < speedups.TESTED[1])
    monkeypatch.delenv(speedups.ENVIRONMENT, raising=False)
    assert speedups.active() == speedups.supported()
    monkeypatch.setenv(speedups.ENVIRONMENT, "0")
    assert not speedups.active()
    with speedups.forced(False):
        assert not speedups.active()


def test_never_forced_on_an_untested_release(monkeypatch):
    monkeypatch.setattr(speedups, "supported", lambda: False)
    monkeypatch.delenv(speedups.ENVIRONMENT, raising=False)
    assert not speedups.active()
    with pytest.raises(RuntimeError, match="non testées"):
        with speedups.forced(True):
            pass


def test_the_pin_of_matplotlib_is_the_tested_range():
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    upper = re.search(r'"matplotlib>=[\d.]+,<(\d+)\.(\d+)"', pyproject)
    assert upper and (int(upper[1]), int(upper[2])) == speedups.TESTED[1]


@pytest.mark.parametrize("on", [True, False])
def test_each_speed_up_follows_the_switch(on):
    if on and not speedups.supported():
        pytest.skip("matplotlib hors de la plage testée")
    with speedups.forced(on):
        fig = Figure()
        ax = add_panel(fig, (0.1, 0.1, 0.8, 0.8))
        text = label(ax, 0.5, 0.5, "12 h")
        assert isinstance(ax, LightAxes) == on and isinstance(ax, Axes)
        assert (no_clip(ax) is not None) == on
        if on:
            assert text.get_clip_path() is no_clip(ax)  # one path shared by every artist of the axes
        else:
            plain = ax.text(0.5, 0.5, "12 h")  # what Axes.text does by itself
            assert text.get_clip_path() is plain.get_clip_path() is None
            assert text.clipbox is not None and plain.clipbox is not None


def _pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)


def test_both_roads_draw_the_same_charts():
    if not speedups.supported():
        pytest.skip("matplotlib hors de la plage testée")
    builders = [
        lambda: hours_figure(HOURS),
        lambda: people_figure({"Bénéficiaires du RSA": 735, "Moins de 26 ans": 3, "DELD": 0, "Autres publics": 40},
                              {"Femmes": 300, "Hommes": 478}, 778, mask_below=5),
        lambda: funding_figure({"État": D("100000.10"), "Région Hauts-de-France": D("50000")}),
    ]
    for build in builders:
        with speedups.forced(True):
            fast = _pixels(build())
        with speedups.forced(False):
            plain = _pixels(build())
        assert fast.shape == plain.shape
        differing = (np.abs(fast - plain).max(axis=2) > 96).mean()
        assert differing < 0.004, differing  # anti-aliased edges of texts placed on whole pixels


def _axis_lines(fig) -> list[list[tuple[float, float]]]:
    """Where each visible spine (the charts' axis lines) is drawn, in pixels."""
    FigureCanvasAgg(fig).draw()
    return [[tuple(np.round(p, 1)) for p in spine.get_transform().transform(spine.get_path().vertices)]
            for ax in fig.axes for spine in ax.spines.values() if spine.get_visible()]


@pytest.mark.parametrize("build", [lambda: hours_figure(HOURS), lambda: homes_figure(HOMES),
                                   lambda: energy_figure(ENERGY, "EPCI")], ids=["hours", "homes", "energy"])
def test_both_roads_draw_the_axis_lines_at_the_edges_of_the_chart(build):
    # light grey lines, under the pixel comparison's threshold: compared here where they are drawn
    if not speedups.supported():
        pytest.skip("matplotlib hors de la plage testée")
    with speedups.forced(True):
        fast = _axis_lines(build())
    with speedups.forced(False):
        plain = _axis_lines(build())
    assert fast == plain and fast
