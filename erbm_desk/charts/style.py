"""What every chart shares: the palette, French number formats, figure and axes set-up, hover tips.

Charts are pure functions `data -> matplotlib.figure.Figure` (never pyplot): the dashboard shows them through
`FigureCanvasQTAgg`, the bilan writes them to PDF. Layout is set by hand (no tight/constrained layout, which
measure every text twice): the dashboard must draw in a few tens of milliseconds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Sequence

from erbm_desk.domain import french

# matplotlib is imported where a figure is drawn, not here: the dashboard's KPI tiles and period selectors use the
# French formats below while the window starts, and importing matplotlib (≈ 0.5 s with numpy) then would delay
# the window's first show (tests/test_startup_imports.py).
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase

# A calm palette: slate blue for what was done, ochre for what is required/planned, sage for results.
INK = "#2b2f36"
MUTED = "#6b7280"
GRID = "#e6e8eb"
PRIMARY = "#2f5d8a"
PRIMARY_LIGHT = "#a9c0d8"
ACCENT = "#c8873a"
GOOD = "#4f8a6b"
BEFORE = "#b7a48c"
ALERT = "#b5533c"
MISSING = "#f1f0ec"
EDGE = "#ffffff"
SERIES = (PRIMARY, "#5b9aa0", ACCENT, GOOD, "#8c6bb1", "#9aa5b1", ALERT, "#c9b458")
PHASE_COLORS = {"etudes": "#9aa5b1", "programmee": PRIMARY_LIGHT, "travaux": ACCENT, "livree": GOOD,
                "abandonnee": "#d4d4d4"}

TITLE_SIZE = 10.5
LABEL_SIZE = 8.5
SMALL_SIZE = 7.5
CHAR_WIDTH_IN = 0.072  # average width of a character at LABEL_SIZE in DejaVu Sans, in inches
SCREEN_DPI = 100
CHART_SIZE = (5.6, 3.1)

MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


# ---------------------------------------------------------------------------------------------- numbers


def fr_number(value: float | int | Decimal, decimals: int = 0) -> str:
    """12345.6 -> '12 346' (decimals=0) or '12 345,6' (decimals=1): no-break spaces, decimal comma."""
    return french.format_number(value, decimals)


def fr_count(n: int | Decimal, singular: str, plural: str | None = None) -> str:
    """'1 personne', '2 000 personnes' (French plural from 2)."""
    return french.format_count(n, singular, plural)


def fr_hours(value: Decimal | float) -> str:
    """Exact hours for a tooltip: '1 234,5 h'."""
    return f"{french.format_hours(value)} h"


def fr_money(value: Decimal | float) -> str:
    """Exact euros: '1 234 567,89 €'."""
    return french.format_money(value)


def fr_money_short(value: Decimal | float) -> str:
    """Rounded euros for labels: '12,3 M€', '850 k€', '900 €'."""
    v = Decimal(str(value))
    if abs(v) >= 999_950:
        return f"{fr_number(v / 1_000_000, 1)} M€"
    if abs(v) >= 9_999.5:
        return f"{fr_number(v / 1_000, 0)} k€"
    return f"{fr_number(v, 0)} €"


def fr_percent(value: Decimal | float | None) -> str:
    return "—" if value is None else french.format_percent(value)


def fr_month(d: date) -> str:
    return f"{MONTHS_FR[d.month - 1]} {d.year}"


# ---------------------------------------------------------------------------------------------- figures


def new_figure(size: tuple[float, float] = CHART_SIZE, dpi: int = SCREEN_DPI,
               into: FigureBase | None = None) -> FigureBase:
    """A new Figure, or `into` (a SubFigure of a bilan page) when the chart is drawn into a page. On screen the
    Figure draws its texts through `text_cache` (matplotlib 3.11 shapes every text at every draw)."""
    from erbm_desk.charts.text_cache import ChartFigure

    fig = into if into is not None else ChartFigure(figsize=size, dpi=dpi, facecolor="white")
    fig.erbm_title = ""  # the chart's title, for the canvas' « Enregistrer sous » default name
    return fig


def figure_size(fig: FigureBase) -> tuple[float, float]:
    """Width and height in inches of a Figure or of a SubFigure."""
    from matplotlib.figure import Figure

    if isinstance(fig, Figure):
        return fig.get_figwidth(), fig.get_figheight()
    root = fig.get_figure(root=True)
    return (fig.bbox.width / root.dpi, fig.bbox.height / root.dpi)


def fig_title(fig: Figure, title: str, subtitle: str | None = None) -> None:
    """Title (and a muted subtitle) in the figure's top-left corner."""
    fig.erbm_title = title
    fig.text(0.015, 0.975, title, ha="left", va="top", fontsize=TITLE_SIZE, fontweight="bold", color=INK)
    if subtitle:
        fig.text(0.015, 0.975 - 0.24 / figure_size(fig)[1], subtitle, ha="left", va="top", fontsize=SMALL_SIZE,
                 color=MUTED)


