"""Axes that do not build tick objects they never draw.

Every chart draws its scales by hand (a few texts, one collection of grid lines: `style.value_scale`) and sets
NullLocators, so matplotlib draws no Tick. Yet a plain Axes builds four Ticks (each two lines, two texts and
their transforms) while it is created, only to apply the rcParams' grid setting and the clip path to them:
about half the cost of creating an Axes, and creating the dashboard's axes was a third of building and drawing
it. These axes keep those settings for ticks created later (matplotlib reads them when it creates a tick) and
create none until something asks for them (`get_xticklabels()`, a real locator), which then works as usual.
They override private Axis and Axes hooks (`_init_axis`, `_translate_tick_params`, `_major_tick_kw`,
`_update_patch_limits`): one of the speed-ups of `charts.speedups`, plain axes when it is off.
"""

from __future__ import annotations

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import XAxis, YAxis
from matplotlib.ticker import NullLocator

from erbm_desk.charts import speedups


def _ticks_exist(axis) -> bool:
    # majorTicks / minorTicks are lazy: an instance attribute only once something asked for them.
    return "majorTicks" in vars(axis) or "minorTicks" in vars(axis)


class _LazyTicks:
    def set_tick_params(self, which="major", reset=False, **kwargs):
        if reset or _ticks_exist(self):
            return super().set_tick_params(which, reset, **kwargs)
        kwtrans = self._translate_tick_params(kwargs)
        if which in ("major", "both"):
            self._major_tick_kw.update(kwtrans)
        if which in ("minor", "both"):
            self._minor_tick_kw.update(kwtrans)
        if "label1On" in kwtrans or "label2On" in kwtrans:
            self.offsetText.set_visible(self._major_tick_kw.get("label1On", False)
                                        or self._major_tick_kw.get("label2On", False))
        if "labelcolor" in kwtrans:
            self.offsetText.set_color(kwtrans["labelcolor"])
        self.stale = True

    def draw(self, renderer):
        # With no tick, no label and NullLocators an Axis draws nothing, but placing its (empty) label would
        # create ticks to measure them.
        if (not _ticks_exist(self) and not self.label.get_text()
                and isinstance(self.get_major_locator(), NullLocator)
                and isinstance(self.get_minor_locator(), NullLocator)):
            self.stale = False
            return
        super().draw(renderer)

    def set_clip_path(self, path, transform=None):
        if _ticks_exist(self):
            return super().set_clip_path(path, transform)
        Artist.set_clip_path(self, path, transform)
        self.stale = True


class LightXAxis(_LazyTicks, XAxis):
    pass


class LightYAxis(_LazyTicks, YAxis):
    pass


class LightAxes(Axes):
    """An Axes whose axes create their ticks lazily (see the module's docstring), and whose bars do not widen
    its data limits once the chart said it sets both limits itself (`limits_by_hand`)."""

    erbm_limits_by_hand = False

    def _update_patch_limits(self, patch):
        # The data limits are read only to autoscale, which setting a limit turns off: measuring each bar's
        # path for them was a tenth of the time of a bar chart.
        if not self.erbm_limits_by_hand:
            super()._update_patch_limits(patch)

    def clear(self):
        super().clear()
        # A spine takes its place (its transform) from its position, set when the first tick asks for it: with no
        # tick created, each spine kept the data transform it starts with, and was drawn at 0 of the data (the
        # energy chart's x axis across its last row, the homes chart's y axis out of sight).
        for spine in self.spines.values():
            spine.get_spine_transform()

    def _init_axis(self):
        self.xaxis = LightXAxis(self, clear=False)
        self.spines.bottom.register_axis(self.xaxis)
        self.spines.top.register_axis(self.xaxis)
        self.yaxis = LightYAxis(self, clear=False)
        self.spines.left.register_axis(self.yaxis)
        self.spines.right.register_axis(self.yaxis)


def add_panel(fig, rect):
    """`fig.add_axes(rect)`, with LightAxes while the speed-ups are on."""
    if speedups.active():
        return fig.add_axes(rect, axes_class=LightAxes)
    return fig.add_axes(rect)


def limits_by_hand(ax) -> None:
    """Say that the chart drawn in `ax` sets both its x and y limits (no autoscale): with the speed-ups on, its
    bars then skip measuring themselves for the data limits. Nothing changes on a plain Axes."""
    ax.erbm_limits_by_hand = True
