"""Energy consumption before and after renovation against the ERBM goal (130 kWh/m²/an)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from erbm_desk.charts.light_axes import add_panel, limits_by_hand
from erbm_desk.charts.style import (
    ALERT,
    BEFORE,
    CHART_SIZE,
    GOOD,
    INK,
    LABEL_SIZE,
    SCREEN_DPI,
    empty_message,
    fig_title,
    figure_size,
    fr_number,
    frame_axes,
    label,
    label_margin,
    legend_row,
    new_figure,
    no_clip,
    rule,
    set_tip,
    value_scale,
)
from erbm_desk.domain.rules import ENERGY_GOAL_KWH
from erbm_desk.domain.figures import EnergyRow

ROW_HEIGHT_IN = 0.32


def _kwh(v) -> str:
    return f"{fr_number(v, 1)} kWh/m²/an"


def energy_figure(rows: list[EnergyRow], level: str, *, width: float = CHART_SIZE[0], dpi=SCREEN_DPI,
                  max_rows: int = 14, into=None) -> Figure:
    shown = rows[:max_rows]
    fig = new_figure((width, max(CHART_SIZE[1], 1.25 + ROW_HEIGHT_IN * len(shown))), dpi, into)
    width, height = figure_size(fig)
    more = f" ({len(shown)} premiers sur {len(rows)})" if len(rows) > len(shown) else ""
    fig_title(fig, "Consommation d'énergie avant / après travaux",
              f"kWh/m²/an, moyenne par {level} pondérée par les logements{more} ; objectif {ENERGY_GOAL_KWH}")
    top_fraction = 1 - 0.85 / height
    bottom = 0.45 / height
    left = label_margin([r.label for r in shown], width)
    ax = add_panel(fig, (left, bottom, 0.96 - left, top_fraction - bottom))
    if not shown:
        empty_message(ax, "Aucune consommation renseignée")
        return fig
    limits_by_hand(ax)  # set_ylim and value_scale below
    frame_axes(ax)
    n = len(shown)
    ys = [n - 1 - i for i in range(n)]
    before = ax.barh([y + 0.19 for y in ys], [float(r.before or 0) for r in shown], height=0.36, color=BEFORE,
                     clip_path=no_clip(ax), label="Avant travaux")
    after = ax.barh([y - 0.19 for y in ys], [float(r.after or 0) for r in shown], height=0.36, color=GOOD,
                    clip_path=no_clip(ax), label="Après travaux")
    for bar, r in zip(before, shown):
        set_tip(bar, lambda r=r: f"{r.label}, avant travaux : "
                                 f"{_kwh(r.before) if r.before is not None else 'non renseigné'}")
        bar.erbm_label, bar.erbm_value = r.label, r.before
    for bar, r in zip(after, shown):
        set_tip(bar, lambda r=r: f"{r.label}, après travaux : "
                                 f"{_kwh(r.after) if r.after is not None else 'pas encore rénové'}")
        bar.erbm_label, bar.erbm_value = r.label, r.after
        if r.after is not None and r.after > ENERGY_GOAL_KWH:
            bar.set_color(ALERT)
    rule(ax, ENERGY_GOAL_KWH, "x", color=INK, linewidth=1, linestyle=(0, (3, 2)))
    ax.yaxis.set_major_locator(NullLocator())
    for y, r in zip(ys, shown):
        label(ax, -0.015, y, r.label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontsize=LABEL_SIZE, color=INK)
    ax.set_ylim(-0.6, n - 0.4)
    top = max([float(r.before or 0) for r in shown] + [float(r.after or 0) for r in shown] + [ENERGY_GOAL_KWH])
    value_scale(ax, top * 1.05, axis="x", nbins=5)
    legend_row(fig, [("avant travaux", BEFORE, "box"), ("après travaux", GOOD, "box"),
                     (f"objectif {ENERGY_GOAL_KWH}", INK, "dash")], 0.015, top_fraction + 0.03)
    return fig
