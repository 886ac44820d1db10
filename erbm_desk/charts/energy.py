"""Energy consumption before and after renovation against the ERBM goal (130 kWh/m²/an)."""

from __future__ import annotations

from matplotlib.figure import Figure

from erbm_desk.charts.style import (
    ALERT,
    BEFORE,
    CHART_SIZE,
    GOOD,
    INK,
    MUTED,
    SCREEN_DPI,
    SMALL_SIZE,
    clean_axes,
    empty_message,
    fig_title,
    fr_number,
    int_axis,
    label_margin,
    figure_size,
    new_figure,
    set_tip,
)
from erbm_desk.domain.rules import ENERGY_GOAL_KWH
from erbm_desk.services.dashboard_data import EnergyRow

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
              f"Moyenne par {level}, pondérée par les logements{more} ; objectif {ENERGY_GOAL_KWH} kWh/m²/an")
    top = 1 - 0.85 / height
    bottom = 0.45 / height
    left = label_margin([r.label for r in shown], width)
    ax = fig.add_axes((left, bottom, 0.96 - left, top - bottom))
    if not shown:
        empty_message(ax, "Aucune consommation renseignée")
        return fig
    clean_axes(ax, grid_axis="x")
    n = len(shown)
    ys = [n - 1 - i for i in range(n)]
    before = ax.barh([y + 0.19 for y in ys], [float(r.before or 0) for r in shown], height=0.36, color=BEFORE,
                     label="Avant travaux")
    after = ax.barh([y - 0.19 for y in ys], [float(r.after or 0) for r in shown], height=0.36, color=GOOD,
                    label="Après travaux")
    for bar, r in zip(before, shown):
        set_tip(bar, f"{r.label}, avant travaux : {_kwh(r.before) if r.before is not None else 'non renseigné'}")
        bar.erbm_label, bar.erbm_value = r.label, r.before
    for bar, r in zip(after, shown):
        text = _kwh(r.after) if r.after is not None else "pas encore rénové"
        set_tip(bar, f"{r.label}, après travaux : {text}")
        bar.erbm_label, bar.erbm_value = r.label, r.after
        if r.after is not None and r.after > ENERGY_GOAL_KWH:
            bar.set_color(ALERT)
    ax.axvline(ENERGY_GOAL_KWH, color=INK, linewidth=1, linestyle=(0, (3, 2)), label=f"Objectif {ENERGY_GOAL_KWH}")
    ax.set_yticks(ys, [r.label for r in shown])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, n - 0.4)
    int_axis(ax.xaxis, nbins=5)
    ax.set_xlabel("kWh/m²/an", fontsize=SMALL_SIZE, color=MUTED, labelpad=2)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=SMALL_SIZE, frameon=False,
              labelcolor=INK, handlelength=1.4, columnspacing=1.0, borderaxespad=0.2)
    return fig