def frame_axes(ax: Axes) -> None:
    """Only the left and bottom spines, light grey (the scales are drawn by `value_scale`)."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#b8bdc4")


def label_margin(labels: Sequence[str], fig_width: float, minimum: float = 0.08, maximum: float = 0.5) -> float:
    """Left margin (figure fraction) that fits horizontal bar labels, estimated without measuring text."""
    longest = max((len(str(label)) for label in labels), default=0)
    return min(maximum, max(minimum, (longest * CHAR_WIDTH_IN + 0.2) / fig_width))


def no_clip(ax: Axes):
    """One clip path shared by the texts and bars of `ax`. Axes.text and Axes.add_patch otherwise build a new
    TransformedPatchPath for every artist (a large share of building a chart); texts are not clipped anyway
    (clip_on is False for texts) and bars stay within the limits the charts set. One of the speed-ups of
    `charts.speedups` (it relies on matplotlib keeping a clip path it is given): None, matplotlib's own clip
    path per artist, when they are off."""
    from erbm_desk.charts import speedups

    if not speedups.active():
        return None
    clip = getattr(ax, "_erbm_clip", None)
    if clip is None:
        from matplotlib.transforms import TransformedPatchPath

        clip = ax._erbm_clip = TransformedPatchPath(ax.patch)
    return clip


def label(ax: Axes, x, y, text: str, **kwargs):
    """`ax.text` without building a clip path per text (see `no_clip`)."""
    return ax.text(x, y, text, clip_path=no_clip(ax), **kwargs)


def empty_message(ax: Axes, text: str = "Aucune donnée sur la période") -> None:
    from matplotlib.ticker import NullLocator

    ax.xaxis.set_major_locator(NullLocator())
    ax.yaxis.set_major_locator(NullLocator())
    for spine in ax.spines.values():
        spine.set_visible(False)
    label(ax, 0.5, 0.5, text, ha="center", va="center", fontsize=LABEL_SIZE, color=MUTED, transform=ax.transAxes)


# ---------------------------------------------------------------------------------------------- tips


def set_tip(artist, tip: str | Sequence[str] | Callable[[], str | Sequence[str]]) -> None:
    """The exact value(s) shown when hovering `artist`: one text, or one per point/polygon of a collection, or a
    function giving them when first hovered (a series' tips, formatted month by month, cost more to write than
    the line they describe, and a chart on a PDF page is never hovered)."""
    artist.erbm_tip = tip


def tip_for(artist, index: int | None = None) -> str | None:
    tip = getattr(artist, "erbm_tip", None)
    if callable(tip):
        tip = artist.erbm_tip = tip()
    if tip is None or isinstance(tip, str):
        return tip
    if index is None or not 0 <= index < len(tip):
        return None
    return tip[index]


# ---------------------------------------------------------------------------------------------- bars


def hbars(
    ax: Axes,
    labels: Sequence[str],
    values: Sequence[Decimal | int],
    *,
    color: str | Sequence[str] = PRIMARY,
    value_text=fr_number,
    tip_text=None,
    mask_below: int | None = None,
    show_values: bool = True,
    show_labels: bool = True,
    xmax: float | None = None,
    masks: Sequence[str | None] | None = None,
) -> list:
    """Horizontal bars, first label on top, each labelled with its value and carrying an exact tip.

    Category labels are plain texts, not ticks (a tick costs as much to draw as its label). With
    `mask_below`, a value under that threshold is drawn as no bar and labelled « < 5 » (anonymity); `masks`
    gives, bar by bar, a text to show instead of the value (« < 5 », « s ») or None."""
    from erbm_desk.charts.light_axes import limits_by_hand

    limits_by_hand(ax)  # both limits set below
    n = len(labels)
    masks = list(masks) if masks is not None else [None] * n
    for k, v in enumerate(values):
        if masks[k] is None and mask_below is not None and 0 < v < mask_below:  # zeros single nobody out
            masks[k] = f"< {mask_below}"
    masked = [m is not None for m in masks]
    widths = [0.0 if m else float(v) for v, m in zip(values, masked)]
    ys = list(range(n - 1, -1, -1))
    colors = color if isinstance(color, (list, tuple)) else [color] * n
    bars = ax.barh(ys, widths, height=0.64, color=colors, edgecolor="none", clip_path=no_clip(ax))
    ax.set_ylim(-0.6, n - 0.4)
    top = (xmax if xmax is not None else max(widths, default=0)) or 1
    width_in = ax.get_position().width * figure_size(ax.get_figure(root=False))[0]
    room = 0.5 / max(width_in, 0.5) if show_values else 0.02  # half an inch for the value labels
    ax.set_xlim(0, top / (1 - min(room, 0.6)))
    from matplotlib.ticker import NullLocator

    ax.xaxis.set_major_locator(NullLocator())
    ax.yaxis.set_major_locator(NullLocator())
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#b8bdc4")
    to_left = ax.get_yaxis_transform()  # x in axes fraction, y in data
    tip_text = tip_text or value_text
    for bar, name, value, m, mask, w, y in zip(bars, labels, values, masked, masks, widths, ys):
        shown = mask if m else value_text(value)
        set_tip(bar, f"{name} : {shown if m else tip_text(value)}")
        bar.erbm_label = str(name)
        bar.erbm_value = None if m else value
        if show_labels:
            label(ax, -0.015, y, str(name), transform=to_left, ha="right", va="center", fontsize=LABEL_SIZE,
                    color=INK)
        if show_values:
            label(ax, w + top * 0.015, y, shown, va="center", ha="left", fontsize=SMALL_SIZE + 0.5, color=INK)
    return list(bars)


# ---------------------------------------------------------------------------------------------- light axes
# Matplotlib's Tick objects (two lines and two texts each, re-laid out at every draw) cost more than the data
# they frame. The charts draw their scales by hand: a few texts and one LineCollection of grid lines.


def nice_ticks(vmax: float, nbins: int = 4) -> list[float]:
    """Round tick values from 0 to at least `vmax`."""
    from matplotlib.ticker import MaxNLocator

    return [float(v) for v in MaxNLocator(nbins=nbins, integer=True, min_n_ticks=2).tick_values(0, max(vmax, 1))
            if v >= 0]


def _grid_lines(ax: Axes, ticks: Sequence[float], axis: str) -> None:
    """The scale's grid lines across the whole axes, as one collection. `Axes.hlines` would draw the same, but
    converts units, masks, and measures the lines for the data limits, which the charts set by hand: it cost as
    much as the rest of a value scale."""
    from matplotlib.collections import LineCollection

    if axis == "y":
        segments = [((0, t), (1, t)) for t in ticks]
        transform = ax.get_yaxis_transform()
    else:
        segments = [((t, 0), (t, 1)) for t in ticks]
        transform = ax.get_xaxis_transform()
    ax.add_collection(LineCollection(segments, colors=GRID, linewidths=0.8, zorder=0, transform=transform,
                                     clip_path=no_clip(ax)), autolim=False)


def rule(ax: Axes, value: float, axis: str = "y", **style) -> None:
    """A line across the whole axes at `value` of the y (or x) axis: a target, a pace. `Axes.axhline` without
    widening the data limits (the charts set theirs by hand), a share of the time of a small chart."""
    from matplotlib.lines import Line2D

    if axis == "y":
        line = Line2D([0, 1], [value, value], transform=ax.get_yaxis_transform(which="grid"), **style)
    else:
        line = Line2D([value, value], [0, 1], transform=ax.get_xaxis_transform(which="grid"), **style)
    line.set_clip_path(no_clip(ax))  # None: add_artist clips it to the axes, as axhline does
    ax.add_artist(line)


def value_scale(ax: Axes, vmax: float, axis: str = "y", nbins: int = 4, fmt=None, grid: bool = True) -> float:
    """A hand-drawn value scale from 0: tick labels as texts, grid lines in one collection. Returns the top."""
    from matplotlib.ticker import NullLocator

    fmt = fmt or (lambda v: fr_number(v))
    ticks = nice_ticks(vmax, nbins)
    top = max(ticks[-1], vmax) if ticks else vmax
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(NullLocator())
    if axis == "y":
        ax.set_ylim(0, top)
        if grid:
            _grid_lines(ax, ticks, "y")
        for t in ticks:
            label(ax, -0.012, t, fmt(t), transform=ax.get_yaxis_transform(), ha="right", va="center",
                    fontsize=SMALL_SIZE + 0.5, color=INK)
    else:
        ax.set_xlim(0, top)
        if grid:
            _grid_lines(ax, ticks, "x")
        for t in ticks:
            label(ax, t, -0.02, fmt(t), transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize=SMALL_SIZE + 0.5, color=INK)
    return top


def category_scale(ax: Axes, positions: Sequence[float], labels: Sequence[str]) -> None:
    """Labels under the x axis at `positions` (years, months), as texts."""
    from matplotlib.ticker import NullLocator

    ax.xaxis.set_major_locator(NullLocator())
    for x, text in zip(positions, labels):
        label(ax, x, -0.025, text, transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=SMALL_SIZE + 0.5, color=INK)


def panel_title(ax: Axes, text: str) -> None:
    """A small title above an axes, as a text (Axes.set_title re-measures the tick labels at every draw)."""
    label(ax, 0, 1.02, text, transform=ax.transAxes, ha="left", va="bottom", fontsize=8.5, color="#4b5563")


def legend_row(fig: FigureBase, items: Sequence[tuple[str, str, str]], x: float, y: float) -> None:
    """A one-line legend in figure coordinates: (label, colour, 'line'|'dash'|'box') per item."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    width_in, height_in = figure_size(fig)
    box_w, box_h, line_w, gap = 0.1 / width_in, 0.1 / height_in, 0.3 / width_in, 0.06 / width_in
    for label, color, style in items:
        if style == "box":
            fig.add_artist(Rectangle((x, y - box_h / 2), box_w, box_h, color=color, transform=fig.transSubfigure))
            swatch = box_w
        else:
            fig.add_artist(Line2D([x, x + line_w], [y, y], color=color, linewidth=1.8,
                                  linestyle="-" if style == "line" else (0, (3, 1.5)), transform=fig.transSubfigure))
            swatch = line_w
        fig.text(x + swatch + gap, y, label, ha="left", va="center", fontsize=SMALL_SIZE, color=INK)
        x += swatch + gap + (len(label) * CHAR_WIDTH_IN * 0.9 + 0.25) / width_in
